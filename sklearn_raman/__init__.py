"""sklearn_raman: scikit-learn compatible classification of vibrational spectra.

Readers and transformers bring spectrum files onto one wavenumber grid, samplers
augment them at fit time, and classifiers (deep 1D CNNs and classical baselines)
sit in ordinary scikit-learn pipelines. The public API is flat::

    from sklearn_raman import SpectrumResampler, MinMaxPerSpectrum, make_spectra

Every name and subpackage loads on first use, as scikit-learn loads its own
submodules: ``import sklearn_raman`` imports neither scikit-learn nor PyTorch,
``sklearn_raman.SpectrumResampler`` loads :mod:`sklearn_raman.preprocessing`
only, and a deep classifier loads torch and skorch.
"""

# ruff: noqa: F401  (the TYPE_CHECKING imports re-export for static analysers)

import importlib
from typing import TYPE_CHECKING

from ._registry import NAMES as _DEEP_NAMES

__version__ = "0.1.0.dev0"

#: public name -> the subpackage or module (relative to this one) defining it
_LAZY = {
    "ShiftNoiseAugmenter": "augmentation",
    "augment_spectra": "augmentation",
    "classical_baselines": "baselines",
    "SpectrumFileError": "datasets",
    "load_rruff_sang2021": "datasets",
    "make_map": "datasets",
    "make_multimodal": "datasets",
    "make_spectra": "datasets",
    "read_spectra": "datasets",
    "read_spectrum": "datasets",
    "read_table": "datasets",
    "rruff_sample_id": "datasets",
    "PAPER_SCORING": "metrics",
    "paper_metrics": "metrics",
    "align_modalities": "modalities",
    "modality_columns": "modalities",
    "stack_modalities": "modalities",
    "LeaveClassesOut": "model_selection",
    "PaperSplit": "model_selection",
    "SampleGroupedSplit": "model_selection",
    "LibrarySearchClassifier": "neighbors",
    "OpenSetClassifier": "open_set",
    "PLSDAClassifier": "classical",
    "RocketClassifier": "classical",
    "SpectrumIdentifier": "identification",
    "BaselineCorrector": "preprocessing",
    "CosmicRayRemover": "preprocessing",
    "Cropper": "preprocessing",
    "MinMaxPerSpectrum": "preprocessing",
    "OnNativeAxis": "preprocessing",
    "SavitzkyGolay": "preprocessing",
    "SpectrumImager": "preprocessing",
    "SpectrumResampler": "preprocessing",
    "StandardNormalVariate": "preprocessing",
    "VectorNormalizer": "preprocessing",
    "add_noise": "robustness",
    "noise_robustness": "robustness",
    # the deep classifiers, listed once in _registry (importing it loads no torch)
    **dict.fromkeys(_DEEP_NAMES, "neural"),
}

__all__ = sorted([*_LAZY, "__version__"])

if TYPE_CHECKING:
    # what static analysers and IDEs see (never run); tests/test_lazy_import.py
    # checks that it imports each name of _LAZY from the module _LAZY names
    from . import (
        augmentation,
        baselines,
        benchmark,
        classical,
        cli,
        datasets,
        identification,
        inspection,
        maps,
        metrics,
        modalities,
        model_selection,
        neighbors,
        neural,
        nn,
        open_set,
        persistence,
        plotting,
        preprocessing,
        robustness,
    )
    from .augmentation import ShiftNoiseAugmenter, augment_spectra
    from .baselines import classical_baselines
    from .classical import PLSDAClassifier, RocketClassifier
    from .datasets import (
        SpectrumFileError,
        load_rruff_sang2021,
        make_map,
        make_multimodal,
        make_spectra,
        read_spectra,
        read_spectrum,
        read_table,
        rruff_sample_id,
    )
    from .identification import SpectrumIdentifier
    from .metrics import PAPER_SCORING, paper_metrics
    from .modalities import align_modalities, modality_columns, stack_modalities
    from .model_selection import LeaveClassesOut, PaperSplit, SampleGroupedSplit
    from .neighbors import LibrarySearchClassifier
    from .neural import (
        AlexNet1DClassifier,
        AlexNet2DClassifier,
        CompactResNet1DClassifier,
        DeepCIDClassifier,
        DRCNNClassifier,
        LeNet1DClassifier,
        LeNet2DClassifier,
        LiuCNNClassifier,
        MultimodalClassifier,
        ResNet1DClassifier,
        ResNet2DClassifier,
        SEResNet1DClassifier,
        VGG1DClassifier,
        VGG2DClassifier,
        ZhangCNNClassifier,
    )
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


def _submodules() -> list[str]:
    """The public subpackages and modules, read from the package folder."""
    import pkgutil  # only when asked: it is not free to import

    return sorted(
        m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")
    )


def __getattr__(name: str):
    """Import a public name's module, or a submodule, on first use."""
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif not name.startswith("_") and name in _submodules():
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    """The public names and the submodules, loaded or not."""
    return sorted({*__all__, *_submodules()})
