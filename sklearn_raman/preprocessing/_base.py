"""Shared machinery of the shape-preserving spectral transformers."""

from __future__ import annotations

from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils.validation import FLOAT_DTYPES, check_is_fitted, validate_data

from .._axis import feature_axis, reject_ragged


class SpectralTransformer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Base of the row-wise spectral transformers.

    Subclasses implement ``_transform(X)`` (and optionally ``_fit(X)``) on a
    validated float array of shape (n_samples, n_points) and return a new array:
    input data is never modified in place. ``fit`` records ``n_features_in_`` and
    ``wavenumbers_`` (the spectral axis: the ``wavenumbers`` parameter where the
    subclass has one, numeric column names of a DataFrame, or the column index).

    Attributes
    ----------
    n_features_in_ : int
        Number of points per spectrum seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_points,)
        Column names of ``X``, when it is a DataFrame with string column names.
    wavenumbers_ : ndarray of shape (n_points,)
        Spectral axis.

    Examples
    --------
    A transformer that subtracts each spectrum's minimum:

    >>> import numpy as np
    >>> from sklearn_raman.preprocessing import SpectralTransformer
    >>> class MinimumToZero(SpectralTransformer):
    ...     def _transform(self, X):
    ...         return X - X.min(axis=1, keepdims=True)
    >>> MinimumToZero().fit_transform(np.array([[2.0, 3.0, 5.0]]))
    array([[0., 1., 3.]])
    """

    _parameter_constraints: dict = {}

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check ``X`` and record the spectral axis.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Spectra, one per row.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        reject_ragged(X, type(self).__name__)
        X = validate_data(self, X, dtype=FLOAT_DTYPES)
        self.wavenumbers_ = feature_axis(
            type(self).__name__,
            getattr(self, "wavenumbers", None),
            getattr(self, "feature_names_in_", None),
            X.shape[1],
        )
        self._fit(X)
        return self

    def _fit(self, X):
        """Learn whatever the transform needs from the training spectra."""

    def transform(self, X):
        """Transform each spectrum.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Spectra on the axis seen in ``fit``.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_points_out)
            Transformed spectra, same dtype as ``X`` (float32 or float64).
        """
        check_is_fitted(self)
        reject_ragged(X, type(self).__name__)
        X = validate_data(self, X, dtype=FLOAT_DTYPES, reset=False)
        return self._transform(X).astype(X.dtype, copy=False)

    def _transform(self, X):  # pragma: no cover - abstract
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
