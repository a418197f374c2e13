"""Bring spectra measured on their own axes onto one wavenumber grid."""

from __future__ import annotations

from numbers import Real

import numpy as np
from scipy.interpolate import CubicSpline
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import FLOAT_DTYPES, check_is_fitted, validate_data

from .._axis import (
    as_axis,
    check_ragged,
    feature_axis,
    is_ragged,
    reject_ragged,
    sorted_unique,
)


def make_grid(start: float, stop: float, step: float) -> np.ndarray:
    """Evenly spaced grid ``start, start + step, ...`` up to ``stop`` inclusive.

    Parameters
    ----------
    start, stop : float
        First and last wavenumber (``stop >= start``).
    step : float
        Positive spacing.

    Returns
    -------
    grid : ndarray
        The grid, float64.

    Examples
    --------
    >>> from sklearn_raman.preprocessing import make_grid
    >>> make_grid(30, 1599, 1).shape
    (1570,)
    """
    if not step > 0:
        raise ValueError(f"step must be positive; got {step}")
    if stop < start:
        raise ValueError(f"stop={stop} is below start={start}")
    n = int(np.floor((stop - start) / step + 1e-9)) + 1
    return start + step * np.arange(n, dtype=np.float64)


class SpectrumResampler(TransformerMixin, BaseEstimator):
    """Interpolate spectra onto one wavenumber grid.

    The entry point from files to an ``X`` of shape (n_samples, n_grid): input is
    either a ragged sequence of ``(wavenumbers, intensities)`` pairs, each on its
    own axis (as returned by :func:`~sklearn_raman.datasets.read_spectra`), or a
    2D ``X`` whose columns lie on ``wavenumbers``. Axes may be descending or hold
    repeated values (repeats are averaged).

    Parameters
    ----------
    grid : array-like of shape (n_grid,), default=None
        Target wavenumbers. Overrides ``start``, ``stop`` and ``step``.
    start : float, default=None
        First grid point; ``None``: the smallest measured wavenumber.
    stop : float, default=None
        Last grid point (inclusive); ``None``: the largest measured wavenumber.
    step : float, default=None
        Grid spacing; ``None``: the median spacing of the measured axes. With 2D
        input and none of ``grid``, ``start``, ``stop``, ``step`` given, the grid is
        the input axis itself (sorted, repeats merged).
    kind : {"linear", "cubic"}, default="linear"
        Interpolation: piecewise linear, or a not-a-knot cubic spline.
    fill_value : float or "edge", default=0.0
        Value of grid points outside a spectrum's measured range. 0 as in Sang
        et al. (2021); ``"edge"`` repeats the first / last measured value.
    wavenumbers : array-like of shape (n_points,), default=None
        Axis of the columns of a 2D ``X``. ``None``: numeric column names if X is
        a DataFrame, else the column index. Not used with ragged input.

    Attributes
    ----------
    grid_ : ndarray of shape (n_grid,)
        The target grid.
    wavenumbers_ : ndarray of shape (n_points,) or None
        Axis of a 2D ``X`` seen in ``fit``; None for ragged input.
    n_features_in_ : int
        Number of columns of a 2D ``X`` seen in ``fit`` (absent for ragged input).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman import SpectrumResampler
    >>> spectra = [(np.array([0.0, 10.0]), np.array([0.0, 1.0])),
    ...            (np.array([20.0, 5.0, 0.0]), np.array([2.0, 0.5, 0.0]))]
    >>> SpectrumResampler(start=0, stop=20, step=5).fit_transform(spectra)
    array([[0. , 0.5, 1. , 0. , 0. ],
           [0. , 0.5, 1. , 1.5, 2. ]])
    """

    _parameter_constraints = {
        "grid": ["array-like", None],
        "start": [Real, None],
        "stop": [Real, None],
        "step": [Interval(Real, 0, None, closed="neither"), None],
        "kind": [StrOptions({"linear", "cubic"})],
        "fill_value": [Real, StrOptions({"edge"})],
        "wavenumbers": ["array-like", None],
    }

    def __init__(
        self,
        *,
        grid=None,
        start: float | None = None,
        stop: float | None = None,
        step: float | None = None,
        kind: str = "linear",
        fill_value: float | str = 0.0,
        wavenumbers=None,
    ):
        self.grid = grid
        self.start = start
        self.stop = stop
        self.step = step
        self.kind = kind
        self.fill_value = fill_value
        self.wavenumbers = wavenumbers

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Set the target grid from the parameters and the measured axes.

        Parameters
        ----------
        X : sequence of (wavenumbers, intensities) pairs, or array-like of shape \
                (n_samples, n_points)
            Spectra on their own axes, or on a shared axis (``wavenumbers``).
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted resampler.
        """
        if is_ragged(X):
            if self.wavenumbers is not None:
                raise ValueError(
                    "SpectrumResampler: wavenumbers is for a 2D X; a sequence of "
                    "(wavenumbers, intensities) pairs carries its own axes"
                )
            axes = [axis for axis, _ in check_ragged(X)]
            self.wavenumbers_ = None
            for attr in ("n_features_in_", "feature_names_in_"):
                if hasattr(self, attr):
                    delattr(self, attr)
        else:
            reject_ragged(X, type(self).__name__)
            X = validate_data(self, X, dtype=FLOAT_DTYPES)
            self.wavenumbers_ = feature_axis(
                "SpectrumResampler",
                self.wavenumbers,
                getattr(self, "feature_names_in_", None),
                X.shape[1],
            )
            axes = [self.wavenumbers_]
        self.grid_ = self._target_grid(axes)
        fewest = min(np.unique(a).size for a in axes)
        if self.kind == "cubic" and fewest < 2:
            raise ValueError(
                "SpectrumResampler: kind='cubic' needs at least 2 distinct "
                f"wavenumbers per spectrum; got {fewest} feature(s)"
            )
        return self

    def _target_grid(self, axes) -> np.ndarray:
        if self.grid is not None:
            return as_axis(self.grid, name="grid")
        if (
            self.start is None
            and self.stop is None
            and self.step is None
            and (self.wavenumbers_ is not None)
        ):
            return np.unique(self.wavenumbers_)
        start = min(a.min() for a in axes) if self.start is None else self.start
        stop = max(a.max() for a in axes) if self.stop is None else self.stop
        step = self.step
        if step is None:
            spacings = [np.median(np.diff(np.unique(a))) for a in axes if a.size > 1]
            step = float(np.median(spacings)) if spacings else 1.0
        return make_grid(float(start), float(stop), float(step))

    def _interp(self, axis: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Interpolate ``values`` (1D or 2D, points last) from ``axis`` to the grid."""
        axis, values = sorted_unique(axis, values)
        grid = self.grid_
        if self.kind == "cubic":
            out = CubicSpline(axis, values, axis=-1, extrapolate=False)(grid)
        else:
            idx = np.clip(np.searchsorted(axis, grid) - 1, 0, max(axis.size - 2, 0))
            if axis.size == 1:
                out = np.repeat(values[..., :1], grid.size, axis=-1)
            else:
                w = (grid - axis[idx]) / (axis[idx + 1] - axis[idx])
                out = values[..., idx] * (1 - w) + values[..., idx + 1] * w
        left, right = grid < axis[0], grid > axis[-1]
        if self.fill_value == "edge":
            out[..., left] = values[..., :1]
            out[..., right] = values[..., -1:]
        else:
            out[..., left | right] = self.fill_value
        return out

    def transform(self, X):
        """Resample the spectra onto ``grid_``.

        Parameters
        ----------
        X : sequence of (wavenumbers, intensities) pairs, or array-like of shape \
                (n_samples, n_points)
            Spectra on their own axes, or on the axis seen in ``fit``.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_grid)
            Spectra on the grid (float64; float32 stays float32 for 2D input).
        """
        check_is_fitted(self, "grid_")
        if is_ragged(X):
            spectra = check_ragged(X)
            return np.stack([self._interp(a, v) for a, v in spectra])
        if self.wavenumbers_ is None:
            raise ValueError(
                "SpectrumResampler was fitted on (wavenumbers, intensities) pairs; "
                "a 2D X has no axis. Pass pairs, or fit with a 2D X and wavenumbers"
            )
        reject_ragged(X, type(self).__name__)
        X = validate_data(self, X, dtype=FLOAT_DTYPES, reset=False)
        return self._interp(self.wavenumbers_, X).astype(X.dtype, copy=False)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: the grid wavenumbers as strings.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Ignored (the output columns are grid points).

        Returns
        -------
        feature_names_out : ndarray of str
            E.g. ``["30", "31", ...]``; numeric, so the next step of a pandas
            pipeline can read the axis from them.
        """
        check_is_fitted(self, "grid_")
        return np.asarray(
            [np.format_float_positional(v, trim="-") for v in self.grid_], dtype=object
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
