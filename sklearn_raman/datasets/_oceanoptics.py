"""Ocean Optics text exports (OOIBase32 ``.scope``, OceanView ``.txt``).

A ``key: value`` header, then the spectrum between ``>>>>>Begin ... Data<<<<<``
and ``>>>>>End ... Data<<<<<`` as wavelength (nm) and counts, one pair per line.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ._formats import FileSpectra
from ._text import SpectrumFileError, read_text

_BEGIN = re.compile(r">+\s*Begin.*Data\s*<+", re.IGNORECASE)
_END = re.compile(r">+\s*End.*Data\s*<+", re.IGNORECASE)
_KEYS = {
    "Spectrometer Serial Number": "instrument",
    "Spectrometers": "instrument",
    "Date": "date",
    "Integration Time (msec)": "integration_time_ms",
    "Integration Time (sec)": "integration_time_s",
    "Spectra Averaged": "averaged",
    "Scans to average": "averaged",
}


def read_ocean_optics(path: Path) -> FileSpectra:
    """The spectrum of an Ocean Optics text export, in nm."""
    lines = read_text(path).splitlines()
    start = next((i for i, line in enumerate(lines) if _BEGIN.search(line)), None)
    if start is None:
        raise SpectrumFileError(f"{path}: no '>>>>>Begin Spectral Data<<<<<' line")
    meta = {"x_kind": "wavelength", "x_unit": "nm", "y_kind": "counts", "index": 0}
    for line in lines[:start]:
        key, sep, value = line.partition(":")
        if sep and key.strip() in _KEYS and value.strip():
            meta[_KEYS[key.strip()]] = value.strip()
    rows = []
    for lineno, line in enumerate(lines[start + 1 :], start + 2):
        if _END.search(line):
            break
        fields = (
            line.replace(",", " ").split() if "\t" not in line else line.split("\t")
        )
        try:
            x, y = (float(f) for f in fields)
        except ValueError:
            raise SpectrumFileError(
                f"{path}, line {lineno}: not a (wavelength, counts) pair: {line!r}"
            ) from None
        rows.append((x, y))
    if not rows:
        raise SpectrumFileError(f"{path}: no data after line {start + 1}")
    data = np.asarray(rows)
    return FileSpectra(path, [data[:, 0]], [data[:, 1]], [meta])
