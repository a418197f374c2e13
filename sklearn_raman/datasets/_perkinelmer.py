"""PerkinElmer ``.sp`` files (``PEPE`` block format): the package's own reader.

No maintained Python reader handles them. The file is ``PEPE``, a 40-byte
description, then blocks of ``(int16 id, int32 size)``; the data set block
(id 120) holds the members read here: abscissa range, interval, number of
points, axis labels, name and the ordinates (float64). The axis is checked
against the range, the interval and the number of points before it is used.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from ._formats import FileSpectra
from ._text import SpectrumFileError

_DATA_SET = 120
_RANGE, _INTERVAL, _NPOINTS = -29838, -29836, -29835
_XLABEL, _YLABEL, _NAME, _ALIAS, _DATA = -29833, -29832, -29827, -29823, -29828
_Y_LABELS = {"A": "absorbance", "%T": "transmittance", "T": "transmittance"}
_Y_LABELS.update({"%R": "reflectance", "R": "reflectance", "KM": "kubelka-munk"})


def read_perkinelmer(path: Path) -> FileSpectra:
    """The spectrum of a PerkinElmer ``.sp`` file."""
    raw = path.read_bytes()
    if raw[:4] != b"PEPE":
        raise SpectrumFileError(f"{path} is no PerkinElmer .sp file (no 'PEPE')")
    members = {}
    try:
        _members(raw, 44, len(raw), members)
        x0, x1 = struct.unpack_from("<dd", raw, members[_RANGE] + 2)
        (step,) = struct.unpack_from("<d", raw, members[_INTERVAL] + 2)
        (n,) = struct.unpack_from("<i", raw, members[_NPOINTS] + 2)
        (nbytes,) = struct.unpack_from("<i", raw, members[_DATA] + 2)
        values = np.frombuffer(raw, "<f8", nbytes // 8, members[_DATA] + 6)
    except KeyError as exc:
        raise SpectrumFileError(f"{path}: .sp data set without member {exc}") from None
    except struct.error as exc:
        raise SpectrumFileError(f"{path}: truncated .sp file ({exc})") from None
    if len(values) != n or n < 2 or abs(x0 + (n - 1) * step - x1) > abs(step) / 2:
        raise SpectrumFileError(
            f"{path}: inconsistent .sp header: {n} points from {x0:g} to {x1:g} "
            f"in steps of {step:g}, {len(values)} values"
        )
    xlabel = _string(raw, members.get(_XLABEL)).strip()
    ylabel = _string(raw, members.get(_YLABEL)).strip()
    meta = {"index": 0, "title": _string(raw, members.get(_ALIAS))}
    if xlabel.lower() in ("cm-1", "1/cm"):
        meta.update(x_kind="wavenumber", x_unit="cm-1")
    elif xlabel.lower() == "nm":
        meta.update(x_kind="wavelength", x_unit="nm")
    else:
        meta.update(x_kind="other", x_unit=xlabel or None)
    meta["y_kind"] = _Y_LABELS.get(ylabel.upper(), "arbitrary")
    if ylabel.startswith("%"):
        meta["y_unit"] = "%"
    axis = x0 + step * np.arange(n)
    return FileSpectra(path, [axis], [values.astype(np.float64)], [meta])


def _members(raw: bytes, start: int, end: int, found: dict) -> None:
    """Offsets of the members' contents, descending into data-set blocks."""
    pos = start
    while pos + 6 <= end:
        block, size = struct.unpack_from("<hi", raw, pos)
        pos += 6
        if size < 0 or pos + size > end:
            raise struct.error(f"block {block} of {size} bytes at offset {pos - 6}")
        if block == _DATA_SET:
            _members(raw, pos, pos + size, found)
        else:
            found.setdefault(block, pos)
        pos += size


def _string(raw: bytes, offset: int | None) -> str:
    if offset is None:
        return ""
    (length,) = struct.unpack_from("<h", raw, offset + 2)
    return raw[offset + 4 : offset + 4 + length].decode("latin-1").rstrip("\x00")
