"""Keep a wavenumber range."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from ._base import SpectralTransformer


class Cropper(SpectralTransformer):
    """Keep the points whose wavenumber lies in ``[lower, upper]``.

    Parameters
    ----------
    lower : float, default=None
        Smallest wavenumber kept (inclusive). ``None``: no lower bound.
    upper : float, default=None
        Largest wavenumber kept (inclusive). ``None``: no upper bound.
    wavenumbers : array-like of shape (n_points,), default=None
        Axis of the columns of X; ascending or descending. ``None``: numeric
        column names if X is a DataFrame, else the column index.

    Attributes
    ----------
    n_features_in_ : int
        Number of points per spectrum seen in ``fit``.
    wavenumbers_ : ndarray of shape (n_points,)
        Spectral axis of the input.
    support_ : ndarray of bool of shape (n_points,)
        Mask of the kept points.
    wavenumbers_out_ : ndarray
        Spectral axis of the output, ``wavenumbers_[support_]``; pass it as
        ``wavenumbers`` to the next step of a pipeline.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman import Cropper
    >>> crop = Cropper(lower=200, upper=400, wavenumbers=[100, 200, 300, 400, 500])
    >>> crop.fit_transform(np.arange(10.0).reshape(2, 5))
    array([[1., 2., 3.],
           [6., 7., 8.]])
    """

    _parameter_constraints = {
        "lower": [Interval(Real, None, None, closed="neither"), None],
        "upper": [Interval(Real, None, None, closed="neither"), None],
        "wavenumbers": ["array-like", None],
    }

    def __init__(
        self,
        *,
        lower: float | None = None,
        upper: float | None = None,
        wavenumbers=None,
    ):
        self.lower = lower
        self.upper = upper
        self.wavenumbers = wavenumbers

    def _fit(self, X):
        axis = self.wavenumbers_
        lower = -np.inf if self.lower is None else self.lower
        upper = np.inf if self.upper is None else self.upper
        if lower > upper:
            raise ValueError(f"Cropper: lower={self.lower} is above upper={self.upper}")
        self.support_ = (axis >= lower) & (axis <= upper)
        if not self.support_.any():
            raise ValueError(
                f"Cropper: no point of the axis ({axis.min():g} .. {axis.max():g}) "
                f"lies in [{self.lower}, {self.upper}]; X has {X.shape[1]} feature(s)"
            )
        self.wavenumbers_out_ = axis[self.support_]

    def _transform(self, X):
        return X[:, self.support_]

    def get_feature_names_out(self, input_features=None):
        """Names of the kept columns.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; ``None``: those seen in ``fit`` or ``x0 .. xn``.

        Returns
        -------
        feature_names_out : ndarray of str
            The names of the kept columns.
        """
        check_is_fitted(self)
        names = super().get_feature_names_out(input_features)
        return names[self.support_]
