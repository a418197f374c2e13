"""A fitted model of the package as a function of pixel rows on a map's axis."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._particles import UNKNOWN


def _resampler_type():
    from ..preprocessing import SpectrumResampler

    return SpectrumResampler


class PixelModel:
    """Codes, top scores and known-ness of pixel rows, from any fitted model.

    The model: a :class:`~sklearn_raman.identification.SpectrumIdentifier`
    (its whole pipeline: cleaning on the native axis, resampling, the
    open-set classifier), a pipeline or a classifier. A pipeline with a
    :class:`~sklearn_raman.preprocessing.SpectrumResampler` takes the map's
    axis and resamples once per chunk (one interpolation of the whole
    block, the map's pixels sharing one axis); a model without one takes the
    map's points as its features, which must then be as many as it was
    fitted on. An open-set classifier (``identify``) gives verdicts with
    "unknown"; another classifier its predictions, and its largest
    probability as the score.

    Parameters
    ----------
    model : estimator
        The fitted model.
    wavenumbers : array-like of shape (n_points,)
        The map's axis.
    x_kind : str or None, default=None
        The map's axis kind; one unlike the model's raises.
    name : str, default="the map"
        The map's name, for the messages.

    Attributes
    ----------
    classes : ndarray of shape (n_classes,)
        The model's classes (codes index them).
    open_set : bool
        Whether the model says "unknown".
    threshold : float or None
        Its known-ness threshold.
    novelty_score : str or None
        Its known-ness score.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.maps import PixelModel
    >>> from sklearn_raman.neighbors import LibrarySearchClassifier
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=5, n_points=50,
    ...                     random_state=0)
    >>> model = PixelModel(LibrarySearchClassifier().fit(X, y), np.arange(50))
    >>> codes, scores, novelty = model.predict(X[:4])
    >>> bool((codes == y[:4]).all()), bool(np.isnan(novelty).all())
    (True, True)
    """

    def __init__(self, model, wavenumbers, x_kind=None, name="the map") -> None:
        self.model = model
        self.wavenumbers = np.asarray(wavenumbers, dtype=float)
        model_kind = None
        if hasattr(model, "pipeline_") and hasattr(model, "grid_"):
            check_is_fitted(model, "pipeline_")
            steps = [step for _, step in model.pipeline_.steps]
            model_kind = getattr(model, "x_kind_", None)
        elif isinstance(model, Pipeline):
            steps = [step for _, step in model.steps]
        else:
            steps = [model]
        if model_kind and x_kind and model_kind != x_kind:
            raise ValueError(
                f"{name}: its axis is a {x_kind}, the model's a {model_kind}; "
                "convert it first (sklearn_raman.datasets.convert_spectra)"
            )
        self.final = steps[-1]
        check_is_fitted(self.final)
        resampler = _resampler_type()
        where = [i for i, s in enumerate(steps[:-1]) if isinstance(s, resampler)]
        if where:
            r = where[0]
            self.native, self.resampler = steps[:r], steps[r]
            self.after = steps[r + 1 : -1]
            self._check_cover(name)
        else:
            self.native, self.resampler, self.after = [], None, steps[:-1]
            first = steps[0]
            n_in = getattr(first, "n_features_in_", None)
            if n_in is not None and n_in != self.wavenumbers.size:
                raise ValueError(
                    f"{name} has {self.wavenumbers.size} points per spectrum, the "
                    f"model was fitted on {n_in} features and resamples nothing: "
                    "put a SpectrumResampler first in its pipeline, or use a "
                    "SpectrumIdentifier"
                )
        self.classes = np.asarray(self.final.classes_)
        self.open_set = hasattr(self.final, "identify")
        self.unknown_label = getattr(self.final, "unknown_label_", None)
        self.threshold = getattr(self.final, "threshold_", None)
        self.novelty_score = getattr(self.final, "novelty_score_", None)
        self._index = {c: i for i, c in enumerate(self.classes.tolist())}

    def _check_cover(self, name) -> None:
        grid, axis = self.resampler.grid_, self.wavenumbers
        covered = float(np.mean((grid >= axis.min()) & (grid <= axis.max())))
        if covered < 1.0:
            warnings.warn(
                f"{name} covers {axis.min():g} to {axis.max():g}, {covered:.0%} of "
                f"the model's grid ({grid[0]:g} to {grid[-1]:g}); the rest is "
                "filled as the model's resampler fills it (0 by default). Train "
                "the model on the map's range (start / stop) for a faithful "
                "identification",
                UserWarning,
                stacklevel=4,
            )

    def _features(self, X: np.ndarray) -> np.ndarray:
        if self.resampler is not None:
            if self.native:
                pairs = [(self.wavenumbers, row) for row in X]
                for step in self.native:
                    pairs = step.transform(pairs)
                X = self.resampler.transform(pairs)
            elif self.resampler.wavenumbers_ is not None and np.array_equal(
                self.resampler.wavenumbers_, self.wavenumbers
            ):
                X = self.resampler.transform(X)
            else:
                # one interpolation of the whole chunk: the pixels share one axis
                X = self.resampler._interp(self.wavenumbers, X).astype(
                    X.dtype, copy=False
                )
        for step in self.after:
            X = step.transform(X)
        return X

    def predict(self, X) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(codes, scores, novelty)`` of pixel rows.

        Parameters
        ----------
        X : array-like of shape (n, n_points)
            Spectra on the map's axis.

        Returns
        -------
        codes : ndarray of int16, shape (n,)
            Index into :attr:`classes`; -1: unknown.
        scores : ndarray of float32, shape (n,)
            The top match's probability (or decision score; NaN for a model
            with neither).
        novelty : ndarray of float32, shape (n,)
            The known-ness score (NaN without an open-set model).
        """
        codes, _, scores, novelty = self.predict_top(X)
        return codes, scores, novelty

    def predict_top(self, X):
        """``(codes, top_codes, scores, novelty)``: :meth:`predict` and the top match.

        Parameters
        ----------
        X : array-like of shape (n, n_points)
            Spectra on the map's axis.

        Returns
        -------
        codes, top_codes : ndarray of int16, shape (n,)
            The verdict (-1: unknown) and the best match (a class, also
            where the verdict is unknown).
        scores, novelty : ndarray of float32, shape (n,)
            As :meth:`predict`.
        """
        n = len(X)
        if n == 0:
            empty = np.zeros(0, dtype=np.float32)
            none = np.zeros(0, dtype=np.int16)
            return none, none, empty, empty
        X = self._features(np.asarray(X))
        if self.open_set:
            found = self.final.identify(X, top=1, alpha=None)
            verdicts, tops = found.verdicts, found.top_classes[:, 0]
            scores = found.top_scores[:, 0]
            novelty = found.novelty
        else:
            if hasattr(self.final, "predict_proba"):
                proba = self.final.predict_proba(X)
                best = np.argmax(proba, axis=1)
                verdicts, scores = self.final.classes_[best], proba.max(axis=1)
            else:
                verdicts, scores = self.final.predict(X), np.full(n, np.nan)
            tops, novelty = verdicts, np.full(n, np.nan)
        return (
            self._codes(verdicts),
            self._codes(tops),
            np.asarray(scores, np.float32),
            np.asarray(novelty, np.float32),
        )

    def _codes(self, labels) -> np.ndarray:
        return np.fromiter(
            (self._index.get(v, UNKNOWN) for v in np.asarray(labels).tolist()),
            dtype=np.int16,
            count=len(labels),
        )
