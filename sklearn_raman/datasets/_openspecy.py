"""Open Specy's own CSV export: one spectrum per row, metadata after the values.

Open Specy (the R package and its web app) writes a spectrum collection as a
comma-separated table: the header row lists the wavenumbers (cm-1) and then
the names of its metadata columns (``x, y, user_name, spectrum_type,
spectrum_identity, organization, license, session_id, file_id``, or any
others); each further row holds one spectrum's intensities and then its
metadata values. ``x`` and ``y`` are the spectrum's pixel coordinates (1, 1 for
a single spectrum).

This is the mirror image of the text reader's rows layout (label fields first,
wavenumbers after) and is recognised by its header row alone: at least three
monotonic numbers followed only by names.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from ._text import SpectrumFileError, TextTable, read_text

_MIN_POINTS = 3
_COORDINATES = ("x", "y", "z")
#: Open Specy's ``spectrum_type`` -> the kind of its cm-1 axis
_AXIS_KINDS = {"raman": "raman_shift", "ftir": "wavenumber", "ir": "wavenumber"}


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _first_line(path: Path) -> str:
    with open(path, "rb") as handle:
        raw = handle.readline(1 << 22)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _header_split(fields: list[str]) -> int | None:
    """The number of leading wavenumbers of an Open Specy header, or None."""
    n = 0
    while n < len(fields) and _float(fields[n]) is not None:
        n += 1
    names = fields[n:]
    if n < _MIN_POINTS or not names:
        return None
    if any(not name or _float(name) is not None for name in names):
        return None  # numbers after the names: no Open Specy header
    diff = np.diff([float(f) for f in fields[:n]])
    if not ((diff > 0).all() or (diff < 0).all()):
        return None
    return n


def is_openspecy_csv(path: Path) -> bool:
    r"""Whether ``path`` starts with an Open Specy export's header row.

    Parameters
    ----------
    path : Path
        A text file.

    Returns
    -------
    bool
        True when the first line is comma-separated, at least three monotonic
        wavenumbers followed by one or more metadata column names.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_raman.datasets._openspecy import is_openspecy_csv
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "os.csv"
    >>> _ = path.write_text("300,301,302,spectrum_identity\n5,6,7,HDPE\n")
    >>> is_openspecy_csv(path)
    True
    >>> _ = path.write_text("wavenumber,intensity\n300,5\n301,6\n")
    >>> is_openspecy_csv(path)
    False
    """
    line = _first_line(Path(path))
    if "," not in line or "\t" in line or ";" in line:
        return False  # Open Specy writes plain commas; others are other tables
    fields = next(csv.reader([line.strip()]))
    return _header_split([f.strip() for f in fields]) is not None


def read_openspecy_csv(path: Path) -> TextTable:
    r"""The spectra of an Open Specy CSV export, as a rows-layout table.

    Parameters
    ----------
    path : Path
        The file (see :func:`is_openspecy_csv`).

    Returns
    -------
    table : TextTable
        Layout ``"rows"``; ``axis``: the header's wavenumbers (file order);
        ``row_fields``: every metadata column by name, its values per
        spectrum as text, but ``x``, ``y`` (and ``z``), the pixel coordinates,
        as numbers; ``names``: ``spectrum_identity`` where every row gives
        one, else the first column holding text, else the row number;
        ``header``: ``format`` ``"openspecy_csv"``, ``x_unit`` ``"cm-1"``, and
        ``x_kind`` when all rows share a ``spectrum_type`` of Raman
        (``"raman_shift"``) or FTIR / IR (``"wavenumber"``); otherwise the
        kind stays unknown.

    Raises
    ------
    SpectrumFileError
        For a header row that is not an Open Specy one, no spectrum row, a
        row of another width than the header, or an intensity or pixel
        coordinate that is no number; the message names the file and line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_raman.datasets._openspecy import read_openspecy_csv
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "os.csv"
    >>> _ = path.write_text(
    ...     "300,301,302,x,y,spectrum_type,spectrum_identity\n"
    ...     "5,6,7,1,1,Raman,HDPE\n"
    ... )
    >>> table = read_openspecy_csv(path)
    >>> table.axis, table.values, table.names
    (array([300., 301., 302.]), array([[5., 6., 7.]]), ['HDPE'])
    >>> table.row_fields["x"], table.header["x_kind"]
    ([1], 'raman_shift')
    """
    path = Path(path)
    rows = [
        (lineno, [f.strip() for f in fields])
        for lineno, fields in enumerate(
            csv.reader(read_text(path).splitlines()), start=1
        )
        if any(f.strip() for f in fields)
    ]
    if not rows or _header_split(rows[0][1]) is None:
        raise SpectrumFileError(
            f"{path}, line 1: not an Open Specy CSV header (wavenumbers, then "
            "metadata column names)"
        )
    (head_line, head), body = rows[0], rows[1:]
    n = _header_split(head)
    if not body:
        raise SpectrumFileError(
            f"{path}: an Open Specy header row (line {head_line}) but no "
            "spectrum row under it"
        )
    values = []
    for lineno, fields in body:
        if len(fields) != len(head):
            raise SpectrumFileError(
                f"{path}, line {lineno}: {len(fields)} fields where the header "
                f"row has {len(head)} ({n} wavenumbers, {len(head) - n} "
                "metadata columns); every row needs the same columns"
            )
        row = [_float(f) for f in fields[:n]]
        bad = next((i for i, v in enumerate(row) if v is None), None)
        if bad is not None:
            raise SpectrumFileError(
                f"{path}, line {lineno}: field {bad + 1} (wavenumber {head[bad]}) "
                f"is not a finite number: {fields[bad]!r}; an Open Specy export "
                "holds one intensity per wavenumber"
            )
        values.append(row)
    row_fields = {
        name: [fields[n + i] for _, fields in body] for i, name in enumerate(head[n:])
    }
    for name in _COORDINATES:
        if name in row_fields:
            row_fields[name] = _coordinates(path, body, name, row_fields[name])
    return TextTable(
        path=path,
        layout="rows",
        axis=np.asarray([float(f) for f in head[:n]]),
        values=np.asarray(values, dtype=np.float64),
        names=_names(row_fields, len(body)),
        header=_header(row_fields),
        row_fields=row_fields,
        lines=[lineno for lineno, _ in body],
    )


def _coordinates(path: Path, body, name: str, texts: list[str]) -> list:
    """Pixel coordinates as numbers (int where integral)."""
    out = []
    for (lineno, _), text in zip(body, texts):
        value = _float(text)
        if value is None:
            raise SpectrumFileError(
                f"{path}, line {lineno}: the pixel coordinate {name!r} is not a "
                f"number: {text!r}; Open Specy writes x and y as numbers (1, 1 "
                "for a single spectrum)"
            )
        out.append(int(value) if value.is_integer() else value)
    return out


def _names(row_fields: dict[str, list], n: int) -> list[str]:
    identity = row_fields.get("spectrum_identity")
    if identity and all(identity):
        return list(identity)
    # as the rows layout does: the first column holding text, not numbers
    texts = [
        v
        for k, v in row_fields.items()
        if k not in _COORDINATES and any(_float(t) is None for t in v)
    ]
    return list(texts[0]) if texts else [str(i + 1) for i in range(n)]


def _header(row_fields: dict[str, list]) -> dict:
    header = {"format": "openspecy_csv", "x_unit": "cm-1"}
    kinds = {_AXIS_KINDS.get(t.lower()) for t in row_fields.get("spectrum_type", [])}
    if len(kinds) == 1 and None not in kinds:
        header["x_kind"] = kinds.pop()
    return header
