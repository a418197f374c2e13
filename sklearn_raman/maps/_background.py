"""The background gate: pixels of no signal are "background", not a material."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
from scipy.ndimage import uniform_filter1d

#: the gates by name; each maps pixel rows (n, n_points) to a measure (n,)
GATES = ("snr", "intensity")

#: default threshold of each gate (pixels below it are background)
DEFAULT_THRESHOLD = {"snr": 6.0, "intensity": None}

#: points of the moving average the signal is measured on
SMOOTHING = 5

# sd of a Gaussian from the median absolute deviation
_MAD_TO_SD = 1.4826


def signal_to_noise(X, *, reference=None, window: int = SMOOTHING) -> np.ndarray:
    """Robust signal-to-noise ratio of each spectrum.

    Signal: the 99th percentile minus the median of the spectrum less
    ``reference`` (the filter's own spectrum, so that a bare filter pixel
    has none), smoothed by a moving average of ``window`` points (so that
    noise makes little signal; a percentile, so that one cosmic-ray spike
    makes none). Noise: the standard deviation of the raw point-to-point
    differences, from their median absolute value (bands much wider than
    the spacing hardly change the differences, so what remains is the
    noise), divided by sqrt(2).

    Parameters
    ----------
    X : array-like of shape (n_spectra, n_points)
        Spectra on one axis.
    reference : array-like of shape (n_points,), default=None
        The background spectrum subtracted first (:func:`identify_map`
        takes the median pixel of the map); None: none.
    window : int, default=5
        Points of the moving average (1: none).

    Returns
    -------
    snr : ndarray of shape (n_spectra,)
        Signal over noise; ``inf`` for a noise-free spectrum with signal, 0
        for a flat one.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.maps import signal_to_noise
    >>> rng = np.random.default_rng(0)
    >>> x = np.linspace(0, 1, 400)
    >>> blank = rng.normal(0, 0.01, (2, 400))
    >>> band = blank + np.exp(-0.5 * ((x - 0.5) / 0.02) ** 2)
    >>> (signal_to_noise(np.vstack([blank, band])) > 6).tolist()
    [False, False, True, True]
    """
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2 or X.shape[1] < 3:
        raise ValueError(
            f"spectra must be 2D with at least 3 points; got shape {X.shape}"
        )
    if int(window) != window or window < 1:
        raise ValueError(f"window must be an integer >= 1; got {window!r}")
    n = X.shape[1]
    steps = np.abs(np.diff(X, axis=1))
    noise = np.median(steps, axis=1) * (_MAD_TO_SD / np.sqrt(2.0))
    Z = X if reference is None else X - np.asarray(reference, dtype=np.float32)
    if window > 1:
        Z = uniform_filter1d(Z, int(window), axis=1, mode="nearest")
    median_k, top_k = (n - 1) // 2, int(round(0.99 * (n - 1)))
    ordered = np.partition(Z, [median_k, top_k], axis=1)
    signal = ordered[:, top_k] - ordered[:, median_k]
    with np.errstate(divide="ignore", invalid="ignore"):
        snr = np.where(noise > 0, signal / noise, np.where(signal > 0, np.inf, 0.0))
    return snr.astype(np.float64)


def total_intensity(X) -> np.ndarray:
    """Mean absolute intensity of each spectrum.

    Parameters
    ----------
    X : array-like of shape (n_spectra, n_points)
        Spectra on one axis.

    Returns
    -------
    intensity : ndarray of shape (n_spectra,)
        The mean of the absolute values of each spectrum.

    Examples
    --------
    >>> from sklearn_raman.maps import total_intensity
    >>> total_intensity([[1.0, -3.0], [0.0, 0.0]]).tolist()
    [2.0, 0.0]
    """
    return np.abs(np.asarray(X, dtype=np.float64)).mean(axis=1)


def make_gate(background, threshold, reference=None) -> Callable | None:
    """The function ``X -> bool mask of signal pixels`` of a gate's settings."""
    if background is None:
        return None
    if callable(background):
        measure = background
    elif background in GATES:
        if background == "snr":
            measure = partial(signal_to_noise, reference=reference)
        else:
            measure = total_intensity
        if threshold is None:
            threshold = DEFAULT_THRESHOLD[background]
    else:
        raise ValueError(
            f"background must be one of {GATES}, a callable or None; got {background!r}"
        )
    if threshold is None:
        raise ValueError(
            f"background={background!r} needs a threshold (background_threshold=)"
        )
    return Gate(measure, float(threshold))


class Gate:
    """``X -> bool`` mask of signal pixels: a measure at or above a threshold.

    A class, not a closure, so that it pickles to Dask workers.
    """

    def __init__(self, measure, threshold: float) -> None:
        self.measure, self.threshold = measure, threshold

    def __call__(self, X) -> np.ndarray:
        values = np.asarray(self.measure(X), dtype=float)
        if values.shape != (len(X),):
            raise ValueError(
                f"the background measure gave shape {values.shape} for "
                f"{len(X)} pixels; it must give one number per pixel"
            )
        return values >= self.threshold
