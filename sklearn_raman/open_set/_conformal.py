"""Conformal prediction sets from the cross-fitting's fold models.

The nonconformity of a class is ``1 - p(class)``. Each fold's model scores a
new spectrum against the spectra it did not train on, so the two are
exchangeable; see :meth:`OpenSetClassifier.predict_set
<sklearn_raman.open_set.OpenSetClassifier.predict_set>`.
"""

from __future__ import annotations

import hashlib
from numbers import Integral

import numpy as np
from scipy import sparse
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import _num_samples, check_is_fitted

METHODS = ("auto", "split", "cross", "final", "mondrian")


def estimator_has(name: str):
    """An ``available_if`` check: the wrapped (or fitted) estimator has ``name``."""

    def check(self):
        return hasattr(
            self.estimator_ if hasattr(self, "estimator_") else self.estimator, name
        )

    return check


class ConformalSetsMixin:
    """``predict_set`` of a wrapper calibrated by cross-fitting.

    See :func:`~sklearn_raman.open_set._crossfit.calibrate`. Needs
    ``fold_estimators_``, ``conformal_scores_``, ``conformal_folds_``,
    ``classes_``, ``grouped_calibration_`` and ``random_state``.
    """

    @available_if(estimator_has("predict_proba"))
    def predict_set(self, X, alpha: float = 0.1, method: str = "auto") -> np.ndarray:
        """Conformal prediction sets: the classes that cannot be ruled out.

        The nonconformity of a class is ``1 - p(class)``. Each of the
        cross-fitting's models scores the spectrum against the spectra it did
        not train on (its held-out fold), so the two are exchangeable: the
        final model, trained on more data, would be more confident than the
        calibration and miss the target coverage. A class's p-value is the
        share of held-out known spectra at least as nonconforming as the
        spectrum; the set holds the classes with a p-value above ``alpha``. An
        empty set: no known class fits.

        Parameters
        ----------
        X : array-like
            Spectra.
        alpha : float, default=0.1
            Tolerated miss rate, in (0, 1).
        method : {"auto", "split", "cross"}, default="auto"
            ``"split"``: split conformal against one fold per spectrum, drawn
            from a hash of the spectrum's values (and ``random_state``), among
            the folds whose model knows the class: the same spectrum always
            gets the same set, and a spectrum of a known class falls in its
            set with probability at least ``1 - alpha`` (exchangeability of the
            fold's held-out spectra with the new one). ``"cross"``:
            cross-conformal (Vovk 2015), the held-out spectra of every fold
            whose model knows the class, pooled: all the calibration data, but
            conservative where the fold models disagree on a spectrum, as on
            replicates of a sample that some folds trained on and others not
            (RRUFF Dataset_1, random split, library search: 0.974 / 0.923 at
            alpha 0.05 / 0.1, against 0.960 / 0.907 split); in theory it only
            guarantees ``1 - 2 alpha``. ``"auto"``: ``"cross"`` where ``fit``
            calibrated by sample (``groups``: no sample is on both sides of a
            fold, and new samples are harder than the held-out ones of
            classes seen in several samples, which the pooling offsets),
            ``"split"`` otherwise. ``"final"``: the final model's
            probabilities against all the held-out scores pooled: the set is
            every class whose ``1 - p`` is within the calibrated quantile, so
            a non-empty set always holds the final model's top match (the
            coherent answer :meth:`identify` gives); the final model, trained
            on more data than the fold models, is scored against their
            held-out spectra, an approximation that holds where one more
            fold's data changes the model little. ``"mondrian"``: as
            ``"final"`` with a quantile per class from the held-out spectra
            of that class (class-conditional coverage: a hard class gets
            wider sets instead of missing more often); the top match may then
            be left out where its class's quantile is tighter.

        Returns
        -------
        sets : ndarray of bool, shape (n_samples, n_classes)
            ``sets[i, j]``: class ``classes_[j]`` is in the set of spectrum ``i``.

        Examples
        --------
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn_raman import make_spectra
        >>> from sklearn_raman.open_set import OpenSetClassifier
        >>> X, y = make_spectra(n_classes=3, n_samples_per_class=20, random_state=0)
        >>> clf = OpenSetClassifier(LogisticRegression(max_iter=1000), random_state=0)
        >>> sets = clf.fit(X, y).predict_set(X[:2], alpha=0.1)
        >>> sets.shape, int(y[0]), clf.classes_[sets[0]].tolist()
        ((2, 3), 2, [2])
        """
        check_is_fitted(self, "estimator_")
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must be in (0, 1); got {alpha!r}")
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}; got {method!r}")
        if method == "auto":
            method = "cross" if self.grouped_calibration_ else "split"
        if method == "mondrian" and self.conformal_classes_ is None:
            raise ValueError(
                "method='mondrian' needs the classes of the held-out scores, "
                "which a model saved by an earlier version lacks: refit it"
            )
        if method in ("final", "mondrian"):
            return final_sets(
                self.estimator_.predict_proba(X),
                self.conformal_scores_,
                self.conformal_classes_ if method == "mondrian" else None,
                self.classes_,
                alpha,
            )
        return prediction_sets(
            self.fold_estimators_,
            self.conformal_scores_,
            self.conformal_folds_,
            self.classes_,
            X,
            alpha=alpha,
            method=method,
            random_state=self.random_state,
        )


def nonconformity(proba: np.ndarray, classes: np.ndarray, y) -> np.ndarray:
    """``1 - p(true class)`` of spectra of known classes.

    Parameters
    ----------
    proba : ndarray of shape (n_samples, n_classes)
        A model's ``predict_proba``.
    classes : ndarray of shape (n_classes,)
        Its ``classes_`` (sorted).
    y : array-like of shape (n_samples,)
        The true labels, all among ``classes``.

    Returns
    -------
    scores : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.open_set._conformal import nonconformity
    >>> nonconformity(np.array([[0.9, 0.1], [0.3, 0.7]]), np.array(["a", "b"]),
    ...               ["a", "a"]).round(2).tolist()
    [0.1, 0.7]
    """
    column = np.searchsorted(classes, y)
    return 1 - proba[np.arange(len(proba)), column]


def prediction_sets(
    fold_models: list,
    scores: np.ndarray,
    folds: np.ndarray,
    classes: np.ndarray,
    X,
    *,
    alpha: float,
    method: str,
    random_state=None,
) -> np.ndarray:
    """The classes whose conformal p-value is above ``alpha``, per spectrum.

    Parameters
    ----------
    fold_models : list of fitted classifiers
        The cross-fitting's models (with ``predict_proba``).
    scores : ndarray of shape (n_calibration,)
        Held-out nonconformity of known spectra (:func:`nonconformity`).
    folds : ndarray of shape (n_calibration,)
        The index into ``fold_models`` of each of ``scores``.
    classes : ndarray of shape (n_classes,)
        All the known classes.
    X : array-like
        Spectra.
    alpha : float
        Tolerated miss rate, in (0, 1).
    method : {"split", "cross"}
        One fold per spectrum (drawn by :func:`fold_draw`), or all pooled.
    random_state : int or None, default=None
        Seed of the fold draw.

    Returns
    -------
    sets : ndarray of bool, shape (n_samples, n_classes)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_raman.open_set._conformal import prediction_sets
    >>> X, y = np.array([[0.0], [0.2], [5.0], [5.2]]), np.array([0, 0, 1, 1])
    >>> model = LogisticRegression().fit(X, y)
    >>> prediction_sets([model], np.array([0.1, 0.2]), np.array([0, 0]),
    ...                 model.classes_, np.array([[0.1]]), alpha=0.5,
    ...                 method="cross").tolist()
    [[True, False]]
    """
    n_folds = len(fold_models)
    knows = np.stack([np.isin(classes, m.classes_) for m in fold_models])
    exceed = np.zeros((n_folds, _num_samples(X), len(classes)))
    n_held = np.zeros(n_folds)
    for fold, model in enumerate(fold_models):
        # a fold's model votes on the classes it was trained on only, as its
        # held-out scores are those of spectra of such classes
        nonconforming = np.ones(exceed.shape[1:])
        nonconforming[:, knows[fold]] = 1 - model.predict_proba(X)
        held = np.sort(scores[folds == fold])
        # held-out nonconformities >= the spectrum's, per class
        exceed[fold] = len(held) - np.searchsorted(held, nonconforming, "left")
        n_held[fold] = len(held)
    if method == "cross":
        count = np.einsum("fnc,fc->nc", exceed, knows)
        return (count + 1) / (knows.T @ n_held + 1) > alpha
    p_values = np.ones(exceed.shape[1:])  # a class no fold knows: in every set
    draw = fold_draw(X, random_state)
    for c in range(len(classes)):
        which = np.flatnonzero(knows[:, c])
        if len(which):
            fold = which[draw % len(which)]
            p_values[:, c] = (exceed[fold, np.arange(len(draw)), c] + 1) / (
                n_held[fold] + 1
            )
    return p_values > alpha


def final_sets(proba, scores, score_classes, classes, alpha: float) -> np.ndarray:
    """Sets of one model's probabilities against held-out nonconformities.

    Parameters
    ----------
    proba : ndarray of shape (n_samples, n_classes)
        The final model's probabilities.
    scores : ndarray of shape (n_calibration,)
        Held-out nonconformities ``1 - p(true class)``.
    score_classes : ndarray of shape (n_calibration,) or None
        The true class of each (Mondrian: a p-value per class from its own
        scores), or None (all pooled).
    classes : ndarray of shape (n_classes,)
        The columns of ``proba``.
    alpha : float
        Tolerated miss rate.

    Returns
    -------
    sets : ndarray of bool, shape (n_samples, n_classes)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.open_set._conformal import final_sets
    >>> proba = np.array([[0.7, 0.3], [0.5, 0.5]])
    >>> final_sets(proba, np.array([0.1, 0.2, 0.4, 0.6]), None,
    ...            np.array([0, 1]), alpha=0.3).tolist()
    [[True, False], [True, True]]
    """
    nonconforming = 1 - np.asarray(proba, dtype=float)
    p_values = np.ones_like(nonconforming)
    for c in range(len(classes)):
        held = scores if score_classes is None else scores[score_classes == classes[c]]
        held = np.sort(held)
        if len(held):  # a class of no held-out spectrum: in every set
            exceed = len(held) - np.searchsorted(held, nonconforming[:, c], "left")
            p_values[:, c] = (exceed + 1) / (len(held) + 1)
    return p_values > alpha


def fold_draw(X, random_state=None) -> np.ndarray:
    """A number per spectrum from its values: which fold calibrates it.

    Parameters
    ----------
    X : array-like, sparse matrix or list of ``(axis, intensities)`` pairs
        Spectra.
    random_state : int or None, default=None
        Key of the hash (not an int: 0).

    Returns
    -------
    draws : ndarray of uint64, shape (n_samples,)
        The same spectrum always draws the same number, whatever its batch.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.open_set._conformal import fold_draw
    >>> X = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> bool(fold_draw(X)[1] == fold_draw(X[1:])[0])
    True
    """
    seed = random_state if isinstance(random_state, Integral) else 0
    key = int(seed).to_bytes(8, "little", signed=True)
    if hasattr(X, "to_numpy"):
        X = X.to_numpy()
    if sparse.issparse(X):
        X = X.toarray()
    draws = []
    for row in X:
        digest = hashlib.blake2b(key=key, digest_size=8)
        # a ragged spectrum is a tuple (axis, intensities)
        for part in row if isinstance(row, tuple) else (row,):
            # + 0.0: -0.0 and 0.0 draw alike
            digest.update((np.asarray(part, dtype=np.float64) + 0.0).tobytes())
        draws.append(int.from_bytes(digest.digest(), "little"))
    return np.array(draws, dtype=np.uint64)
