"""Galactic / Thermo GRAMS ``.spc`` files, read with ``spc-io``.

Single files, multifiles (maps, series: every subfile is a spectrum with its
``z`` / ``w`` in the metadata) and XYXY files (an axis per subfile). Old-format
files (version byte 0x4D, before 1996) are not read by ``spc-io``: they raise.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np

from ._formats import FileSpectra, require
from ._text import SpectrumFileError

_X_TYPES = {
    "XWAVEN": ("wavenumber", "cm-1"),
    "XRAMANS": ("raman_shift", "cm-1"),
    "XNMETR": ("wavelength", "nm"),
    "XUMETR": ("wavelength", "um"),
    "XEV": ("energy", "eV"),
}
_Y_TYPES = {
    "YABSRB": "absorbance",
    "YTRANS": "transmittance",
    "YREFLEC": "reflectance",
    "YLOGDR": "log(1/R)",
    "YKMONK": "kubelka-munk",
    "YCOUNT": "counts",
    "YINTENS": "intensity",
    "YIGRAM": "interferogram",
    "YVALLEY": "single_beam",
    "YEMISN": "intensity",
}


def read_spc(path: Path) -> FileSpectra:
    """Every subfile of an SPC file, with its z / w values."""
    raw = path.read_bytes()
    if len(raw) > 1 and raw[1] == 0x4D:
        raise SpectrumFileError(
            f"{path} is an old-format SPC file (version 0x4D, before 1996), "
            "which spc-io does not read; save it again as a new-format SPC "
            "(GRAMS, OMNIC) or export it as text"
        )
    spc_io = require("spc_io", "spc-io", path, "Galactic SPC")
    notes = io.StringIO()  # spc-io prints notes (unparsed dates, trailing bytes)
    with contextlib.redirect_stdout(notes), contextlib.redirect_stderr(notes):
        spc = spc_io.SPC.from_bytes_io(io.BytesIO(raw))
    x_kind, x_unit = _X_TYPES.get(spc.xtype, ("other", spc.xtype))
    base = {"x_kind": x_kind, "x_unit": x_unit}
    base["y_kind"] = _Y_TYPES.get(spc.ytype, "arbitrary")
    base["spc_types"] = f"{spc.xtype}/{spc.ytype}"
    if spc.date is not None and spc.date.year >= 1980:  # else: not recorded
        base["acquired"] = spc.date.isoformat()
    axes, values, metadata = [], [], []
    for i, sub in enumerate(spc):
        axes.append(np.asarray(sub.xarray, dtype=np.float64))
        values.append(np.asarray(sub.yarray, dtype=np.float64))
        meta = dict(base, index=i)
        if len(spc) > 1:  # a map or series: where this subfile lies in it
            meta.update(
                {k: float(v) for k, v in (("z", sub.z), ("w", sub.w)) if v is not None}
            )
        metadata.append(meta)
    return FileSpectra(path, axes, values, metadata)
