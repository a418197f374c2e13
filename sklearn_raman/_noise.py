"""One definition of the SNR, noise drawn at it, and the augmenters' defaults.

SNR (dB) = 20 log10(signal range / noise std), where the signal range is a
spectrum's intensity range (max - min) without noise. Gaussian noise at
``snr_db`` has the std :func:`noise_std`; shot (Poisson) noise at ``snr_db``
counts ``10 ** (snr_db / 10)`` above the spectrum's minimum at its strongest
point, so its std there is the same. :func:`~sklearn_raman.make_spectra`,
:func:`~sklearn_raman.robustness.add_noise`,
:func:`~sklearn_raman.augment_spectra`, :class:`~sklearn_raman.ShiftNoiseAugmenter`
and :class:`~sklearn_raman.nn.SpectrumAugment` all use it. It imports numpy
only and nothing else of the package, so that the pure-torch
``sklearn_raman.nn`` can use it without loading scikit-learn.
"""

from __future__ import annotations

import numpy as np

NOISE_KINDS = ("gaussian", "poisson")

#: default perturbations of :func:`~sklearn_raman.augment_spectra`,
#: :class:`~sklearn_raman.ShiftNoiseAugmenter` and
#: :class:`~sklearn_raman.nn.SpectrumAugment` (the deep classifiers'
#: ``augment=True``): shifts of up to 2 points (or cm⁻¹ with an axis), noise at
#: 40 dB, intensity factors between 0.9 and 1.1
SHIFT, SNR_DB, SCALE = 2.0, 40.0, (0.9, 1.1)


def noise_std(signal_range, snr_db: float):
    """Noise std of a signal of range ``signal_range`` at ``snr_db`` dB.

    Works on numbers, numpy arrays and torch tensors alike.
    """
    return signal_range / 10 ** (snr_db / 20)


def add_noise_at(
    X: np.ndarray, snr_db: float, kind: str, rng: np.random.RandomState
) -> np.ndarray:
    """Noisy copy of spectra ``X`` (rows) at ``snr_db``; see the module notes."""
    low = X.min(axis=1, keepdims=True)
    span = X.max(axis=1, keepdims=True) - low
    if kind == "gaussian":
        return X + rng.standard_normal(X.shape) * noise_std(span, snr_db)
    # counts above the minimum; a flat spectrum has none and stays as it is
    gain = np.divide(10 ** (snr_db / 10), span, out=np.zeros_like(span), where=span > 0)
    counts = rng.poisson((X - low) * gain)
    return np.where(gain > 0, counts / np.where(gain > 0, gain, 1) + low, X)
