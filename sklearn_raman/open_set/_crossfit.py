"""Cross-fitting: models trained on part of the data, scored on the rest.

The one core under the open-set threshold and the conformal prediction sets
of :class:`~sklearn_raman.open_set.OpenSetClassifier`: :func:`calibrate`
scores the held-out spectra of the same fold models for both, so no spectrum
is set aside.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import KFold, StratifiedGroupKFold, StratifiedKFold
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import column_or_1d

from ._conformal import nonconformity
from ._scores import SCORES, auto_score


class Fold(NamedTuple):
    """One fold of the cross-fitting: a fitted model and its two sides."""

    model: object
    X_train: object
    y_train: np.ndarray
    X_test: object
    y_test: np.ndarray
    #: held-out spectra of a class the model trained on (the others are no
    #: known class of it)
    known: np.ndarray


def splitter(y: np.ndarray, groups, cv: int, random_state):
    """The folds: by sample with ``groups``, stratified where classes allow.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Class labels.
    groups : array-like of shape (n_samples,) or None
        Sample ids: each sample stays on one side (``StratifiedGroupKFold``).
    cv : int
        Folds at most (fewer where a class, or the groups, are fewer).
    random_state : int, RandomState instance or None
        Shuffling of the folds.

    Returns
    -------
    folds : cross-validation splitter
    groups : ndarray or None
        ``groups`` as a checked 1-d array.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.open_set._crossfit import splitter
    >>> folds, _ = splitter(np.array([0, 0, 0, 1, 1, 1]), None, 5, 0)
    >>> type(folds).__name__, folds.get_n_splits()
    ('StratifiedKFold', 3)
    """
    counts = np.unique(y, return_counts=True)[1]
    if groups is not None:
        groups = column_or_1d(groups)
        if len(groups) != len(y):
            raise ValueError(f"{len(groups)} groups for {len(y)} samples")
        n_groups = len(np.unique(groups))
        if n_groups < 2:
            raise ValueError("groups: 2 samples or more are needed to calibrate")
        folds = StratifiedGroupKFold(
            min(cv, n_groups), shuffle=True, random_state=random_state
        )
    elif counts.min() >= 2:
        folds = StratifiedKFold(
            min(cv, counts.min()), shuffle=True, random_state=random_state
        )
    else:  # a class of one spectrum: plain folds
        folds = KFold(min(cv, len(y)), shuffle=True, random_state=random_state)
    return folds, groups


def cross_fit(
    estimator, X, y: np.ndarray, groups=None, *, cv: int = 5, random_state=None
) -> Iterator[Fold]:
    """Fit a clone of ``estimator`` per fold, one fold at a time.

    Parameters
    ----------
    estimator : classifier
        Cloned for every fold; never modified.
    X : array-like or list of spectra
        Indexable by rows (``sklearn.utils._safe_indexing``).
    y : ndarray of shape (n_samples,)
        Class labels.
    groups : array-like of shape (n_samples,), default=None
        Sample ids (see :func:`splitter`).
    cv : int, default=5
        Folds at most.
    random_state : int, RandomState instance or None, default=None
        Shuffling of the folds.

    Yields
    ------
    fold : Fold
        The fitted model, its training and held-out data, and which held-out
        spectra are of a class it knows.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_raman.open_set._crossfit import cross_fit
    >>> X, y = np.arange(12.0).reshape(-1, 1), np.repeat([0, 1], 6)
    >>> folds = list(cross_fit(LogisticRegression(), X, y, cv=3, random_state=0))
    >>> len(folds), sum(len(f.y_test) for f in folds)
    (3, 12)
    """
    folds, groups = splitter(y, groups, cv, random_state)
    for train, test in folds.split(np.zeros(len(y)), y, groups):
        X_train, X_test = _safe_indexing(X, train), _safe_indexing(X, test)
        model = clone(estimator).fit(X_train, y[train])
        known = np.isin(y[test], y[train])
        yield Fold(model, X_train, y[train], X_test, y[test], known)


def _held_out_scores(name, model, X_train, y_train, X_test, proba=None):
    """Known-ness ``name`` of a fold model on its held-out spectra.

    ``proba``: the model's ``predict_proba(X_test)`` where already computed.
    """
    scorer = SCORES[name]()
    state = scorer.fit(model, X_train, y_train)
    if scorer.kind == "probability":
        return scorer.reduce(model.predict_proba(X_test) if proba is None else proba)
    return scorer(model, state, X_test)


class Calibration(NamedTuple):
    """What :func:`calibrate` learns from the held-out spectra."""

    #: the known-ness score (``"auto"`` resolved)
    novelty_score: str
    #: held-out known-ness scores of spectra of classes their model knows
    scores: np.ndarray
    #: held-out ``1 - p(true class)`` of the same spectra (None: no
    #: ``predict_proba``), and the index into ``fold_models`` of each
    conformal_scores: np.ndarray | None
    conformal_folds: np.ndarray | None
    #: the fold models (empty without ``predict_proba``)
    fold_models: list
    #: the true class of each conformal score (None: no ``predict_proba``)
    conformal_classes: np.ndarray | None = None


def calibrate(
    estimator,
    X,
    y: np.ndarray,
    groups=None,
    *,
    novelty_score: str = "auto",
    cv: int = 5,
    random_state=None,
) -> Calibration:
    """Held-out known-ness and conformal scores of a cross-fitting.

    Parameters
    ----------
    estimator : classifier
        Cloned for every fold.
    X : array-like or list of spectra
        Indexable by rows.
    y : ndarray of shape (n_samples,)
        Class labels.
    groups : array-like of shape (n_samples,), default=None
        Sample ids (see :func:`splitter`).
    novelty_score : str, default="auto"
        A key of :data:`~sklearn_raman.open_set.SCORES`, or ``"auto"``
        (:func:`~sklearn_raman.open_set._scores.auto_score` of the first fold
        model: every fold model can do the same).
    cv : int, default=5
        Folds at most.
    random_state : int, RandomState instance or None, default=None
        Shuffling of the folds.

    Returns
    -------
    calibration : Calibration

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_raman.open_set._crossfit import calibrate
    >>> X, y = np.arange(12.0).reshape(-1, 1), np.repeat([0, 1], 6)
    >>> result = calibrate(LogisticRegression(), X, y, cv=3, random_state=0)
    >>> result.novelty_score, result.scores.shape, len(result.fold_models)
    ('max_proba', (12,), 3)
    """
    name = None if novelty_score == "auto" else novelty_score
    held_out, conformal, fold_of, fold_models, truth = [], [], [], [], []
    for fold in cross_fit(estimator, X, y, groups, cv=cv, random_state=random_state):
        model, known = fold.model, fold.known
        name = name or auto_score(model)
        proba = None
        if hasattr(model, "predict_proba"):  # one forward for both scores
            proba = model.predict_proba(fold.X_test)
        held_out.append(
            _held_out_scores(
                name, model, fold.X_train, fold.y_train, fold.X_test, proba
            )[known]
        )
        if proba is not None:
            conformal.append(
                nonconformity(proba[known], model.classes_, fold.y_test[known])
            )
            fold_of.append(np.full(int(known.sum()), len(fold_models)))
            truth.append(fold.y_test[known])
            fold_models.append(model)
    return Calibration(
        name,
        np.concatenate(held_out),
        np.concatenate(conformal) if conformal else None,
        np.concatenate(fold_of) if fold_of else None,
        fold_models,
        np.concatenate(truth) if truth else None,
    )


def class_holdout_scores(
    estimator,
    X,
    y: np.ndarray,
    groups=None,
    *,
    novelty_score: str,
    cv: int = 5,
    random_state=None,
) -> tuple[np.ndarray, np.ndarray]:
    """Known-ness scores of whole classes the fold models never saw.

    The classes are dealt into ``min(cv, n_classes)`` groups (more where a
    group would leave fewer than 2 classes to train on); fold ``f``
    trains on the other classes (all their spectra) and scores every
    spectrum of group ``f``: the scores of unknown materials, as a lab meets
    them.

    Parameters
    ----------
    estimator : classifier
        Cloned for every fold.
    X : array-like or list of spectra
        Indexable by rows.
    y : ndarray of shape (n_samples,)
        Class labels (at least 3 classes: a fold trains on 2 or more).
    groups : array-like of shape (n_samples,), default=None
        Unused: a held-out class is new whole, sample by sample.
    novelty_score : str
        A key of :data:`~sklearn_raman.open_set.SCORES` (resolved, not
        ``"auto"``).
    cv : int, default=5
        Class groups at most.
    random_state : int, RandomState instance or None, default=None
        The dealing of the classes.

    Returns
    -------
    scores : ndarray of shape (n_held_out,)
        Held-out known-ness scores of spectra of unseen classes.
    classes : ndarray of shape (n_held_out,)
        The class of each.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_raman.open_set._crossfit import class_holdout_scores
    >>> X = np.r_[np.zeros(4), np.ones(4), 2 * np.ones(4)].reshape(-1, 1)
    >>> y = np.repeat([0, 1, 2], 4)
    >>> scores, classes = class_holdout_scores(
    ...     LogisticRegression(), X, y, novelty_score="max_proba", cv=3)
    >>> scores.shape, sorted(set(classes.tolist()))
    ((12,), [0, 1, 2])
    """
    from sklearn.utils import check_random_state

    classes = np.unique(y)
    if len(classes) < 3:
        raise ValueError(
            "calibration='classes' holds whole classes out of the cross-fitting "
            f"and needs at least 3 classes; got {len(classes)}"
        )
    order = check_random_state(random_state).permutation(classes)
    n_groups = min(cv, len(classes))
    while -(-len(classes) // n_groups) > len(classes) - 2:  # 2 classes left
        n_groups += 1
    scores, held = [], []
    for part in np.array_split(order, n_groups):
        unseen = np.isin(y, part)
        train, test = np.flatnonzero(~unseen), np.flatnonzero(unseen)
        X_train, X_test = _safe_indexing(X, train), _safe_indexing(X, test)
        model = clone(estimator).fit(X_train, y[train])
        scores.append(_held_out_scores(novelty_score, model, X_train, y[train], X_test))
        held.append(y[test])
    return np.concatenate(scores), np.concatenate(held)
