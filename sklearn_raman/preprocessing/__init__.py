"""Preprocessing transformers for spectra.

Resampling, normalisation, cropping, smoothing, baseline and cosmic-ray removal;
any of those on each spectrum's own axis before resampling (``OnNativeAxis``);
spectra as images (``SpectrumImager``).

All are scikit-learn transformers that work row-wise on spectra (one spectrum
per row), never modify their input in place, keep float32 input float32, and
support ``set_output``.
"""

from ._base import SpectralTransformer
from ._baseline import BASELINE_METHODS, BaselineCorrector
from ._crop import Cropper
from ._despike import CosmicRayRemover
from ._image import SpectrumImager
from ._native import OnNativeAxis
from ._normalize import MinMaxPerSpectrum, StandardNormalVariate, VectorNormalizer
from ._raw import native_steps
from ._resample import SpectrumResampler, make_grid
from ._smooth import SavitzkyGolay

__all__ = [
    "BASELINE_METHODS",
    "BaselineCorrector",
    "CosmicRayRemover",
    "Cropper",
    "MinMaxPerSpectrum",
    "OnNativeAxis",
    "SavitzkyGolay",
    "SpectralTransformer",
    "SpectrumImager",
    "SpectrumResampler",
    "StandardNormalVariate",
    "VectorNormalizer",
    "make_grid",
    "native_steps",
]
