"""Readers for spectrum files: RRUFF native format, two-column and wide text / CSV."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ._formats import FileSpectra, ascending, read_vendor, vendor_format
from ._labspec import labspec_metadata
from ._openspecy import is_openspecy_csv, read_openspecy_csv
from ._text import SpectrumFileError, TextTable, parse_table

_SAMPLE_ID = re.compile(r"^[A-Z]{1,3}\d{5,}")


def _pick(path, names: list[str], spectrum) -> int:
    """Index of ``spectrum`` (a name or an index) among a file's spectra."""
    n = len(names)
    if isinstance(spectrum, Integral) and not isinstance(spectrum, bool):
        if -n <= spectrum < n:
            return int(spectrum) % n
    elif spectrum in names:
        return names.index(spectrum)
    raise ValueError(
        f"{path} holds no spectrum {spectrum!r}; its spectra: "
        f"{_shorten(names)} (or an index below {n})"
    )


def _shorten(names: list[str], n: int = 6) -> str:
    shown = ", ".join(repr(x) for x in names[:n])
    return shown + (f", ... ({len(names)} in all)" if len(names) > n else "")


def read_spectrum(
    path: str | os.PathLike, *, spectrum: str | int | None = None
) -> tuple[np.ndarray, np.ndarray, dict]:
    r"""Read one spectrum file.

    Understands the RRUFF native format (``##KEY=VALUE`` header lines, header
    values wrapped onto following lines without ``##``, blank lines, data rows
    ``wavenumber, intensity``, ``##END=``) and text or CSV files of two columns
    (axis, intensity), with or without a header row. The delimiter (comma,
    semicolon, tab or whitespace) and the decimal separator are detected once
    per file: a semicolon-, tab- or whitespace-delimited file may use decimal
    commas (``100,5;1,25`` is 100.5 and 1.25). Lines starting with a single
    ``#`` are comments.

    A file that holds several spectra (a wide table: one spectrum per column
    after the axis column, or one per row under a header row of wavenumbers)
    is read with :func:`read_table` or :func:`read_spectra`; here it raises,
    unless ``spectrum`` names the one to read.

    Parameters
    ----------
    path : str or path-like
        The file.
    spectrum : str, int or None, default=None
        In a file of several spectra, the one to read: its name (column header,
        or the row's label) or its index. None: the file must hold one spectrum.

    Returns
    -------
    wavenumbers : ndarray of shape (n_points,)
        Ascending (descending files are reversed), float64.
    intensities : ndarray of shape (n_points,)
        Float64, in the order of ``wavenumbers``.
    metadata : dict
        RRUFF header values by key (e.g. ``"NAMES"``, ``"RRUFFID"``,
        ``"RAMAN WAVELENGTH"``), ``"columns"`` for a text header row,
        ``"comments"`` for ``#`` lines; for a spectrum of a table, ``"name"``
        and the row's label fields.

    Raises
    ------
    SpectrumFileError
        For a file with no data rows, a non-numeric line among the data, a row
        with fewer than two numbers or another number of fields than the rest,
        decimal points and decimal commas in one file, NaN / inf values, a
        table of several spectra (without ``spectrum``), or a JCAMP-DX file; the
        message names the file and, where there is one, the line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_raman.datasets import read_spectrum
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "s.txt"
    >>> _ = path.write_text("##NAMES=Quartz\n\n200, 1.0\n100, 3.0\n##END=\n")
    >>> wn, inten, meta = read_spectrum(path)
    >>> wn, inten, meta["NAMES"]
    (array([100., 200.]), array([3., 1.]), 'Quartz')
    >>> _ = path.write_text("shift;counts\n100,5;1,25\n101,5;2,5\n")  # decimal commas
    >>> read_spectrum(path)[:2]
    (array([100.5, 101.5]), array([1.25, 2.5 ]))
    """
    vendor = _read_vendor(path)
    if vendor is not None:
        return _vendor_spectrum(vendor, spectrum)
    table = _parse(path)
    if spectrum is None:
        if table.n_spectra > 1:
            raise SpectrumFileError(
                f"{table.path} holds {table.n_spectra} spectra (one per "
                f"{table.layout[:-1]}: {_shorten(table.names)}); read them all "
                "with read_table(path) or read_spectra(path), or one with "
                "read_spectrum(path, spectrum=NAME)"
            )
        index = 0
    else:
        index = _pick(table.path, table.names, spectrum)
    axis, values = ascending(table.axis, table.values[index])
    return axis, values, _metadata(table, index)


def _parse(path, layout: str = "auto") -> TextTable:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such spectrum file: {path}")
    if layout in ("auto", "rows") and is_openspecy_csv(path):
        return read_openspecy_csv(path)  # wavenumbers, then metadata columns
    return parse_table(path, layout)


def _read_vendor(path) -> FileSpectra | None:
    """The spectra of an instrument file, or None for a text file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such spectrum file: {path}")
    fmt = vendor_format(path)
    return None if fmt is None else read_vendor(path, fmt)


def _vendor_spectrum(data: FileSpectra, spectrum) -> tuple:
    if spectrum is None:
        if data.n_spectra > 1:
            raise SpectrumFileError(
                f"{data.path} holds {data.n_spectra} spectra ("
                f"{data.metadata[0].get('measurement', 'a map, scan or series')}); "
                "read them all with read_spectra(path), or one with "
                "read_spectrum(path, spectrum=INDEX)"
            )
        index = 0
    else:
        index = _pick(data.path, data.names, spectrum)
    axis, values = data.spectrum(index)
    return axis, values, dict(data.metadata[index])


def _header_metadata(table: TextTable) -> dict:
    """The file header, with what a LabSpec header says in the vocabulary."""
    meta = dict(table.header)
    meta.update(labspec_metadata(meta.get("comments", [])))
    return meta


def _metadata(table: TextTable, index: int, header: dict | None = None) -> dict:
    meta = dict(_header_metadata(table) if header is None else header)
    if table.n_spectra > 1 or table.layout == "rows":
        meta["name"] = table.names[index]
        meta.update({k: v[index] for k, v in table.row_fields.items()})
    return meta


def read_table(
    path: str | os.PathLike,
    *,
    layout: str = "auto",
    label_column: str | None = None,
) -> Bunch:
    r"""Read a text table of several spectra on one axis (a "wide" file).

    Two layouts are recognised:

    - ``"columns"``: the first column is the axis, every further column a
      spectrum, named by the header row (``WN;PS;PA;PC``), as instrument
      exports and published libraries often are;
    - ``"rows"``: one spectrum per row; the header row names the label fields
      and then lists the wavenumbers (``ID,Substance,Cluster,3600,3598,...``),
      as in the library of Primpke et al. (2018).

    Delimiters and decimal commas are detected as in :func:`read_spectrum`.

    Parameters
    ----------
    path : str or path-like
        The file.
    layout : {"auto", "columns", "rows"}, default="auto"
        Which way the spectra run. ``"auto"`` decides from the table, and
        raises when both ways are plausible (e.g. all-numeric column names
        over an all-numeric block).
    label_column : str or None, default=None
        For the rows layout: the label field that gives ``y``. None: the first
        label field holding text (e.g. ``Substance`` rather than a numeric
        ``ID``). For the columns layout, ``y`` holds the column names.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``X`` (n_spectra, n_points) float64 and ``wavenumbers`` (ascending);
        ``spectra``: the same as ``(wavenumbers, intensities)`` pairs;
        ``y``: labels; ``names``: each spectrum's name (column header, or the
        row's label); ``groups``: ``"<file name>:<name>"`` — spectra of one
        name in one file count as one sample, so their replicates never sit on
        both sides of a grouped split; ``filenames``; ``metadata``: one dict
        per spectrum (file header, ``"name"`` and every label field of its
        row); ``layout``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_raman.datasets import read_table
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "library.csv"
    >>> _ = path.write_text("WN;PS;PA\n400;0,1;0,5\n402;0,2;0,4\n404;0,3;0,2\n")
    >>> data = read_table(path)
    >>> data.X, data.y.tolist()
    (array([[0.1, 0.2, 0.3],
           [0.5, 0.4, 0.2]]), ['PS', 'PA'])
    """
    table = _parse(path, layout)
    labels = table.names
    if label_column is not None:
        if label_column not in table.row_fields:
            raise ValueError(
                f"{table.path} has no label field {label_column!r}; its label "
                f"fields: {list(table.row_fields)} ({table.layout} layout)"
            )
        labels = table.row_fields[label_column]
    axis, X = ascending(table.axis, table.values)
    header = _header_metadata(table)  # once, not per spectrum
    return Bunch(
        X=X,
        wavenumbers=axis,
        spectra=[(axis, row) for row in X],
        y=np.asarray(labels),
        names=np.asarray(table.names),
        groups=np.asarray([f"{table.path.name}:{name}" for name in table.names]),
        filenames=np.asarray([str(table.path)] * table.n_spectra),
        metadata=[_metadata(table, i, header) for i in range(table.n_spectra)],
        layout=table.layout,
    )


def rruff_sample_id(name: str | os.PathLike | Iterable) -> str | np.ndarray:
    """Physical sample id of a RRUFF file name, e.g. ``"R040063"``.

    The id is the second ``__`` field of a RRUFF name without its sub-sample
    suffix (``R040063-4`` -> ``R040063``, ``X050012.3`` -> ``X050012``). Names whose
    second field is no id (``Miargyrite__altered__...``) give ``"mineral__field"``,
    so each stays a group of its own; names that are not RRUFF-style give the
    file stem.

    Parameters
    ----------
    name : str, path-like or iterable of them
        File name or path, or several.

    Returns
    -------
    sample_id : str or ndarray of str
        The id, or an array of the ids of several names.

    Examples
    --------
    >>> from sklearn_raman.datasets import rruff_sample_id
    >>> rruff_sample_id("Actinolite__R040063-4__Raman__514__0__ccw__Raman_Data.txt")
    'R040063'
    >>> rruff_sample_id("Miargyrite__altered__Raman__532__0__unoriented__x.txt")
    'Miargyrite__altered'
    >>> rruff_sample_id(["Albite__R040068-1__a.txt", "Albite__R040068-2__b.txt"])
    array(['R040068', 'R040068'], dtype='<U7')
    """
    if not isinstance(name, str | os.PathLike):
        return np.asarray([_rruff_sample_id(n) for n in name])
    return _rruff_sample_id(name)


def _rruff_sample_id(name) -> str:
    stem = Path(str(name)).name
    parts = stem.split("__")
    if len(parts) < 2:
        return Path(stem).stem
    match = _SAMPLE_ID.match(parts[1])
    return match.group(0) if match else f"{parts[0]}__{parts[1]}"
