"""Savitzky–Golay smoothing and derivatives."""

from __future__ import annotations

import warnings
from numbers import Integral

import numpy as np
from scipy.signal import savgol_filter
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import SpectralTransformer


class SavitzkyGolay(SpectralTransformer):
    """Savitzky–Golay smoothing or derivative of each spectrum.

    A thin, vectorised wrapper of :func:`scipy.signal.savgol_filter` along the
    spectral axis. For derivatives, the sample spacing ``delta`` is taken from the
    axis, so a first derivative is in intensity per cm⁻¹ when ``wavenumbers`` are
    given (and per point otherwise).

    Parameters
    ----------
    window_length : int, default=11
        Odd number of points of the filter window.
    polyorder : int, default=3
        Order of the fitted polynomial; below ``window_length``.
    deriv : int, default=0
        Order of the derivative (0: smoothing only).
    mode : {"interp", "mirror", "nearest", "constant", "wrap"}, default="interp"
        Edge handling, as in scipy. ``"interp"`` needs spectra of at least
        ``window_length`` points.
    wavenumbers : array-like of shape (n_points,), default=None
        Spectral axis (uniformly spaced; a warning is given otherwise). ``None``:
        numeric column names if X is a DataFrame, else unit spacing.

    Attributes
    ----------
    n_features_in_ : int
        Number of points per spectrum seen in ``fit``.
    wavenumbers_ : ndarray of shape (n_points,)
        Spectral axis.
    delta_ : float
        Sample spacing passed to scipy (negative for a descending axis).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman import SavitzkyGolay
    >>> x = np.linspace(0, 10, 21)
    >>> sg = SavitzkyGolay(window_length=5, polyorder=2, deriv=1, wavenumbers=x)
    >>> d1 = sg.fit_transform([x ** 2])
    >>> np.allclose(d1[0, 2:-2], 2 * x[2:-2])
    True
    """

    _parameter_constraints = {
        "window_length": [Interval(Integral, 1, None, closed="left")],
        "polyorder": [Interval(Integral, 0, None, closed="left")],
        "deriv": [Interval(Integral, 0, None, closed="left")],
        "mode": [StrOptions({"interp", "mirror", "nearest", "constant", "wrap"})],
        "wavenumbers": ["array-like", None],
    }

    def __init__(
        self,
        *,
        window_length: int = 11,
        polyorder: int = 3,
        deriv: int = 0,
        mode: str = "interp",
        wavenumbers=None,
    ):
        self.window_length = window_length
        self.polyorder = polyorder
        self.deriv = deriv
        self.mode = mode
        self.wavenumbers = wavenumbers

    def _fit(self, X):
        if self.window_length % 2 == 0:
            raise ValueError(
                f"SavitzkyGolay: window_length must be odd; got {self.window_length}"
            )
        if self.polyorder >= self.window_length:
            raise ValueError(
                f"SavitzkyGolay: polyorder={self.polyorder} must be below "
                f"window_length={self.window_length}"
            )
        if self.mode == "interp" and X.shape[1] < self.window_length:
            raise ValueError(
                f"SavitzkyGolay: window_length={self.window_length} is longer than "
                f"the spectra: X has {X.shape[1]} feature(s); use a shorter window "
                f"or another mode"
            )
        steps = np.diff(self.wavenumbers_)
        self.delta_ = float(np.median(steps)) if steps.size else 1.0
        if self.delta_ == 0:
            raise ValueError("SavitzkyGolay: the wavenumber axis has zero spacing")
        if steps.size and np.ptp(steps) > 0.01 * abs(self.delta_):
            warnings.warn(
                "SavitzkyGolay: the wavenumber axis is not uniformly spaced "
                f"(steps {steps.min():g} .. {steps.max():g}); resample it first "
                "with SpectrumResampler",
                UserWarning,
                stacklevel=3,
            )

    def _transform(self, X):
        return savgol_filter(
            X,
            self.window_length,
            self.polyorder,
            deriv=self.deriv,
            delta=self.delta_,
            axis=1,
            mode=self.mode,
        )
