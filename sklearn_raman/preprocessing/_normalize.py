"""Per-spectrum intensity normalisation: min-max, SNV, vector (L2 / area)."""

from __future__ import annotations

import numpy as np
from scipy.integrate import trapezoid  # np.trapezoid needs numpy >= 2
from sklearn.utils._param_validation import StrOptions

from ._base import SpectralTransformer


def _safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` row-wise, with 0 where ``den`` is 0 (flat spectra)."""
    out = np.zeros_like(num, dtype=np.float64)
    np.divide(num, den, out=out, where=den != 0)
    return out


class MinMaxPerSpectrum(SpectralTransformer):
    """Scale each spectrum to [0, 1]: ``(x - min) / (max - min)``.

    This is the normalisation of Sang et al. (2021) and Zhou et al. (2022). Unlike
    :class:`sklearn.preprocessing.MinMaxScaler`, which scales each *feature* over
    the training set, this scales each *spectrum* on its own, so it is stateless.
    A constant spectrum maps to all zeros (not NaN).

    Attributes
    ----------
    n_features_in_ : int
        Number of points per spectrum seen in ``fit``.
    wavenumbers_ : ndarray of shape (n_points,)
        Spectral axis seen in ``fit`` (numeric column names, else the index).

    See Also
    --------
    StandardNormalVariate : Centre and scale each spectrum.
    VectorNormalizer : Divide each spectrum by its L2 norm or area.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman import MinMaxPerSpectrum
    >>> MinMaxPerSpectrum().fit_transform(np.array([[2.0, 4.0, 6.0], [1.0, 1.0, 1.0]]))
    array([[0. , 0.5, 1. ],
           [0. , 0. , 0. ]])
    """

    def _transform(self, X):
        lo = X.min(axis=1, keepdims=True)
        return _safe_divide(X - lo, X.max(axis=1, keepdims=True) - lo)


class StandardNormalVariate(SpectralTransformer):
    """Standard normal variate: centre each spectrum and divide by its std.

    SNV removes multiplicative scatter and offset differences between spectra.
    A constant spectrum maps to all zeros (not NaN). Stateless.

    Attributes
    ----------
    n_features_in_ : int
        Number of points per spectrum seen in ``fit``.
    wavenumbers_ : ndarray of shape (n_points,)
        Spectral axis seen in ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman import StandardNormalVariate
    >>> StandardNormalVariate().fit_transform(np.array([[1.0, 2.0, 3.0]])).round(3)
    array([[-1.225,  0.   ,  1.225]])
    """

    def _transform(self, X):
        centred = X - X.mean(axis=1, keepdims=True)
        return _safe_divide(centred, X.std(axis=1, keepdims=True))


class VectorNormalizer(SpectralTransformer):
    """Divide each spectrum by its L2 norm or by its area.

    Parameters
    ----------
    norm : {"l2", "area"}, default="l2"
        ``"l2"``: Euclidean norm of the intensities. ``"area"``: integral of the
        absolute intensity over the spectral axis (trapezoidal rule), so that
        spectra on different grids are comparable.
    wavenumbers : array-like of shape (n_points,), default=None
        Spectral axis, used by ``norm="area"``. ``None``: numeric column names if
        X is a DataFrame, else unit spacing.

    Attributes
    ----------
    n_features_in_ : int
        Number of points per spectrum seen in ``fit``.
    wavenumbers_ : ndarray of shape (n_points,)
        Spectral axis used for the area.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman import VectorNormalizer
    >>> VectorNormalizer().fit_transform(np.array([[3.0, 4.0]]))
    array([[0.6, 0.8]])
    """

    _parameter_constraints = {
        "norm": [StrOptions({"l2", "area"})],
        "wavenumbers": ["array-like", None],
    }

    def __init__(self, *, norm: str = "l2", wavenumbers=None):
        self.norm = norm
        self.wavenumbers = wavenumbers

    def _transform(self, X):
        if self.norm == "l2":
            den = np.linalg.norm(X, axis=1, keepdims=True)
        elif X.shape[1] == 1:
            den = np.abs(X)
        else:
            den = np.abs(trapezoid(np.abs(X), self.wavenumbers_, axis=1))[:, None]
        return _safe_divide(X, den)
