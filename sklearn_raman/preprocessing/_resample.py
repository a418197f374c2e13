"""Bring spectra measured on their own axes onto one wavenumber grid."""

from __future__ import annotations

import sys
import warnings
from numbers import Real
from pathlib import Path

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
    # rounding must not put the last point past stop (outside the data)
    return np.minimum(start + step * np.arange(n, dtype=np.float64), stop)


def _caller_level() -> int:
    """``stacklevel`` of the first frame outside this package and its callers'.

    A transform is reached through pipelines, joblib and set_output wrappers
    whose depth varies; the warning should point at the user's line.
    """
    import joblib
    import sklearn

    inside = tuple(
        str(Path(module.__file__).parent) for module in (sklearn, joblib)
    ) + (str(Path(__file__).parents[1]),)
    frame, level = sys._getframe(1), 1  # the frame that warns: level 1
    while frame is not None and frame.f_code.co_filename.startswith(inside):
        frame, level = frame.f_back, level + 1
    return level


class SpectrumResampler(TransformerMixin, BaseEstimator):
    """Interpolate spectra onto one wavenumber grid.

    The entry point from files to an ``X`` of shape (n_samples, n_grid): input is
    either a ragged sequence of ``(wavenumbers, intensities)`` pairs, each on its
    own axis (as returned by :func:`~sklearn_raman.datasets.read_spectra`), or a
    2D ``X`` whose columns lie on ``wavenumbers``. Axes may be descending or hold
    repeated values (repeats are averaged).

    The grid invents no data by default: it spans the range every spectrum
    covers (``span="common"``), and a grid point outside a spectrum's measured
    range, if any (an explicit ``start`` / ``stop`` / ``grid``, or a new
    spectrum at ``transform``), is set to 0 *with a warning* that says how much
    of X was filled, unless ``fill_value`` is given. Baseline correction and
    min-max scaling of rows with filled ends fit the step, not the spectrum:
    crop to the range all spectra cover, or correct each spectrum on its own
    axis first with :class:`OnNativeAxis`.

    Parameters
    ----------
    grid : array-like of shape (n_grid,), default=None
        Target wavenumbers. Overrides ``start``, ``stop`` and ``step``.
    start : float, default=None
        First grid point; ``None``: set by ``span``.
    stop : float, default=None
        Last grid point (inclusive); ``None``: set by ``span``.
    span : {"common", "union"}, default="common"
        The range of the grid where ``start`` / ``stop`` are ``None``:
        ``"common"``, the range every spectrum seen in ``fit`` covers (from the
        largest first wavenumber to the smallest last one; an error names the
        narrowest spectrum if they share none); ``"union"``, from the smallest
        measured wavenumber to the largest, so that the spectra that do not
        reach the ends are filled (with ``fill_value``).
    step : float, default=None
        Grid spacing; ``None``: the median spacing of the measured axes. With 2D
        input and none of ``grid``, ``start``, ``stop``, ``step`` given, the grid is
        the input axis itself (sorted, repeats merged).
    kind : {"linear", "cubic"}, default="linear"
        Interpolation: piecewise linear, or a not-a-knot cubic spline.
    fill_value : float, "edge" or None, default=None
        Value of grid points outside a spectrum's measured range: a number
        (0 as in Sang et al. (2021); ``np.nan`` to mark them, for a later step
        to crop or impute), or ``"edge"`` to repeat the first / last measured
        value. ``None``: 0, with a warning whenever a point is filled (the
        share of X and the range every spectrum covers); give the value to
        accept the filling without a warning.
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
    >>> SpectrumResampler(step=5).fit_transform(spectra)  # 0 to 10: both cover it
    array([[0. , 0.5, 1. ],
           [0. , 0.5, 1. ]])
    >>> SpectrumResampler(span="union", step=5, fill_value=0).fit_transform(spectra)
    array([[0. , 0.5, 1. , 0. , 0. ],
           [0. , 0.5, 1. , 1.5, 2. ]])
    """

    _parameter_constraints = {
        "grid": ["array-like", None],
        "start": [Real, None],
        "stop": [Real, None],
        "span": [StrOptions({"common", "union"})],
        "step": [Interval(Real, 0, None, closed="neither"), None],
        "kind": [StrOptions({"linear", "cubic"})],
        "fill_value": [Real, StrOptions({"edge"}), None],
        "wavenumbers": ["array-like", None],
    }

    def __init__(
        self,
        *,
        grid=None,
        start: float | None = None,
        stop: float | None = None,
        span: str = "common",
        step: float | None = None,
        kind: str = "linear",
        fill_value: float | str | None = None,
        wavenumbers=None,
    ):
        self.grid = grid
        self.start = start
        self.stop = stop
        self.span = span
        self.step = step
        self.kind = kind
        self.fill_value = fill_value
        self.wavenumbers = wavenumbers

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, names=None):
        """Set the target grid from the parameters and the measured axes.

        Parameters
        ----------
        X : sequence of (wavenumbers, intensities) pairs, or array-like of shape \
                (n_samples, n_points)
            Spectra on their own axes, or on a shared axis (``wavenumbers``).
        y : None
            Ignored.
        names : sequence of str, default=None
            A name per spectrum (e.g. its file, ``read_spectra(...).filenames``)
            for the error that says which spectra share no common range; in a
            pipeline, ``fit(..., spectrumresampler__names=...)``. None: their
            positions.

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
        if self.wavenumbers_ is not None:
            names = None  # one shared axis: nothing to name
        elif names is not None and len(names) != len(axes):
            raise ValueError(
                f"SpectrumResampler: {len(names)} names for {len(axes)} spectra"
            )
        self.grid_ = self._target_grid(axes, names)
        fewest = min(np.unique(a).size for a in axes)
        if self.kind == "cubic" and fewest < 2:
            raise ValueError(
                "SpectrumResampler: kind='cubic' needs at least 2 distinct "
                f"wavenumbers per spectrum; got {fewest} feature(s)"
            )
        return self

    def _target_grid(self, axes, names=None) -> np.ndarray:
        if self.grid is not None:
            return as_axis(self.grid, name="grid")
        if (
            self.start is None
            and self.stop is None
            and self.step is None
            and (self.wavenumbers_ is not None)
        ):
            return np.unique(self.wavenumbers_)
        lows = np.array([a.min() for a in axes])
        highs = np.array([a.max() for a in axes])
        if self.span == "union":
            lo, hi = lows.min(), highs.max()
        else:
            lo, hi = lows.max(), highs.min()
        start = lo if self.start is None else self.start
        stop = hi if self.stop is None else self.stop
        if stop < start and self.span == "common":
            first, last = int(np.argmax(lows)), int(np.argmin(highs))
            if names is None:
                first_name, last_name = f"spectrum {first}", f"spectrum {last}"
            else:
                first_name, last_name = names[first], names[last]
            raise ValueError(
                f"SpectrumResampler: the spectra share no common range "
                f"({first_name} starts at {lows[first]:g}, {last_name} stops at "
                f"{highs[last]:g}); give start and stop, or span='union' with a "
                "fill_value"
            )
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
            out[..., left | right] = 0.0 if self.fill_value is None else self.fill_value
        return out

    def _warn_filled(self, axes, n_rows: int) -> None:
        """Warn (``fill_value=None``) how much of X lies outside measured ranges."""
        if self.fill_value is not None:
            return
        grid = self.grid_
        lows = np.array([a.min() for a in axes])
        highs = np.array([a.max() for a in axes])
        # grid points below / above each range, by bisection of the sorted
        # grid: this runs on every transform
        filled = np.searchsorted(grid, lows, side="left") + (
            grid.size - np.searchsorted(grid, highs, side="right")
        )
        if len(axes) == 1:  # a 2D X: every row on the one axis
            filled = np.repeat(filled, n_rows)
        if not filled.any():
            return
        worst = int(np.argmax(filled))
        i = min(worst, len(axes) - 1)
        lo, hi = lows.max(), highs.min()
        common = (
            f"the range every spectrum covers is {lo:g} to {hi:g}"
            if lo < hi
            else "the spectra share no common range"
        )
        share = filled.sum() / (filled.size * grid.size)
        warnings.warn(
            f"SpectrumResampler: {f'{share:.1%}' if share >= 1e-3 else '< 0.1%'} of X "
            f"({np.count_nonzero(filled)} of {filled.size} spectra) lies outside "
            f"the measured range and was set to 0: the grid spans {grid[0]:g} to "
            f"{grid[-1]:g}, spectrum {worst} only {lows[i]:g} to {highs[i]:g}; "
            f"{common}. Resample onto a grid the spectra cover (start/stop, or "
            "the default span='common'), or choose the fill: fill_value=0 (no "
            "warning), 'edge' or np.nan",
            UserWarning,
            stacklevel=_caller_level(),
        )

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
            self._warn_filled([a for a, _ in spectra], len(spectra))
            return np.stack([self._interp(a, v) for a, v in spectra])
        if self.wavenumbers_ is None:
            raise ValueError(
                "SpectrumResampler was fitted on (wavenumbers, intensities) pairs; "
                "a 2D X has no axis. Pass pairs, or fit with a 2D X and wavenumbers"
            )
        reject_ragged(X, type(self).__name__)
        X = validate_data(self, X, dtype=FLOAT_DTYPES, reset=False)
        self._warn_filled([self.wavenumbers_], len(X))
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
