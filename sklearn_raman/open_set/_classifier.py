"""OpenSetClassifier: any classifier that answers "unknown" below a calibrated score."""

from __future__ import annotations

import hashlib
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context, clone
from sklearn.model_selection import KFold, StratifiedGroupKFold, StratifiedKFold
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _num_samples, check_is_fitted, column_or_1d

from ._scores import SCORES


def _estimator_has(name: str):
    def check(self):
        return hasattr(
            self.estimator_ if hasattr(self, "estimator_") else self.estimator, name
        )

    return check


class OpenSetClassifier(ClassifierMixin, BaseEstimator):
    """A classifier that predicts ``unknown_label`` for spectra of no known class.

    Wraps any classifier of the package (a deep classifier, a
    :class:`~sklearn_raman.neighbors.LibrarySearchClassifier`, a pipeline) and
    rejects predictions whose known-ness score falls below a threshold. The
    threshold is calibrated in :meth:`fit` by cross-fitting: ``cv`` models are
    trained on part of the data and scored on the rest, and the threshold is
    set so that ``target_recall`` of those held-out known spectra are accepted;
    then the model is trained on all the data. No spectrum is set aside.

    Parameters
    ----------
    estimator : classifier
        The classifier to wrap (cloned; never modified).
    novelty_score : {"max_proba", "energy", "max_logit", "margin", \
"embedding_distance", "similarity"}, default="max_proba"
        The known-ness score: the largest class probability; from
        ``decision_function``, the energy (``logsumexp`` of the logits), the
        largest class score, or the lead of the best over the second best; the
        cosine similarity of the embedding (``transform``: a deep
        classifier's penultimate layer) to the nearest class centroid; the
        best library similarity (library search).
    target_recall : float, default=0.95
        Share of known-class spectra to accept (on held-out data).
    unknown_label : str, int or None, default=None
        The label of rejected spectra; must not be a class label. None:
        ``"unknown"`` for string class labels, ``-1`` for integer ones (one
        below the smallest class if -1 is a class), so predictions keep the
        labels' dtype.
    cv : int, default=5
        Folds of the cross-fitting (fewer where a class has fewer spectra).
        Training costs ``cv + 1`` fits.
    random_state : int, RandomState instance or None, default=None
        Shuffling of the folds.

    Attributes
    ----------
    estimator_ : classifier
        The classifier trained on all the data.
    classes_ : ndarray
        The known classes (``unknown_label`` is not among them).
    unknown_label_ : str or int
        The label given to rejected spectra.
    threshold_ : float
        Spectra scoring below it are predicted ``unknown_label``.
    calibration_scores_ : ndarray
        The held-out scores of known spectra the threshold comes from.
    conformal_scores_ : ndarray or None
        Held-out nonconformity ``1 - p(true class)`` of known spectra, for
        :meth:`predict_set` (None without ``predict_proba``).
    conformal_folds_ : ndarray or None
        The fold (index into ``fold_estimators_``) of each conformal score.
    fold_estimators_ : list of classifiers
        The cross-fitting's models, kept for :meth:`predict_set` (empty
        without ``predict_proba``).
    grouped_calibration_ : bool
        Whether the folds were drawn by sample (``fit(..., groups=)``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.open_set import OpenSetClassifier
    >>> X, y = make_spectra(n_classes=4, n_samples_per_class=20, random_state=0)
    >>> y = np.array(["albite", "calcite", "gypsum", "quartz"])[y]
    >>> known = y != "calcite"  # one mineral left out of training
    >>> clf = OpenSetClassifier(LogisticRegression(max_iter=1000), random_state=0)
    >>> clf.fit(X[known], y[known]).predict(X[~known][:3]).tolist()
    ['unknown', 'unknown', 'unknown']
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "novelty_score": [StrOptions(set(SCORES))],
        "target_recall": [Interval(Real, 0, 1, closed="right")],
        "unknown_label": [str, Integral, None],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator,
        *,
        novelty_score: str = "max_proba",
        target_recall: float = 0.95,
        unknown_label: str | int | None = None,
        cv: int = 5,
        random_state=None,
    ):
        self.estimator = estimator
        self.novelty_score = novelty_score
        self.target_recall = target_recall
        self.unknown_label = unknown_label
        self.cv = cv
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, groups=None):
        """Calibrate the rejection threshold by cross-fitting, then train on all.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points), or what the estimator takes
            Spectra (a list of ``(wavenumbers, intensities)`` pairs for a
            pipeline starting with a resampler).
        y : array-like of shape (n_samples,)
            Class labels.
        groups : array-like of shape (n_samples,), default=None
            Sample ids (e.g. RRUFF ids, a map's file): the cross-fitting keeps
            each sample on one side (``StratifiedGroupKFold``), so the held-out
            scores are those of new samples, as at prediction time. Without
            them, spectra of one sample on both sides make the held-out scores
            optimistic and the threshold too strict for new samples.

        Returns
        -------
        self : object
        """
        if sparse.issparse(X):
            raise TypeError(
                "OpenSetClassifier does not take sparse input: pass spectra as a "
                "dense array"
            )
        if hasattr(X, "__array__") and not hasattr(X, "iloc"):
            X = np.asarray(X)  # array-likes that cannot be indexed by rows
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        classes, counts = np.unique(y, return_counts=True)
        self.unknown_label_ = self._unknown(classes)
        if np.any(classes.astype(object) == self.unknown_label_):
            raise ValueError(
                f"unknown_label={self.unknown_label_!r} is one of the class labels; "
                "choose another"
            )
        if len(y) < 2:
            raise ValueError(
                f"OpenSetClassifier needs 2 samples or more to calibrate; got "
                f"n_samples={len(y)}"
            )
        scorer = SCORES[self.novelty_score]()
        if groups is not None:
            groups = column_or_1d(groups)
            if len(groups) != len(y):
                raise ValueError(f"{len(groups)} groups for {len(y)} samples")
            n_groups = len(np.unique(groups))
            if n_groups < 2:
                raise ValueError("groups: 2 samples or more are needed to calibrate")
            folds = StratifiedGroupKFold(
                min(self.cv, n_groups), shuffle=True, random_state=self.random_state
            )
        elif counts.min() >= 2:
            folds = StratifiedKFold(
                min(self.cv, counts.min()), shuffle=True, random_state=self.random_state
            )
        else:  # a class of one spectrum: plain folds
            folds = KFold(
                min(self.cv, len(y)), shuffle=True, random_state=self.random_state
            )
        held_out, nonconformity, fold_of, fold_models = [], [], [], []
        for train, test in folds.split(np.zeros(len(y)), y, groups):
            X_train, X_test = _safe_indexing(X, train), _safe_indexing(X, test)
            model = clone(self.estimator).fit(X_train, y[train])
            state = scorer.fit(model, X_train, y[train])
            # a class absent from this fold's training is no known class of it
            known = np.isin(y[test], y[train])
            held_out.append(scorer(model, state, X_test)[known])
            if hasattr(model, "predict_proba"):
                proba = model.predict_proba(X_test)[known]
                column = np.searchsorted(model.classes_, y[test][known])
                nonconformity.append(1 - proba[np.arange(len(proba)), column])
                fold_of.append(np.full(len(proba), len(fold_models)))
                fold_models.append(model)
        self.calibration_scores_ = np.concatenate(held_out)
        self.conformal_scores_ = (
            np.concatenate(nonconformity) if nonconformity else None
        )
        self.conformal_folds_ = np.concatenate(fold_of) if fold_of else None
        self.fold_estimators_ = fold_models
        self.grouped_calibration_ = groups is not None
        if not len(self.calibration_scores_):
            raise ValueError("no held-out spectrum of a known class to calibrate on")
        self.threshold_ = float(
            np.quantile(
                self.calibration_scores_, 1 - self.target_recall, method="lower"
            )
        )
        self.estimator_ = clone(self.estimator).fit(X, y)
        self._scorer = scorer
        self._score_state = scorer.fit(self.estimator_, X, y)
        self.classes_ = self.estimator_.classes_
        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        return self

    def _unknown(self, classes: np.ndarray):
        if self.unknown_label is not None:
            return self.unknown_label
        if classes.dtype.kind in "iu":
            return -1 if -1 not in classes else int(classes.min()) - 1
        return "unknown"

    def score_samples(self, X) -> np.ndarray:
        """Known-ness score of each spectrum (higher: more like a known class).

        Parameters
        ----------
        X : array-like
            Spectra.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Below ``threshold_``: predicted ``unknown_label``.
        """
        check_is_fitted(self, "estimator_")
        return self._scorer(self.estimator_, self._score_state, X)

    def predict(self, X) -> np.ndarray:
        """The class of each spectrum, or ``unknown_label`` below the threshold.

        Parameters
        ----------
        X : array-like
            Spectra.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Of the classes' dtype where ``unknown_label`` fits it (strings with
            strings, integers with integers), else of object dtype.
        """
        check_is_fitted(self, "estimator_")
        return self._reject(self.estimator_.predict(X), self.score_samples(X))

    def _reject(self, y_pred, scores: np.ndarray) -> np.ndarray:
        """``y_pred`` with ``unknown_label_`` where ``scores`` are below threshold."""
        y_pred = np.asarray(y_pred)
        unknown = scores < self.threshold_
        label = np.asarray([self.unknown_label_])
        if y_pred.dtype.kind in "US" and label.dtype.kind in "US":
            out = y_pred.astype(np.result_type(y_pred, label))
        elif y_pred.dtype.kind in "iu" and label.dtype.kind in "iu":
            out = y_pred.copy()
        else:
            out = y_pred.astype(object)
        out[unknown] = self.unknown_label_
        return out

    @available_if(_estimator_has("predict_proba"))
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
            ``"split"`` otherwise.

        Returns
        -------
        sets : ndarray of bool, shape (n_samples, n_classes)
            ``sets[i, j]``: class ``classes_[j]`` is in the set of spectrum ``i``.
        """
        check_is_fitted(self, "estimator_")
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must be in (0, 1); got {alpha!r}")
        if method not in ("auto", "split", "cross"):
            raise ValueError(
                f"method must be 'auto', 'split' or 'cross'; got {method!r}"
            )
        if method == "auto":
            method = "cross" if self.grouped_calibration_ else "split"
        n_folds = len(self.fold_estimators_)
        knows = np.stack(
            [np.isin(self.classes_, m.classes_) for m in self.fold_estimators_]
        )
        exceed = np.zeros((n_folds, _num_samples(X), len(self.classes_)))
        n_held = np.zeros(n_folds)
        for fold, model in enumerate(self.fold_estimators_):
            # a fold's model votes on the classes it was trained on only, as
            # its held-out scores are those of spectra of such classes
            nonconformity = np.ones(exceed.shape[1:])
            nonconformity[:, knows[fold]] = 1 - model.predict_proba(X)
            held = np.sort(self.conformal_scores_[self.conformal_folds_ == fold])
            # held-out nonconformities >= the spectrum's, per class
            exceed[fold] = len(held) - np.searchsorted(held, nonconformity, "left")
            n_held[fold] = len(held)
        if method == "cross":
            count = np.einsum("fnc,fc->nc", exceed, knows)
            return (count + 1) / (knows.T @ n_held + 1) > alpha
        p_values = np.ones(exceed.shape[1:])  # a class no fold knows: in every set
        draw = self._fold_draw(X)
        for c in range(len(self.classes_)):
            folds = np.flatnonzero(knows[:, c])
            if len(folds):
                fold = folds[draw % len(folds)]
                p_values[:, c] = (exceed[fold, np.arange(len(draw)), c] + 1) / (
                    n_held[fold] + 1
                )
        return p_values > alpha

    def _fold_draw(self, X) -> np.ndarray:
        """A number per spectrum from its values: which fold calibrates it."""
        seed = self.random_state if isinstance(self.random_state, Integral) else 0
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

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X) -> np.ndarray:
        """Probabilities of the known classes (the wrapped model's).

        Parameters
        ----------
        X : array-like
            Spectra.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X) -> np.ndarray:
        """Class scores of the wrapped model.

        Parameters
        ----------
        X : array-like
            Spectra.

        Returns
        -------
        scores : ndarray
            The wrapped model's ``decision_function``.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.decision_function(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = self.estimator.__sklearn_tags__()
        tags.input_tags = inner.input_tags
        tags.input_tags.sparse = False  # folds index rows of dense spectra
        return tags
