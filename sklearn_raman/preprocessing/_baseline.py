"""Baseline (fluorescence background) removal with pybaselines."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from pybaselines import Baseline

from ._base import SpectralTransformer

#: pybaselines methods offered by name; any other ``Baseline`` method also works.
BASELINE_METHODS = ("asls", "arpls", "airpls", "modpoly", "imodpoly", "snip")


def _fit_rows(fitter: Baseline, method: str, params: dict, X: np.ndarray) -> np.ndarray:
    fit = getattr(fitter, method)
    return np.stack([fit(row, **params)[0] for row in X])


class BaselineCorrector(SpectralTransformer):
    """Subtract a baseline estimated per spectrum by pybaselines.

    One :class:`pybaselines.Baseline` is built on the spectral axis in ``fit`` and
    reused for every spectrum, so the matrices the Whittaker and polynomial
    methods need are set up once per axis.

    Parameters
    ----------
    method : str, default="asls"
        Name of a :class:`pybaselines.Baseline` method: ``"asls"``, ``"arpls"``,
        ``"airpls"`` (Whittaker smoothing), ``"modpoly"``, ``"imodpoly"``
        (iterative polynomial fits), ``"snip"`` (peak clipping), or any other
        method of that class.
    method_params : dict, default=None
        Keyword arguments of the method, e.g. ``{"lam": 1e5, "p": 0.01}`` for
        ``asls`` or ``{"poly_order": 3}`` for ``modpoly``. ``None``: pybaselines'
        defaults.
    wavenumbers : array-like of shape (n_points,), default=None
        Spectral axis (polynomial methods fit on it). ``None``: numeric column
        names if X is a DataFrame, else the column index.
    n_jobs : int, default=None
        Number of joblib workers over chunks of spectra (``None``: 1).

    Attributes
    ----------
    n_features_in_ : int
        Number of points per spectrum seen in ``fit``.
    wavenumbers_ : ndarray of shape (n_points,)
        Spectral axis.
    baseline_fitter_ : pybaselines.Baseline
        The fitter built on ``wavenumbers_``.

    Notes
    -----
    A spectrum of fewer than 3 points is its own baseline (two points always lie
    on a straight line), so it is corrected to zeros.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman import BaselineCorrector
    >>> x = np.linspace(0, 1, 200)
    >>> spectrum = np.exp(-((x - 0.5) / 0.01) ** 2) + 2 + 3 * x
    >>> corrected = BaselineCorrector(method="modpoly", method_params={"poly_order": 1},
    ...                               wavenumbers=x).fit_transform([spectrum])
    >>> bool(abs(corrected[0, 0]) < 0.05 and corrected[0, 100] > 0.9)
    True
    """

    _parameter_constraints = {
        "method": [str],
        "method_params": [dict, None],
        "wavenumbers": ["array-like", None],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        *,
        method: str = "asls",
        method_params: dict | None = None,
        wavenumbers=None,
        n_jobs: int | None = None,
    ):
        self.method = method
        self.method_params = method_params
        self.wavenumbers = wavenumbers
        self.n_jobs = n_jobs

    def _fit(self, X):
        if self.method.startswith("_") or not callable(
            getattr(Baseline, self.method, None)
        ):
            raise ValueError(
                f"BaselineCorrector: unknown method {self.method!r}; use one of "
                f"{', '.join(BASELINE_METHODS)} or another pybaselines Baseline method"
            )
        self.baseline_fitter_ = Baseline(x_data=self.wavenumbers_, check_finite=False)

    def _transform(self, X):
        if X.shape[1] < 3:
            # any two points lie on a line, the smoothest possible baseline
            return np.zeros_like(X)
        params = dict(self.method_params or {})
        chunks = np.array_split(np.asarray(X, dtype=np.float64), max(1, len(X) // 64))
        baselines = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_rows)(self.baseline_fitter_, self.method, params, chunk)
            for chunk in chunks
            if len(chunk)
        )
        return X - np.concatenate(baselines)
