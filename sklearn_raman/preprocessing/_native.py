"""Per-spectrum preprocessing on each spectrum's own axis, before resampling."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context, clone
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.validation import FLOAT_DTYPES, check_is_fitted, validate_data

from .._axis import check_ragged, is_ragged, reject_ragged


def _on_axis(transformer, axis: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``transformer`` fitted and applied to ``rows`` measured on ``axis``."""
    step = clone(transformer)
    # every "wavenumbers" parameter, a pipeline's nested ones included
    names = [n for n in step.get_params() if n.split("__")[-1] == "wavenumbers"]
    if names:
        step.set_params(**dict.fromkeys(names, axis))
    return np.asarray(step.fit_transform(rows), dtype=np.float64)


class OnNativeAxis(TransformerMixin, BaseEstimator):
    """Apply a per-spectrum transformer to every spectrum on its own axis.

    Raw files from different instruments come on different axes: resampled
    onto one grid first, a spectrum that does not cover the grid gets filled
    ends, and a baseline, despiking or smoothing step then fits the fill as
    well as the spectrum. Wrapped in ``OnNativeAxis``, the step runs on the
    ``(wavenumbers, intensities)`` pairs as measured, before
    :class:`SpectrumResampler`::

        make_pipeline(OnNativeAxis(BaselineCorrector(method="arpls")),
                      SpectrumResampler(), MinMaxPerSpectrum(), model)

    The spectra that share an axis are transformed together by one clone of
    ``transformer``, its ``wavenumbers`` parameters (nested ones of a
    pipeline too) set to that axis. The transformer must treat each spectrum
    on its own (baseline, despiking, smoothing, per-spectrum normalisation):
    it is fitted on the spectra it transforms, at ``transform`` time, so a
    step that learns from the training set (a scaler, PCA) does not belong
    here. A 2D ``X`` (spectra on one grid) is passed to a clone fitted in
    ``fit``.

    Parameters
    ----------
    transformer : estimator
        The per-spectrum transformer (or pipeline of them), e.g.
        ``BaselineCorrector(method="arpls")``; cloned, never modified.
    n_jobs : int, default=None
        Joblib workers over the distinct axes (``None``: 1).

    Attributes
    ----------
    transformer_ : estimator
        The clone fitted on a 2D ``X`` in ``fit``; absent after a ragged fit.
    n_features_in_ : int
        Columns of a 2D ``X`` seen in ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman import BaselineCorrector, OnNativeAxis
    >>> x1, x2 = np.linspace(100, 900, 300), np.linspace(300, 1500, 400)
    >>> band = lambda x: np.exp(-(((x - 600) / 10) ** 2))
    >>> spectra = [(x1, band(x1) + 0.002 * x1), (x2, band(x2) + 1 + 0.001 * x2)]
    >>> step = OnNativeAxis(BaselineCorrector(method="modpoly",
    ...                                      method_params={"poly_order": 1}))
    >>> out = step.fit_transform(spectra)
    >>> [bool(abs(x[0]) < 0.05 and x.max() > 0.9) for _, x in out]
    [True, True]
    """

    _parameter_constraints = {
        "transformer": [HasMethods(["fit_transform"])],
        "n_jobs": [Integral, None],
    }

    def __init__(self, transformer, *, n_jobs: int | None = None):
        self.transformer = transformer
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Check ``X``; a 2D ``X`` fits a clone of ``transformer``.

        Parameters
        ----------
        X : sequence of (wavenumbers, intensities) pairs, or array-like of shape \
                (n_samples, n_points)
            Spectra on their own axes, or on one grid.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted wrapper.
        """
        if is_ragged(X):
            check_ragged(X)
            for attr in ("transformer_", "n_features_in_", "feature_names_in_"):
                if hasattr(self, attr):
                    delattr(self, attr)
            self.ragged_ = True
            return self
        reject_ragged(X, type(self).__name__)
        X = validate_data(self, X, dtype=FLOAT_DTYPES)
        self.transformer_ = clone(self.transformer).fit(X)
        self.ragged_ = False
        return self

    def transform(self, X):
        """Transform every spectrum on its own axis.

        Parameters
        ----------
        X : sequence of (wavenumbers, intensities) pairs, or array-like of shape \
                (n_samples, n_points)
            Spectra on their own axes (transformed axis by axis), or a 2D ``X``
            like the one seen in ``fit``.

        Returns
        -------
        X_new : list of (wavenumbers, intensities) pairs, or ndarray
            Pairs on the same axes (for :class:`SpectrumResampler`), or the
            fitted clone's output for a 2D ``X``.
        """
        check_is_fitted(self, "ragged_")
        if not is_ragged(X):
            if self.ragged_:
                raise ValueError(
                    "OnNativeAxis was fitted on (wavenumbers, intensities) pairs; "
                    "pass pairs to transform too"
                )
            reject_ragged(X, type(self).__name__)
            X = validate_data(self, X, dtype=FLOAT_DTYPES, reset=False)
            return self.transformer_.transform(X)
        spectra = check_ragged(X)
        by_axis: dict[bytes, list[int]] = {}
        for i, (axis, _) in enumerate(spectra):
            by_axis.setdefault(axis.tobytes(), []).append(i)
        batches = list(by_axis.values())
        outputs = Parallel(n_jobs=self.n_jobs)(
            delayed(_on_axis)(
                self.transformer,
                spectra[rows[0]][0],
                np.stack([spectra[i][1] for i in rows]),
            )
            for rows in batches
        )
        out: list = [None] * len(spectra)
        for rows, values in zip(batches, outputs):
            if values.shape != (len(rows), spectra[rows[0]][0].size):
                raise ValueError(
                    f"OnNativeAxis: {type(self.transformer).__name__} changed the "
                    f"shape of the spectra ({len(rows)}, "
                    f"{spectra[rows[0]][0].size}) to {values.shape}; only a "
                    "transformer that keeps every point can run on native axes"
                )
            for i, row in zip(rows, values):
                out[i] = (spectra[i][0], row)
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags
