"""The readers' error and warning classes (the messages name file and line)."""


class SpectrumFileError(ValueError):
    r"""A spectrum file that cannot be read; the message names file and line.

    A ``ValueError``, so code that catches that keeps working.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_raman.datasets import SpectrumFileError, read_table
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
    >>> _ = path.write_text("no numbers here\n")
    >>> try:
    ...     read_table(path)
    ... except SpectrumFileError as error:
    ...     print(str(error).split(": ")[1])
    no data rows (wavenumber, intensity) found
    """


class SpectrumFileWarning(UserWarning):
    r"""A spectrum file read with something left out; the message says what.

    For instance the files :func:`read_spectra` skips with ``on_error="warn"``.

    Examples
    --------
    >>> import tempfile, pathlib, warnings
    >>> from sklearn_raman.datasets import SpectrumFileWarning, read_spectra
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "quartz").mkdir()
    >>> _ = (root / "quartz" / "good.csv").write_text("x,y\n100,1\n200,2\n")
    >>> _ = (root / "quartz" / "bad.csv").write_text("not a spectrum\n")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     data = read_spectra(root, on_error="warn")
    >>> [w.category.__name__ for w in caught], len(data.spectra)
    (['SpectrumFileWarning'], 1)
    """
