"""Horiba LabSpec exports: text headers in the vocabulary, and XML files.

The data of text exports (two columns, or a first row of shifts and one row
per spectrum) are read by the text reader; :func:`labspec_metadata` names
what their ``#Key=<tab>value`` header says: laser, instrument, acquisition
time, stage position, axis unit. XML exports (spectra, line scans, maps) are
read with ``rosettasciio``.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

import numpy as np

from ._formats import FileSpectra, require
from ._text import SpectrumFileError

_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
_SPECTRO = re.compile(r"^Spectro \((.*)\)$")
_POSITION = re.compile(r"^([XYZ]) \((?:µ|\xb5|u|M-5)m\)$")


def labspec_metadata(comments: list[str]) -> dict:
    """Vocabulary metadata of a LabSpec header (empty for other comments)."""
    fields = {}
    for line in comments:
        key, sep, value = line.partition("=")
        if sep:
            fields[key.strip()] = value.strip()
    if not ({"Acquired", "Laser", "Instrument"} & set(fields)):
        return {}
    meta = {"format": "labspec_text"}
    laser = re.search(r"(\d+(?:[.,]\d+)?)\s*nm", fields.get("Laser", ""))
    if laser:
        meta["laser_wavelength_nm"] = float(laser.group(1).replace(",", "."))
    if fields.get("Instrument"):
        meta["instrument"] = fields["Instrument"]
    if fields.get("Title"):
        meta["title"] = fields["Title"]
    try:
        meta["acquired"] = datetime.strptime(
            fields.get("Acquired", ""), "%d.%m.%Y %H:%M:%S"
        ).isoformat()
    except ValueError:
        pass
    for key, value in fields.items():
        unit = _SPECTRO.match(key)
        if unit:  # the spectrometer's centre, in the unit of the x axis
            if unit.group(1).startswith("cm"):
                meta.update(x_kind="raman_shift", x_unit="cm-1")
            elif unit.group(1) == "nm":
                meta.update(x_kind="wavelength", x_unit="nm")
        position = _POSITION.match(key)
        if position and _NUMBER.fullmatch(value):
            axis = position.group(1).lower()
            meta.setdefault("position_um", {})[axis] = float(value.replace(",", "."))
    return meta


_XML_AXES = {
    "Wavelength": ("wavelength", "nm"),
    "Raman Shift": ("raman_shift", "cm-1"),
    "Wavenumber": ("wavenumber", "cm-1"),
    "Energy": ("energy", "eV"),
}


def read_labspec_xml(path):
    """Every spectrum of a LabSpec 6 XML export (read with ``rosettasciio``)."""
    jobinyvon = require("rsciio.jobinyvon", "rosettasciio", path, "LabSpec XML")
    logger = logging.getLogger("rsciio")
    level = logger.level
    logger.setLevel(logging.ERROR)  # "lumispy not found": nothing of ours
    try:
        (signal,) = jobinyvon.file_reader(str(path))
    finally:
        logger.setLevel(level)
    axes = signal["axes"]
    spectral = axes[-1]
    if spectral.get("navigate") or "axis" not in spectral:
        raise SpectrumFileError(f"{path}: LabSpec XML without a spectral axis")
    axis = np.asarray(spectral["axis"], dtype=np.float64)
    data = np.asarray(signal["data"], dtype=np.float64)
    nav = axes[:-1]
    base = dict(
        zip(
            ("x_kind", "x_unit"),
            _XML_AXES.get(spectral["name"], ("other", spectral.get("units"))),
        )
    )
    base["y_kind"] = "counts"
    meta = signal.get("metadata", {})
    laser = meta.get("Acquisition_instrument", {}).get("Laser", {}).get("wavelength")
    if laser:
        base["laser_wavelength_nm"] = float(laser)
    general = meta.get("General", {})
    if general.get("title"):
        base["title"] = general["title"]
    setup = signal.get("original_metadata", {}).get("experimental_setup", {})
    if setup.get("Instrument"):
        base["instrument"] = setup["Instrument"]
    acquired = signal.get("original_metadata", {}).get("date", {}).get("Acquired")
    try:
        base["acquired"] = datetime.strptime(
            acquired or "", "%d.%m.%Y %H:%M:%S"
        ).isoformat()
    except ValueError:
        pass
    metadata = []
    for index, cell in enumerate(np.ndindex(*data.shape[:-1])):
        position = {
            a["name"].lower(): float(a.get("offset", 0) + a.get("scale", 1) * i)
            for a, i in zip(nav, cell)
            if a.get("units") in ("µm", "um")
        }
        metadata.append(
            dict(base, index=index, **({"position_um": position} if position else {}))
        )
    spectra = list(data.reshape(-1, data.shape[-1]))
    return FileSpectra(path, [axis] * len(spectra), spectra, metadata)
