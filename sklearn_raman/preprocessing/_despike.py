"""Cosmic-ray (spike) removal after Whitaker & Hayes (2018)."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy.ndimage import convolve1d
from sklearn.utils._param_validation import Interval

from ._base import SpectralTransformer


def modified_z_scores(diffs: np.ndarray) -> np.ndarray:
    """Row-wise modified z-scores ``0.6745 (d - median) / MAD`` (0 where MAD is 0)."""
    med = np.median(diffs, axis=1, keepdims=True)
    mad = np.median(np.abs(diffs - med), axis=1, keepdims=True)
    z = np.zeros_like(diffs)
    np.divide(0.6745 * (diffs - med), mad, out=z, where=mad > 0)
    return z


class CosmicRayRemover(SpectralTransformer):
    """Remove cosmic-ray spikes (Whitaker–Hayes modified z-score on differences).

    Spikes are one to ``max_width`` points tall and far sharper than Raman bands.
    On the first differences of each spectrum the modified z-score (median and
    MAD, robust to the spikes themselves) flags abnormal jumps; a spike is a
    flagged upward jump followed, at most ``max_width`` points later, by a flagged
    downward jump. Requiring both edges keeps the steep flanks of real, narrow
    bands, which rise over several points and fall on the other side of the apex.
    Each spike point is replaced by the mean of the unflagged points within
    ``window`` points (linear interpolation where there are none). All of it is
    vectorised over spectra.

    Parameters
    ----------
    threshold : float, default=10.0
        Modified z-score above which a jump counts as a spike edge. Whitaker and
        Hayes used lower values on their data; on spectra with little noise the
        flanks of bands only 4–5 points wide reach z of 6–9, so the default stays
        above that.
    max_width : int, default=3
        Widest spike in points.
    window : int, default=3
        Half-width of the neighbourhood averaged to replace a spike point.

    Attributes
    ----------
    n_features_in_ : int
        Number of points per spectrum seen in ``fit``.
    wavenumbers_ : ndarray of shape (n_points,)
        Spectral axis (the column index unless X has numeric column names).

    References
    ----------
    D. A. Whitaker and K. Hayes, "A simple algorithm for despiking Raman
    spectra", Chemometrics and Intelligent Laboratory Systems 179 (2018) 82–84.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman import CosmicRayRemover
    >>> x = np.sin(np.linspace(0, 3, 100)) + 0.01 * np.cos(np.arange(100.0) * 7)
    >>> spiked = x.copy()
    >>> spiked[40] += 5.0
    >>> cleaned = CosmicRayRemover().fit_transform([spiked])
    >>> bool(abs(cleaned[0, 40] - x[40]) < 0.05)
    True
    """

    _parameter_constraints = {
        "threshold": [Interval(Real, 0, None, closed="neither")],
        "max_width": [Interval(Integral, 1, None, closed="left")],
        "window": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, *, threshold: float = 10.0, max_width: int = 3, window: int = 3):
        self.threshold = threshold
        self.max_width = max_width
        self.window = window

    def spike_mask(self, X) -> np.ndarray:
        """Boolean mask of the points taken for spikes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Spectra.

        Returns
        -------
        mask : ndarray of bool of shape (n_samples, n_points)
            True at spike points.
        """
        X = np.asarray(X, dtype=np.float64)
        n = X.shape[1]
        mask = np.zeros(X.shape, dtype=bool)
        if n < 3:
            return mask
        z = modified_z_scores(np.diff(X, axis=1))
        up, down = z > self.threshold, z < -self.threshold
        # diff i is the jump from point i to i + 1: a spike of width w occupies
        # points i+1 .. i+w when diff i goes up and diff i+w comes down.
        for width in range(1, min(self.max_width, n - 2) + 1):
            starts = up[:, : n - 1 - width] & down[:, width:]
            for offset in range(1, width + 1):
                mask[:, offset : n - width + offset - 1] |= starts
        return mask

    def _transform(self, X):
        X = np.asarray(X, dtype=np.float64)
        mask = self.spike_mask(X)
        if not mask.any():
            return X.copy()
        clean = ~mask
        kernel = np.ones(2 * self.window + 1)
        total = convolve1d(np.where(clean, X, 0.0), kernel, axis=1, mode="constant")
        count = convolve1d(clean.astype(np.float64), kernel, axis=1, mode="constant")
        out = X.copy()
        fill = mask & (count > 0)
        out[fill] = total[fill] / count[fill]
        for row in np.flatnonzero((mask & (count == 0)).any(axis=1)):
            good = np.flatnonzero(clean[row])
            if good.size:  # spike wider than the window: bridge it linearly
                bad = np.flatnonzero(mask[row] & (count[row] == 0))
                out[row, bad] = np.interp(bad, good, X[row, good])
        return out
