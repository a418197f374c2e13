"""Thermo OMNIC ``.spa`` (one spectrum) and ``.spg`` (a group) files.

Read with ``spectrochempy-omnic``. Its 0.2.1 wheel imports ``requests`` without
declaring it; the ``formats`` extra installs both.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import numpy as np

from ._formats import FileSpectra, require

#: OMNIC data titles -> (y_kind, y_unit); the title is matched in lower case
_Y_TITLES = {
    "absorbance": ("absorbance", None),
    "transmittance": ("transmittance", None),  # fraction or %: not said
    "% transmittance": ("transmittance", "%"),
    "reflectance": ("reflectance", None),
    "% reflectance": ("reflectance", "%"),
    "log(1/r)": ("log(1/R)", None),
    "kubelka-munk": ("kubelka-munk", None),
    "single beam": ("single_beam", None),
    "detector signal": ("interferogram", None),
    "counts": ("counts", None),
    "raman intensity": ("intensity", None),
}


def read_omnic(path: Path) -> FileSpectra:
    """Every spectrum of an OMNIC file, with names and acquisition times."""
    if find_spec("spectrochempy_omnic") is not None:  # it imports requests
        require("requests", "requests", path, "Thermo OMNIC, for spectrochempy-omnic")
    omnic = require(
        "spectrochempy_omnic", "spectrochempy-omnic", path, "Thermo OMNIC .spa/.spg"
    )
    reader = omnic.OMNICReader(str(path))
    values = np.atleast_2d(np.asarray(reader.data, dtype=np.float64))
    axis = np.asarray(reader.x, dtype=np.float64)
    base = {}
    title = (reader.title or "").strip().lower()
    if reader.interferogram or reader.x_units is None:
        base.update(x_kind="other", x_unit=reader.x_title, y_kind="interferogram")
    else:
        x_kind = "raman_shift" if "raman" in (reader.x_title or "").lower() else None
        base.update(x_kind=x_kind or "wavenumber", x_unit="cm-1")
        y_kind, y_unit = _Y_TITLES.get(title, ("arbitrary", None))
        base["y_kind"] = y_kind
        if y_unit:
            base["y_unit"] = y_unit
    if reader.laser_frequency:  # the interferometer's HeNe reference, in cm-1
        base["reference_laser_cm-1"] = float(reader.laser_frequency)
    times, names = reader.y_labels if reader.y_labels else ([None] * len(values), [])
    start = min((t for t in times if t is not None), default=None)
    metadata = []
    for i in range(len(values)):
        meta = dict(base, index=i, title=str(names[i]) if i < len(names) else "")
        if times[i] is not None:
            meta["acquired"] = times[i].isoformat()
            meta["time_s"] = (times[i] - start).total_seconds()
        metadata.append(meta)
    return FileSpectra(path, [axis] * len(values), list(values), metadata)
