"""sklearn_raman: scikit-learn compatible classification of vibrational spectra.

Readers and transformers bring spectrum files onto one wavenumber grid, samplers
augment them at fit time, and classifiers (deep 1D CNNs and classical baselines)
sit in ordinary scikit-learn pipelines. The public API is flat::

    from sklearn_raman import SpectrumResampler, MinMaxPerSpectrum, make_spectra
"""

from .augmentation import ShiftNoiseAugmenter, augment_spectra
from .baselines import classical_baselines
from .datasets import (
    load_rruff_sang2021,
    make_spectra,
    read_spectra,
    read_spectrum,
    read_table,
    rruff_sample_id,
)
from .metrics import PAPER_SCORING, paper_metrics
from .model_selection import PaperSplit, SampleGroupedSplit, rruff_sample_ids
from .neighbors import LibrarySearchClassifier
from .neural import (
    AlexNet1DClassifier,
    CompactResNet1DClassifier,
    DeepCIDClassifier,
    DRCNNClassifier,
    LeNet1DClassifier,
    LiuCNNClassifier,
    ResNet1DClassifier,
    SEResNet1DClassifier,
    SpectrumNetClassifier,
    VGG1DClassifier,
    ZhangCNNClassifier,
)
from .preprocessing import (
    BaselineCorrector,
    CosmicRayRemover,
    Cropper,
    MinMaxPerSpectrum,
    SavitzkyGolay,
    SpectrumResampler,
    StandardNormalVariate,
    VectorNormalizer,
)
from .robustness import add_noise, noise_robustness

__version__ = "0.1.0.dev0"

__all__ = [
    "AlexNet1DClassifier",
    "CompactResNet1DClassifier",
    "DRCNNClassifier",
    "DeepCIDClassifier",
    "LeNet1DClassifier",
    "LibrarySearchClassifier",
    "LiuCNNClassifier",
    "PAPER_SCORING",
    "PaperSplit",
    "ResNet1DClassifier",
    "SEResNet1DClassifier",
    "SampleGroupedSplit",
    "SpectrumNetClassifier",
    "VGG1DClassifier",
    "ZhangCNNClassifier",
    "BaselineCorrector",
    "CosmicRayRemover",
    "Cropper",
    "MinMaxPerSpectrum",
    "SavitzkyGolay",
    "ShiftNoiseAugmenter",
    "SpectrumResampler",
    "StandardNormalVariate",
    "VectorNormalizer",
    "__version__",
    "add_noise",
    "augment_spectra",
    "classical_baselines",
    "load_rruff_sang2021",
    "make_spectra",
    "noise_robustness",
    "paper_metrics",
    "read_spectra",
    "read_spectrum",
    "read_table",
    "rruff_sample_id",
    "rruff_sample_ids",
]
