"""Data augmentation for spectra: imbalanced-learn samplers and array functions."""

from ._sampler import ShiftNoiseAugmenter
from ._spectra import augment_spectra, noise_sigma, shift_spectra

__all__ = ["ShiftNoiseAugmenter", "augment_spectra", "noise_sigma", "shift_spectra"]
