"""sklearn_raman: scikit-learn compatible classification of vibrational spectra.

Readers and transformers bring spectrum files onto one wavenumber grid, samplers
augment them at fit time, and classifiers (deep 1D CNNs and classical baselines)
sit in ordinary scikit-learn pipelines. The public API is flat::

    from sklearn_raman import SpectrumResampler, MinMaxPerSpectrum, make_spectra

The classical names load without PyTorch; the deep classifiers (and with them
torch and skorch) load on first use, as scikit-learn loads its own submodules.
"""

import importlib

from ._registry import NAMES as _DEEP_NAMES
from .augmentation import ShiftNoiseAugmenter, augment_spectra
from .baselines import classical_baselines
from .datasets import (
    SpectrumFileError,
    load_rruff_sang2021,
    make_multimodal,
    make_spectra,
    read_spectra,
    read_spectrum,
    read_table,
    rruff_sample_id,
)
from .metrics import PAPER_SCORING, paper_metrics
from .modalities import align_modalities, modality_columns, stack_modalities
from .model_selection import PaperSplit, SampleGroupedSplit
from .neighbors import LibrarySearchClassifier
from .open_set import OpenSetClassifier
from .preprocessing import (
    BaselineCorrector,
    CosmicRayRemover,
    Cropper,
    MinMaxPerSpectrum,
    OnNativeAxis,
    SavitzkyGolay,
    SpectrumImager,
    SpectrumResampler,
    StandardNormalVariate,
    VectorNormalizer,
)
from .robustness import add_noise, noise_robustness

__version__ = "0.1.0.dev0"

__all__ = [
    "BaselineCorrector",
    "CosmicRayRemover",
    "Cropper",
    "LibrarySearchClassifier",
    "MinMaxPerSpectrum",
    "OnNativeAxis",
    "OpenSetClassifier",
    "PAPER_SCORING",
    "PaperSplit",
    "SampleGroupedSplit",
    "SavitzkyGolay",
    "ShiftNoiseAugmenter",
    "SpectrumFileError",
    "SpectrumImager",
    "SpectrumResampler",
    "StandardNormalVariate",
    "VectorNormalizer",
    "__version__",
    "add_noise",
    "align_modalities",
    "augment_spectra",
    "classical_baselines",
    "load_rruff_sang2021",
    "make_multimodal",
    "make_spectra",
    "modality_columns",
    "noise_robustness",
    "paper_metrics",
    "read_spectra",
    "read_spectrum",
    "read_table",
    "rruff_sample_id",
    "stack_modalities",
]
__all__ += _DEEP_NAMES  # the deep classifiers, loaded on first use


def __getattr__(name: str):
    """Load a deep classifier (and torch) on first use."""
    if name in _DEEP_NAMES:
        value = getattr(importlib.import_module(".neural", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return __all__
