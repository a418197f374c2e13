"""Agilent ``.asp`` text spectra (MicroLab / Cary 630 FTIR exports).

The file is one number a line: a header of six lines (the point count, the
first and the last wavenumber, then three instrument values whose meaning no
public description gives), followed by one intensity a line in the order of
the axis, which runs uniformly from the first to the last wavenumber (high to
low in the files seen). Open Specy's ``read_asp`` reads it the same way.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._formats import FileSpectra
from ._text import SpectrumFileError, read_text

_HEADER_LINES = 6


def read_asp(path: Path) -> FileSpectra:
    r"""The spectrum of an Agilent ``.asp`` file, on its wavenumber axis (cm-1).

    Parameters
    ----------
    path : Path
        The ``.asp`` file.

    Returns
    -------
    data : FileSpectra
        One spectrum, its axis ``linspace(first, last, count)`` in file order
        (:meth:`FileSpectra.spectrum` gives it ascending); metadata ``x_kind``
        ``"wavenumber"``, ``x_unit`` ``"cm-1"``, ``index`` 0, and
        ``asp_header``: the three header values after the axis (lines 4-6),
        kept as the file writes them since their meaning is not documented.

    Raises
    ------
    SpectrumFileError
        For a header that is not a point count (an integer of at least 2) and
        two different wavenumbers, a line that holds no number, or a value
        count other than the header's; the message names the file and line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_raman.datasets._asp import read_asp
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "s.asp"
    >>> _ = path.write_text("3\n4000\n3000\n1\n2\n4\n0.1\n0.2\n0.3\n")
    >>> data = read_asp(path)
    >>> data.spectrum(0)
    (array([3000., 3500., 4000.]), array([0.3, 0.2, 0.1]))
    >>> data.metadata[0]["x_kind"], data.metadata[0]["asp_header"]
    ('wavenumber', ['1', '2', '4'])
    """
    path = Path(path)
    lines = read_text(path).splitlines()
    while lines and not lines[-1].strip():  # a trailing newline or two
        lines.pop()
    if len(lines) <= _HEADER_LINES:
        raise SpectrumFileError(
            f"{path}: {len(lines)} lines, too few for an Agilent .asp file (a "
            f"{_HEADER_LINES}-line header: point count, first and last "
            "wavenumber, three instrument values; then one value a line)"
        )
    count = _number(path, lines, 0, "the point count")
    first = _number(path, lines, 1, "the first wavenumber")
    last = _number(path, lines, 2, "the last wavenumber")
    if count != int(count) or count < 2:
        raise SpectrumFileError(
            f"{path}, line 1: the point count of an Agilent .asp file must be "
            f"an integer of at least 2; got {lines[0].strip()!r}"
        )
    if first == last:
        raise SpectrumFileError(
            f"{path}, lines 2-3: first and last wavenumber are both {first}: "
            "the file gives no axis"
        )
    values = np.asarray(
        [
            _number(path, lines, i, "an intensity")
            for i in range(_HEADER_LINES, len(lines))
        ]
    )
    if len(values) != count:
        raise SpectrumFileError(
            f"{path}, line 1: the header says {int(count)} points, but the file "
            f"holds {len(values)} values after its {_HEADER_LINES} header lines "
            "(a truncated or concatenated file?); re-export the spectrum"
        )
    axis = np.linspace(first, last, int(count))
    meta = {
        "x_kind": "wavenumber",
        "x_unit": "cm-1",
        "index": 0,
        "asp_header": [line.strip() for line in lines[3:_HEADER_LINES]],
    }
    return FileSpectra(path, [axis], [values], [meta])


def _number(path: Path, lines: list[str], index: int, what: str) -> float:
    """The number on line ``index`` (0-based), or an error naming it."""
    text = lines[index].strip()
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not np.isfinite(value):
        raise SpectrumFileError(
            f"{path}, line {index + 1}: expected {what} (an Agilent .asp file "
            f"holds one number a line), got {text[:60]!r}"
        )
    return value
