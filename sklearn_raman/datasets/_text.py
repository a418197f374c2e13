"""Text spectrum files: delimiter and decimal detection, and the table they hold.

A text file holds a header block (RRUFF / JCAMP style ``##KEY=VALUE`` lines,
``#`` comments, text lines) and a data block in one of two layouts:

- **columns**: the first column is the axis, every further column a spectrum
  (two-column files are the one-spectrum case); an optional header row names
  the columns;
- **rows**: a header row ends with the axis values (``ID,Substance,3600,3598,
  ...``), and every row holds a spectrum after its label fields.

One delimiter (tab, semicolon, comma or whitespace) and one decimal separator
(point or comma) hold for the whole data block: they are detected once per
file, and a row that does not fit raises :class:`SpectrumFileError` naming the
file and the line. Decimal commas are read as such (``100,5;1,25`` is
100.5 and 1.25), never as a delimiter, once the file's delimiter is a tab,
a semicolon or whitespace.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# re-exported: the readers and datasets/__init__.py import them from here
from ._errors import SpectrumFileError, SpectrumFileWarning
from ._header_units import record_units

LAYOUTS = ("auto", "columns", "rows")
_DELIMITER_NAMES = {"\t": "tab", ";": "semicolon", ",": "comma", None: "whitespace"}
_FIRST_TOKEN = re.compile(r"[^,;\t ]+")
_POINT_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_COMMA_NUMBER = re.compile(r"[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?")
_SPECIAL = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "-infinity"}
_JCAMP_KEYS = ("JCAMP-DX", "JCAMP_DX", "JCAMPDX")


@dataclass
class TextTable:
    """The spectra of one text file, on the file's own axis.

    ``values`` holds one spectrum per row, in file order; ``names`` labels each
    (column header, or the row's label field); ``row_fields`` maps each
    label-field name of a row-layout table to its values per spectrum.
    """

    path: Path
    layout: str
    axis: np.ndarray
    values: np.ndarray
    names: list[str]
    header: dict = field(default_factory=dict)
    row_fields: dict[str, list[str]] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)

    @property
    def n_spectra(self) -> int:
        """Number of spectra in the file."""
        return len(self.values)


@dataclass
class _Dialect:
    delimiter: str | None  # None: runs of whitespace
    decimal: str

    def describe(self) -> str:
        comma = ", decimal commas" if self.decimal == "," else ""
        return f"{_DELIMITER_NAMES[self.delimiter]}-delimited{comma}"

    def split(self, text: str) -> list[str]:
        if self.delimiter is None:
            return text.split()
        fields = [f.strip(" \r") for f in text.strip(" \r").split(self.delimiter)]
        while fields and not fields[-1]:  # a trailing delimiter ends some rows
            fields.pop()
        return fields

    def number(self, text: str) -> float | None:
        """The number in a field, or None if it holds none."""
        if self.decimal == ",":
            if "." in text:
                return None
            text = text.replace(",", ".", 1)
        elif "," in text:
            return None
        try:
            return float(text)
        except ValueError:
            return None


def read_text(path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), else Latin-1."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _is_number(token: str) -> bool:
    return token.lower() in _SPECIAL or bool(
        _POINT_NUMBER.fullmatch(token) or _COMMA_NUMBER.fullmatch(token)
    )


def _split_header(path: Path, text: str):
    """``##`` header values, ``#`` comments and the remaining (lineno, line)s."""
    header: dict = {}
    lines: list[tuple[int, str]] = []
    continued = None  # the ## key a wrapped value line belongs to
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continued = None
            continue
        if stripped.startswith("##"):
            key, _, value = stripped[2:].partition("=")
            key = key.strip()
            if key.upper() == "END":
                break
            header[key] = value.strip()
            continued = key
            continue
        if stripped.startswith("#"):
            header.setdefault("comments", []).append(stripped.lstrip("# "))
            continue
        first = _FIRST_TOKEN.match(stripped)
        if continued is not None and not (first and _is_number(first.group())):
            # a header value wrapped onto this line (RRUFF's ##ORIENTATION=)
            header[continued] = f"{header[continued]} {stripped}".strip()
            continue
        continued = None
        lines.append((lineno, line.rstrip("\r\n")))
    if any(key.upper() in _JCAMP_KEYS for key in header):
        raise SpectrumFileError(
            f"{path}: a JCAMP-DX file whose ##JCAMP-DX label comes late; give "
            "it the extension .jdx so the JCAMP-DX reader reads it"
        )
    return header, lines


def _sniff(path: Path, lines: list[tuple[int, str]]) -> _Dialect:
    """The data block's delimiter and decimal separator."""
    texts = [text for _, text in lines]
    half = len(texts) / 2
    for delimiter in ("\t", ";"):
        if sum(delimiter in t for t in texts) > half:
            return _Dialect(delimiter, _decimal(path, lines, delimiter))
    commas = sum("," in t for t in texts)
    if commas > half:
        # "100,5 1,25": whitespace columns of decimal-comma numbers
        numeric = [t.split() for t in texts if _is_number(t.split()[0])]
        if numeric and all(len(f) >= 2 and all(map(_comma_or_int, f)) for f in numeric):
            return _Dialect(None, ",")
        return _Dialect(",", ".")
    return _Dialect(None, _decimal(path, lines, None))


def _comma_or_int(token: str) -> bool:
    return bool(
        _COMMA_NUMBER.fullmatch(token)
        or ("." not in token and _POINT_NUMBER.fullmatch(token))
    )


def _decimal(path: Path, lines, delimiter: str | None) -> str:
    """Point or comma: the one decimal separator of the numbers in ``lines``."""
    seen: dict[str, int] = {}
    for lineno, text in lines:
        fields = text.split() if delimiter is None else text.split(delimiter)
        for token in (f.strip() for f in fields):
            if _COMMA_NUMBER.fullmatch(token):
                seen.setdefault(",", lineno)
            elif "." in token and _POINT_NUMBER.fullmatch(token):
                seen.setdefault(".", lineno)
        if len(seen) == 2:
            raise SpectrumFileError(
                f"{path}, line {max(seen.values())}: decimal points and decimal "
                f"commas in one file (first point on line {seen['.']}, first "
                f"comma on line {seen[',']}); the numbers are ambiguous. Export "
                "the file with one decimal separator"
            )
    return seen.popitem()[0] if seen else "."


def _numeric_tail(values: list[float | None]) -> int:
    """Index where the all-numeric end of a row starts."""
    lead = len(values)
    while lead > 0 and values[lead - 1] is not None:
        lead -= 1
    return lead


def _monotonic(values) -> bool:
    diff = np.diff(np.asarray(values, dtype=np.float64))
    return len(values) >= 3 and bool((diff > 0).all() or (diff < 0).all())


def _is_index(values) -> bool:
    """Consecutive integers from 0 or 1: a row number, not an axis."""
    values = np.asarray(values, dtype=np.float64)
    return values[0] in (0, 1) and np.array_equal(
        values, values[0] + np.arange(len(values))
    )


def parse_table(path: Path, layout: str = "auto") -> TextTable:
    """Read a text file into a :class:`TextTable` (one or several spectra)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}; got {layout!r}")
    header, lines = _split_header(path, read_text(path))
    if not lines:
        raise SpectrumFileError(
            f"{path}: no data rows (wavenumber, intensity) found: a spectrum "
            "file needs lines of two or more numbers"
        )
    dialect = _sniff(path, lines)
    rows = []  # (lineno, text, fields, numbers, lead)
    for lineno, text in lines:
        fields = dialect.split(text)
        numbers = [dialect.number(f) for f in fields]
        rows.append((lineno, text, fields, numbers, _numeric_tail(numbers)))
    first = next((i for i, r in enumerate(rows) if r[4] < len(r[2])), None)
    if first is None:
        lineno, text = rows[min(1, len(rows) - 1)][:2]
        if len(rows) == 1:
            raise SpectrumFileError(
                f"{path}: no data rows (wavenumber, intensity) found: a spectrum "
                "file needs lines of two or more numbers"
            )
        raise SpectrumFileError(f"{path}, line {lineno}: not a data row: {text[:60]!r}")
    if first > 1:
        lineno, text = rows[1][:2]
        raise SpectrumFileError(f"{path}, line {lineno}: not a data row: {text[:60]!r}")
    titles = rows[0][2] if first == 1 else None
    top = rows[first]
    body = rows[first + 1 :]
    if layout == "auto":
        layout = _layout(path, titles, top, body, dialect)
    if layout == "rows":
        if titles is not None:
            lineno, text = top[:2]
            raise SpectrumFileError(
                f"{path}, line {lineno}: not a data row: {text[:60]!r} (a table "
                "of one spectrum per row needs the wavenumbers in its header row)"
            )
        return _rows_table(path, header, top, body, dialect)
    if titles is None and top[4] > 0:  # a header row of numeric names
        titles, first = top[2], first + 1
    title_line = rows[first - 1][0] if titles is not None else None
    return _columns_table(path, header, titles, rows[first:], dialect, title_line)


def _layout(path, titles, top, body, dialect) -> str:
    """``"columns"`` or ``"rows"``: which way the spectra run in the table."""
    lineno, text, fields, numbers, lead = top
    if titles is not None or lead == 0:
        if body and lead > 0:  # the top row has text in front of its numbers
            return "rows"
        return "columns"
    # the top row starts with labels and ends with numbers: an axis header row
    # over one spectrum per row, or, when every row below is all numbers and
    # one label leads, possibly a column table whose names are numbers
    if not body:
        raise SpectrumFileError(f"{path}, line {lineno}: not a data row: {text[:60]!r}")
    if lead > 1 or any(r[4] > 0 for r in body):
        return "rows"
    axis_row = _monotonic(numbers[lead:])
    column = [r[3][0] for r in body]
    axis_column = _monotonic(column) and not _is_index(column)
    if axis_row and not axis_column:
        return "rows"
    if axis_column and not axis_row:
        return "columns"
    raise SpectrumFileError(
        f"{path}, line {lineno}: ambiguous table ({dialect.describe()}): the "
        "header row and the first column could both be the wavenumber axis. "
        "Read it with read_table(path, layout='columns') (first column = axis) "
        "or layout='rows' (header row = axis)"
    )


def _check_width(path, rows, width: int, dialect, what: str) -> None:
    for lineno, text, fields, *_ in rows:
        if len(fields) != width:
            raise SpectrumFileError(
                f"{path}, line {lineno}: {len(fields)} fields where {what} has "
                f"{width} ({dialect.describe()}): {text[:60]!r}. Every row needs "
                "the same columns, separated by one delimiter"
            )


def _columns_table(path, header, titles, rows, dialect, title_line=None) -> TextTable:
    # the block's width is that of most rows; a few rows with a stray value
    # beyond it (seen in real instrument exports) lose it, with a warning
    width = Counter(len(r[2]) for r in rows).most_common(1)[0][0]
    expected = "two numbers" if width <= 2 else f"{width} numbers"
    for lineno, text, fields, _, lead in rows:
        if lead > 0 or len(fields) < 2:
            raise SpectrumFileError(
                f"{path}, line {lineno}: expected {expected}, got {text[:60]!r}"
            )
    wide = [r for r in rows if len(r[2]) > width]
    if len(wide) > len(rows) // 100:
        _check_width(path, rows, width, dialect, "the data block")
    _check_width(
        path, [r for r in rows if len(r[2]) < width], width, dialect, "the data block"
    )
    if wide:
        warnings.warn(
            f"{path}, line {wide[0][0]}: "
            + (f"{len(wide)} rows hold" if len(wide) > 1 else "a row holds")
            + f" values beyond the {width} columns of the other rows "
            f"({wide[0][1][:60]!r}); they are ignored",
            SpectrumFileWarning,
            stacklevel=4,
        )
    data = np.asarray([r[3][:width] for r in rows], dtype=np.float64)
    _check_finite(path, data, [r[0] for r in rows])
    names = [f"column {i + 1}" for i in range(1, width)]
    if titles is not None:
        header["columns"] = titles
        record_units(path, header, titles, title_line)  # x_kind, y_unit, ...
        if len(titles) == width:
            names = titles[1:]
        elif width > 2:
            raise SpectrumFileError(
                f"{path}: the header row has {len(titles)} names for {width} "
                f"data columns ({dialect.describe()}); the spectra cannot be named"
            )
    return TextTable(
        path=path,
        layout="columns",
        axis=data[:, 0],
        values=data[:, 1:].T,
        names=names,
        header=header,
        lines=[r[0] for r in rows],
    )


def _check_finite(path, data: np.ndarray, linenos: list[int]) -> None:
    bad = ~np.isfinite(data).all(axis=1)
    if bad.any():
        lineno = linenos[int(np.argmax(bad))]
        raise SpectrumFileError(f"{path}, line {lineno}: NaN or inf in a data row")


def _rows_table(path, header, top, body, dialect) -> TextTable:
    lineno, _, fields, numbers, lead = top
    _check_width(path, body, len(fields), dialect, "the header row")
    for row_lineno, text, _, row_numbers, _ in body:
        bad = next(
            (i for i in range(lead, len(fields)) if row_numbers[i] is None), None
        )
        if bad is not None:
            raise SpectrumFileError(
                f"{path}, line {row_lineno}: field {bad + 1} "
                f"({fields[bad]!r} in the header) is not a number: {text[:60]!r}"
            )
    axis = np.asarray(numbers[lead:], dtype=np.float64)
    _check_finite(path, axis[None], [lineno])
    values = np.asarray([r[3][lead:] for r in body], dtype=np.float64)
    _check_finite(path, values, [r[0] for r in body])
    row_fields = {
        name or f"field {i + 1}": [r[2][i] for r in body]
        for i, name in enumerate(fields[:lead])
    }
    # the spectra's names: the first label field holding text (a substance
    # rather than a running ID), else the first one, else the row number
    texts = [k for k, v in row_fields.items() if not all(map(_is_number, v))]
    names = row_fields[(texts or list(row_fields))[0]] if row_fields else None
    return TextTable(
        path=path,
        layout="rows",
        axis=axis,
        values=values,
        names=names or [str(i + 1) for i in range(len(body))],
        header=header,
        row_fields=row_fields,
        lines=[r[0] for r in body],
    )
