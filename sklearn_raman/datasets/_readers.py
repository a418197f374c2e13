"""Readers for spectrum files: RRUFF native format and two-column text / CSV."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

_DELIMITERS = re.compile(r"[,;\t ]+")
_SAMPLE_ID = re.compile(r"^[A-Z]{1,3}\d{5,}")


class SpectrumFileError(ValueError):
    """A spectrum file that cannot be read; the message names file and line."""


def _parse_row(line: str) -> list[float] | None:
    """Numbers of a data row, or None if the row is not numeric."""
    fields = [f for f in _DELIMITERS.split(line.strip()) if f]
    try:
        return [float(f) for f in fields]
    except ValueError:
        return None


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_spectrum(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray, dict]:
    r"""Read one spectrum file.

    Understands the RRUFF native format (``##KEY=VALUE`` header lines, header
    values wrapped onto following lines without ``##``, blank lines, data rows
    ``wavenumber, intensity``, ``##END=``) and plain two-column text or CSV files,
    with or without a header row, delimited by commas, semicolons, tabs or
    spaces. Lines starting with a single ``#`` are comments. Extra numeric
    columns are ignored (the first two are used).

    Parameters
    ----------
    path : str or path-like
        The file.

    Returns
    -------
    wavenumbers : ndarray of shape (n_points,)
        Ascending (descending files are reversed), float64.
    intensities : ndarray of shape (n_points,)
        Float64, in the order of ``wavenumbers``.
    metadata : dict
        RRUFF header values by key (e.g. ``"NAMES"``, ``"RRUFFID"``,
        ``"RAMAN WAVELENGTH"``), ``"columns"`` for a text header row,
        ``"comments"`` for ``#`` lines.

    Raises
    ------
    SpectrumFileError
        For a file with no data rows, a non-numeric line among the data, a row
        with fewer than two numbers, or NaN / inf values; the message names the
        file and the line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_raman.datasets import read_spectrum
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "s.txt"
    >>> _ = path.write_text("##NAMES=Quartz\n\n200, 1.0\n100, 3.0\n##END=\n")
    >>> wn, inten, meta = read_spectrum(path)
    >>> wn, inten, meta["NAMES"]
    (array([100., 200.]), array([3., 1.]), 'Quartz')
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such spectrum file: {path}")
    metadata: dict = {}
    rows: list[list[float]] = []
    linenos: list[int] = []
    last_key = None
    for lineno, line in enumerate(_read_text(path).splitlines(), start=1):
        text = line.strip()
        if not text:
            continue
        if text.startswith("##"):
            key, _, value = text[2:].partition("=")
            key = key.strip()
            if key.upper() == "END":
                break
            metadata[key] = value.strip()
            last_key = key
            continue
        if text.startswith("#"):
            metadata.setdefault("comments", []).append(text.lstrip("# "))
            continue
        numbers = _parse_row(text)
        if numbers is None:
            if rows:
                raise SpectrumFileError(
                    f"{path}, line {lineno}: expected two numbers, got {text[:60]!r}"
                )
            if last_key is not None:  # a header value wrapped onto this line
                metadata[last_key] = f"{metadata[last_key]} {text}".strip()
            elif "columns" not in metadata:
                metadata["columns"] = [f for f in _DELIMITERS.split(text) if f]
            else:
                raise SpectrumFileError(
                    f"{path}, line {lineno}: not a data row: {text[:60]!r}"
                )
            continue
        if len(numbers) < 2:
            raise SpectrumFileError(
                f"{path}, line {lineno}: expected two numbers (wavenumber, "
                f"intensity), got {len(numbers)}: {text[:60]!r}"
            )
        rows.append(numbers[:2])
        linenos.append(lineno)
        last_key = None
    if not rows:
        raise SpectrumFileError(f"{path}: no data rows (wavenumber, intensity) found")
    data = np.asarray(rows, dtype=np.float64)
    bad = ~np.isfinite(data).all(axis=1)
    if bad.any():
        lineno = linenos[int(np.argmax(bad))]
        raise SpectrumFileError(f"{path}, line {lineno}: NaN or inf in a data row")
    order = np.argsort(data[:, 0], kind="stable")
    return data[order, 0], data[order, 1], metadata


def rruff_sample_id(name: str) -> str:
    """Physical sample id of a RRUFF file name, e.g. ``"R040063"``.

    The id is the second ``__`` field of a RRUFF name without its sub-sample
    suffix (``R040063-4`` -> ``R040063``, ``X050012.3`` -> ``X050012``). Names whose
    second field is no id (``Miargyrite__altered__...``) give ``"mineral__field"``;
    names that are not RRUFF-style give the file stem.

    Parameters
    ----------
    name : str
        File name or path.

    Returns
    -------
    sample_id : str

    Examples
    --------
    >>> from sklearn_raman.datasets import rruff_sample_id
    >>> rruff_sample_id("Actinolite__R040063-4__Raman__514__0__ccw__Raman_Data.txt")
    'R040063'
    >>> rruff_sample_id("Miargyrite__altered__Raman__532__0__unoriented__x.txt")
    'Miargyrite__altered'
    """
    stem = Path(str(name)).name
    parts = stem.split("__")
    if len(parts) < 2:
        return Path(stem).stem
    match = _SAMPLE_ID.match(parts[1])
    return match.group(0) if match else f"{parts[0]}__{parts[1]}"


def _label_of(path: Path, label_from) -> str:
    if callable(label_from):
        return label_from(path)
    if label_from == "folder":
        return path.parent.name
    if label_from == "rruff_name":
        return path.name.split("__")[0]
    raise ValueError(
        f"label_from must be 'folder', 'rruff_name' or a callable; got {label_from!r}"
    )


def read_spectra(
    source: str | os.PathLike | Iterable[str | os.PathLike],
    label_from: str | Callable[[Path], object] = "folder",
    *,
    pattern: str = "*",
    recursive: bool = True,
) -> Bunch:
    r"""Read a folder (or a list) of spectrum files.

    Parameters
    ----------
    source : path or iterable of paths
        A folder, searched for files matching ``pattern`` (in subfolders too when
        ``recursive``), or the files themselves.
    label_from : {"folder", "rruff_name"} or callable, default="folder"
        Where the class label comes from: the name of the file's folder (one
        folder per class), the mineral name that starts a RRUFF file name
        (``Albite__R040068__...`` -> ``"Albite"``), or ``label_from(path)``.
    pattern : str, default="*"
        Glob pattern of the files in a folder. Hidden files are skipped.
    recursive : bool, default=True
        Search subfolders of a folder.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``spectra``: list of ``(wavenumbers, intensities)`` pairs, each on its
        own axis (feed it to :class:`~sklearn_raman.SpectrumResampler`);
        ``y``: ndarray of labels; ``groups``: ndarray of sample ids (the RRUFF
        id from the header or the file name, see :func:`rruff_sample_id`), for
        group-aware splits; ``filenames``: ndarray of paths; ``metadata``: list of
        header dicts.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_raman.datasets import read_spectra
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for cls in ("calcite", "quartz"):
    ...     (root / cls).mkdir()
    ...     _ = (root / cls / "a.csv").write_text("x,y\n100,1\n200,2\n")
    >>> data = read_spectra(root)
    >>> data.y.tolist(), len(data.spectra)
    (['calcite', 'quartz'], 2)
    """
    if isinstance(source, str | os.PathLike):
        root = Path(source)
        if root.is_dir():
            found = root.rglob(pattern) if recursive else root.glob(pattern)
            paths = sorted(
                p for p in found if p.is_file() and not p.name.startswith(".")
            )
            if not paths:
                raise FileNotFoundError(f"no files matching {pattern!r} in {root}")
        elif root.is_file():
            paths = [root]
        else:
            raise FileNotFoundError(f"no such file or folder: {root}")
    else:
        paths = [Path(p) for p in source]
        if not paths:
            raise ValueError("read_spectra: the list of files is empty")
    spectra, labels, groups, metadata = [], [], [], []
    for path in paths:
        wavenumbers, intensities, meta = read_spectrum(path)
        spectra.append((wavenumbers, intensities))
        labels.append(_label_of(path, label_from))
        rruff_id = str(meta.get("RRUFFID", "")).strip()
        groups.append(
            rruff_id if _SAMPLE_ID.fullmatch(rruff_id) else rruff_sample_id(path)
        )
        metadata.append(meta)
    return Bunch(
        spectra=spectra,
        y=np.asarray(labels),
        groups=np.asarray(groups),
        filenames=np.asarray([str(p) for p in paths]),
        metadata=metadata,
    )
