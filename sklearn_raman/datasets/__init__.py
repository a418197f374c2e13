"""Spectrum readers, the RRUFF benchmark loader and synthetic (paired) data."""

from ._folder import read_spectra
from ._formats import METADATA_KEYS
from ._mapdata import make_map
from ._multimodal import make_multimodal
from ._readers import read_spectrum, read_table, rruff_sample_id
from ._rruff import load_rruff_sang2021
from ._synthetic import make_spectra
from ._text import SpectrumFileError, SpectrumFileWarning
from ._units import (
    convert_spectra,
    microns_to_wavenumbers,
    raman_shift_to_wavelength,
    transmittance_to_absorbance,
    wavelength_to_raman_shift,
)

__all__ = [
    "METADATA_KEYS",
    "SpectrumFileError",
    "SpectrumFileWarning",
    "convert_spectra",
    "microns_to_wavenumbers",
    "raman_shift_to_wavelength",
    "transmittance_to_absorbance",
    "wavelength_to_raman_shift",
    "load_rruff_sang2021",
    "make_map",
    "make_multimodal",
    "make_spectra",
    "read_spectra",
    "read_spectrum",
    "read_table",
    "rruff_sample_id",
]
