"""Spectrum readers, the RRUFF benchmark loader and synthetic spectra."""

from ._readers import read_spectra, read_spectrum, read_table, rruff_sample_id
from ._rruff import load_rruff_sang2021
from ._synthetic import make_spectra
from ._text import SpectrumFileError, SpectrumFileWarning

__all__ = [
    "SpectrumFileError",
    "SpectrumFileWarning",
    "load_rruff_sang2021",
    "make_spectra",
    "read_spectra",
    "read_spectrum",
    "read_table",
    "rruff_sample_id",
]
