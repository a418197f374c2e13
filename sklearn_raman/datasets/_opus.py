"""Bruker OPUS files (``.0``, ``.1``, ``.0000``, ...), read with ``brukeropus``.

An OPUS file holds several data blocks (absorbance, sample and reference
single channels, interferograms, phase); the spectrum read is the first
processed block present, in the order of :data:`BLOCKS`, and its key is in
the metadata (``"opus_block"``). A file of interferograms only raises.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._formats import FileSpectra, require
from ._text import SpectrumFileError

#: data blocks in order of preference -> y_kind; FT-Raman first
BLOCKS = {
    "ra": "intensity",
    "a": "absorbance",
    "t": "transmittance",
    "r": "reflectance",
    "atr": "absorbance",
    "km": "kubelka-munk",
    "logr": "log(1/R)",
    "sm": "single_beam",
    "rf": "single_beam",
}
_X_UNITS = {"WN": ("wavenumber", "cm-1"), "WL": ("wavelength", "um")}


def read_opus(path: Path) -> FileSpectra:
    """The preferred data block of an OPUS file (a series gives every spectrum)."""
    brukeropus = require("brukeropus", "brukeropus", path, "Bruker OPUS")
    opus = brukeropus.read_opus(str(path))
    if not opus.is_opus:
        raise SpectrumFileError(f"{path} is not a Bruker OPUS file")
    key = next((k for k in BLOCKS if k in opus.data_keys), None)
    if key is None:
        raise SpectrumFileError(
            f"{path}: OPUS file of no spectrum block (it holds "
            f"{', '.join(opus.data_keys) or 'no data'}: interferograms or phase "
            "only); compute the spectrum in OPUS and save it"
        )
    block = getattr(opus, key)
    unit = str(getattr(block, "dxu", "")).upper()
    if unit not in _X_UNITS:
        raise SpectrumFileError(
            f"{path}: OPUS block {key!r} has x in {unit or 'no unit'}, not "
            "wavenumbers or wavelengths"
        )
    x_kind, x_unit = _X_UNITS[unit]
    if key == "ra":
        x_kind = "raman_shift"
    values = np.atleast_2d(np.asarray(block.y, dtype=np.float64))
    axis = np.asarray(block.x, dtype=np.float64)
    base = {"x_kind": x_kind, "x_unit": x_unit, "y_kind": BLOCKS[key]}
    base["opus_block"] = key
    params = opus.params
    for name, meta_key in (("ins", "instrument"), ("snm", "title")):
        if name in params.keys():
            base[meta_key] = str(getattr(params, name))
    if params.datetime is not None:
        base["acquired"] = params.datetime.isoformat()
    if key == "ra" and "lwn" in params.keys():
        base["laser_wavelength_nm"] = round(1e7 / float(params.lwn), 3)
    metadata = [dict(base, index=i) for i in range(len(values))]
    return FileSpectra(path, [axis] * len(values), list(values), metadata)
