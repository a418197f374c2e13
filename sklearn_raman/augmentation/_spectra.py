"""Vectorised random perturbations of spectra (shift, scale, drift, noise)."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

from .._axis import as_axis
from .._noise import SCALE, SHIFT, SNR_DB
from .._noise import noise_std as _noise_std


def noise_sigma(X: np.ndarray, snr_db: float) -> np.ndarray:
    """Per-spectrum noise std for a signal-to-noise ratio in dB.

    The signal is the spectrum's intensity range (max - min), so
    ``sigma = range / 10 ** (snr_db / 20)``: at 40 dB a [0, 1] spectrum gets
    noise of std 0.01 (the package's one SNR, see ``sklearn_raman._noise``).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_points)
        Spectra.
    snr_db : float
        Signal-to-noise ratio in dB.

    Returns
    -------
    sigma : ndarray of shape (n_samples, 1)
        Noise standard deviation of each spectrum.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.augmentation import noise_sigma
    >>> noise_sigma(np.array([[0.0, 1.0], [0.0, 10.0]]), 40.0).ravel()
    array([0.01, 0.1 ])
    """
    return _noise_std(np.ptp(X, axis=1, keepdims=True), snr_db)


def shift_spectra(X: np.ndarray, shifts: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Shift each row of ``X`` along ``axis`` by ``shifts`` (axis units).

    Row ``i`` becomes ``x_i(w - shifts[i])`` by linear interpolation; points
    shifted in from beyond the measured range repeat the edge value. Works for
    ascending, descending and non-uniform axes, all rows at once.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_points)
        Spectra; not modified.
    shifts : ndarray of shape (n_samples,)
        Shift of each spectrum, in the units of ``axis``.
    axis : ndarray of shape (n_points,)
        Spectral axis of the columns of ``X``.

    Returns
    -------
    X_shifted : ndarray of shape (n_samples, n_points)
        Shifted spectra.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.augmentation import shift_spectra
    >>> X = np.array([[0.0, 0.0, 1.0, 0.0, 0.0]])
    >>> shift_spectra(X, np.array([1.0]), np.arange(5.0))
    array([[0., 0., 0., 1., 0.]])
    """
    n_points = X.shape[1]
    order = np.argsort(axis, kind="stable")
    sorted_axis = axis[order]
    source = sorted_axis[None, :] - shifts[:, None]
    frac = np.interp(source.ravel(), sorted_axis, np.arange(n_points, dtype=float))
    frac = frac.reshape(source.shape)
    lo = np.floor(frac).astype(np.intp)
    hi = np.minimum(lo + 1, n_points - 1)
    t = frac - lo
    Xs = X[:, order]
    rows = np.arange(X.shape[0])[:, None]
    out_sorted = Xs[rows, lo] * (1 - t) + Xs[rows, hi] * t
    out = np.empty_like(out_sorted)
    out[:, order] = out_sorted
    return out


def augment_spectra(
    X,
    *,
    shift: float = SHIFT,
    snr_db: float | None = SNR_DB,
    noise_std: float | None = None,
    scale: tuple[float, float] = SCALE,
    baseline_drift: float = 0.0,
    wavenumbers=None,
    random_state=None,
) -> np.ndarray:
    """Return randomly perturbed copies of spectra.

    Each spectrum is shifted along the axis, scaled in intensity, tilted by a
    linear baseline and given additive Gaussian noise, independently per row.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_points)
        Spectra; not modified.
    shift : float, default=2.0
        Largest absolute shift, drawn uniformly in ``[-shift, shift]``; in cm⁻¹
        when ``wavenumbers`` is given, else in points (fractional shifts are
        interpolated).
    snr_db : float or None, default=40.0
        Signal-to-noise ratio of the added noise in dB, signal = the spectrum's
        intensity range. ``None``: use ``noise_std``.
    noise_std : float or None, default=None
        Absolute noise std; only when ``snr_db`` is None. Both None: no noise.
    scale : (float, float), default=(0.9, 1.1)
        Range of the uniform intensity factor.
    baseline_drift : float, default=0.0
        Largest amplitude of a random linear baseline added across the axis,
        relative to the spectrum's intensity range.
    wavenumbers : array-like of shape (n_points,), default=None
        Spectral axis; ``None``: the point index.
    random_state : int, RandomState instance or None, default=None
        Seed of the random draws.

    Returns
    -------
    X_aug : ndarray of shape (n_samples, n_points)
        Perturbed copies, same dtype as ``X`` if floating.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.augmentation import augment_spectra
    >>> X = np.zeros((2, 50)); X[:, 25] = 1.0
    >>> augment_spectra(X, shift=3, snr_db=None, scale=(1, 1), random_state=0).shape
    (2, 50)
    """
    X = np.asarray(X)
    dtype = X.dtype if np.issubdtype(X.dtype, np.floating) else np.float64
    X = X.astype(np.float64, copy=False)
    if snr_db is not None and noise_std is not None:
        raise ValueError("give snr_db or noise_std, not both (set snr_db=None)")
    rng = check_random_state(random_state)
    n, m = X.shape
    axis = np.arange(m, dtype=float) if wavenumbers is None else as_axis(wavenumbers)
    if axis.size != m:
        raise ValueError(f"wavenumbers has {axis.size} values but X has {m} columns")
    out = X
    if shift > 0 and m > 1:
        out = shift_spectra(out, rng.uniform(-shift, shift, n), axis)
    if scale[0] != 1 or scale[1] != 1:
        out = out * rng.uniform(scale[0], scale[1], (n, 1))
    amplitude = np.ptp(X, axis=1, keepdims=True)
    if baseline_drift > 0:
        t = np.linspace(-1.0, 1.0, m)[None, :]
        offset, slope = rng.uniform(-baseline_drift, baseline_drift, (2, n, 1))
        out = out + amplitude * (offset + slope * t)
    if snr_db is not None:
        out = out + rng.standard_normal((n, m)) * noise_sigma(X, snr_db)
    elif noise_std:
        out = out + rng.standard_normal((n, m)) * noise_std
    if out is X:
        out = X.copy()
    return out.astype(dtype, copy=False)
