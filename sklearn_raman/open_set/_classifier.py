"""OpenSetClassifier: any classifier that answers "unknown" below a calibrated score."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context, clone
from sklearn.utils import Bunch
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .._utils import unknown_label, with_unknown
from ._conformal import ConformalSetsMixin, estimator_has
from ._crossfit import calibrate, class_holdout_scores
from ._scores import SCORES, combine, decision_scores, fit_combiner


class OpenSetClassifier(ConformalSetsMixin, ClassifierMixin, BaseEstimator):
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
    novelty_score : {"auto", "max_proba", "energy", "max_logit", "margin", \
"embedding_distance", "embedding_knn", "mahalanobis", \
"relative_mahalanobis", "similarity", "combined"}, default="auto"
        The known-ness score: the largest class probability; from
        ``decision_function``, the energy (``logsumexp`` of the logits), the
        largest class score, or the lead of the best over the second best; on
        the embedding (``transform``: a deep classifier's penultimate layer)
        the cosine similarity to the nearest class centroid, to the 5th
        nearest training embedding, or minus the Mahalanobis distance to the
        nearest class mean (shared covariance, Ledoit-Wolf shrinkage), plain
        or relative to one Gaussian of all the training data; the best
        library similarity (library search); ``"combined"``: the score
        ``"auto"`` gives a classifier next to the Pearson correlation of the
        spectrum to its nearest training spectrum (a library search added to
        any classifier), each part standardised by its held-out known
        scores and capped at their median, and the two averaged, or, with
        ``calibration="classes"``,
        weighted by a logistic regression of held-out known against
        unseen-class scores (``combiner_``). ``"auto"`` chooses in
        :meth:`fit` from what the fitted model can do (a pipeline by its last
        step; ``novelty_score_``): ``"similarity"`` for library similarities
        (``class_scores``), ``"embedding_distance"`` for a deep network (an
        embedding ``transform`` and a torch ``module_``), ``"max_proba"`` for
        another model with ``predict_proba``, ``"margin"`` otherwise.
    target_recall : float, default=0.95
        Share of known-class spectra to accept: the threshold is the
        ``floor((n + 1) * (1 - target_recall))``-th smallest of the ``n``
        held-out known scores, so that a new spectrum of a known class,
        exchangeable with them, is accepted with probability at least
        ``target_recall`` (the smallest score where ``n`` < 19 at 0.95).
    calibration : {"known", "classes"}, default="known"
        What the threshold is calibrated on. ``"known"``: held-out spectra of
        known classes only; the guarantee is the known recall
        (``target_recall`` of new spectra of known classes accepted),
        nothing is measured about unknown materials. ``"classes"``: also
        whole classes held out of the cross-fitting (``cv`` more fits,
        :func:`~sklearn_raman.open_set._crossfit.class_holdout_scores`),
        whose scores are those of materials the model never saw; the
        share of them rejected at the threshold is measured
        (``unknown_rejection_``) and, with ``target_rejection``, aimed for.
        Needs 3 classes or more.
    target_rejection : float or None, default=None
        With ``calibration="classes"``: share of unseen-class spectra to
        reject. Where a threshold meets both targets on the held-out scores,
        the one midway between the two limits; where none does, the known
        recall wins and a warning says what rejection is reached. None: the
        known-recall threshold alone.
    unknown_label : str, int or None, default=None
        The label of rejected spectra; a class label raises naming it. None:
        ``-1`` for integer or float classes (one below the smallest class if
        -1 is a class), ``"unknown"`` for any others (it raises if a class is
        called so). Predictions keep the classes' dtype where the label fits
        it (strings widened to hold it, integers with integers, floats with
        numbers), else are of object dtype. The rule of
        :class:`~sklearn_raman.neighbors.LibrarySearchClassifier` too.
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
    novelty_score_ : str
        The known-ness score used (``novelty_score``, ``"auto"`` resolved).
    unknown_label_ : str or int
        The label given to rejected spectra.
    threshold_ : float
        Spectra scoring below it are predicted ``unknown_label``.
    calibration_scores_ : ndarray
        The held-out scores of known spectra the threshold comes from
        (combined, for ``"combined"``).
    combiner_ : dict or None
        For ``novelty_score="combined"``: ``center``, ``scale`` and
        ``weights`` of its two parts (the model's score, the library
        similarity); None for the other scores.
    conformal_scores_ : ndarray or None
        Held-out nonconformity ``1 - p(true class)`` of known spectra, for
        :meth:`predict_set` (None without ``predict_proba``).
    conformal_classes_ : ndarray or None
        The true class of each conformal score (for Mondrian sets).
    conformal_folds_ : ndarray or None
        The fold (index into ``fold_estimators_``) of each conformal score.
    fold_estimators_ : list of classifiers
        The cross-fitting's models, kept for :meth:`predict_set` (empty
        without ``predict_proba``).
    grouped_calibration_ : bool
        Whether the folds were drawn by sample (``fit(..., groups=)``).
    unknown_calibration_scores_ : ndarray or None
        Held-out scores of spectra of classes held out whole
        (``calibration="classes"``), else None.
    known_recall_ : float
        Share of the held-out known scores at or above the threshold.
    unknown_rejection_ : float
        Share of ``unknown_calibration_scores_`` below the threshold (NaN
        without them): the measured rejection of unseen materials.

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
    >>> clf.novelty_score_  # "auto": a model with predict_proba
    'max_proba'
    """

    # models saved before these parameters existed load with their defaults
    calibration = "known"
    target_rejection = None
    conformal_classes_ = None
    combiner_ = None

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "novelty_score": [StrOptions({"auto", *SCORES})],
        "target_recall": [Interval(Real, 0, 1, closed="right")],
        "calibration": [StrOptions({"known", "classes"})],
        "target_rejection": [Interval(Real, 0, 1, closed="neither"), None],
        "unknown_label": [str, Integral, None],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator,
        *,
        novelty_score: str = "auto",
        target_recall: float = 0.95,
        calibration: str = "known",
        target_rejection: float | None = None,
        unknown_label: str | int | None = None,
        cv: int = 5,
        random_state=None,
    ):
        self.estimator = estimator
        self.novelty_score = novelty_score
        self.target_recall = target_recall
        self.calibration = calibration
        self.target_rejection = target_rejection
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
            The calibrated classifier.
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
        self.unknown_label_ = unknown_label(np.unique(y), self.unknown_label)
        if len(y) < 2:
            raise ValueError(
                f"OpenSetClassifier needs 2 samples or more to calibrate; got "
                f"n_samples={len(y)}"
            )
        calibration = calibrate(
            self.estimator,
            X,
            y,
            groups,
            novelty_score=self.novelty_score,
            cv=self.cv,
            random_state=self.random_state,
        )
        self.calibration_scores_ = calibration.scores
        self.conformal_scores_ = calibration.conformal_scores
        self.conformal_folds_ = calibration.conformal_folds
        self.conformal_classes_ = calibration.conformal_classes
        self.fold_estimators_ = calibration.fold_models
        self.grouped_calibration_ = groups is not None
        if not len(self.calibration_scores_):
            raise ValueError("no held-out spectrum of a known class to calibrate on")
        unseen = None
        if self.calibration == "classes":
            unseen, _ = class_holdout_scores(
                self.estimator,
                X,
                y,
                groups,
                novelty_score=calibration.novelty_score,
                cv=self.cv,
                random_state=self.random_state,
            )
        elif self.target_rejection is not None:
            raise ValueError(
                "target_rejection needs calibration='classes' (scores of classes "
                "held out whole to aim the rejection at)"
            )
        self.combiner_ = None
        if self.calibration_scores_.ndim == 2:  # a score of parts: combine them
            self.combiner_ = fit_combiner(self.calibration_scores_, unseen)
            self.calibration_scores_ = combine(self.combiner_, self.calibration_scores_)
            if unseen is not None:
                unseen = combine(self.combiner_, unseen)
        self.unknown_calibration_scores_ = unseen
        self.threshold_ = self._threshold(self.calibration_scores_, unseen)
        self.known_recall_ = float(np.mean(self.calibration_scores_ >= self.threshold_))
        self.unknown_rejection_ = (
            float("nan") if unseen is None else float(np.mean(unseen < self.threshold_))
        )
        self.estimator_ = clone(self.estimator).fit(X, y)
        self.novelty_score_ = calibration.novelty_score
        self._scorer = SCORES[self.novelty_score_]()
        self._score_state = self._scorer.fit(self.estimator_, X, y)
        self.classes_ = self.estimator_.classes_
        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        return self

    def _threshold(self, known, unseen) -> float:
        """The known-recall threshold, moved for ``target_rejection`` if it can be."""
        # the k-th smallest of n held-out scores, k = floor((n + 1)(1 - r)):
        # a new exchangeable known spectrum scores at or above it with
        # probability >= r (the conformal rank; the smallest where n is
        # too small for it)
        ranked = np.sort(known)
        k = int(np.floor((len(ranked) + 1) * (1 - self.target_recall) + 1e-9))
        recall = float(ranked[max(k, 1) - 1])
        if unseen is None or self.target_rejection is None:
            return recall
        # the least threshold that rejects target_rejection of the unseen
        reject = float(
            np.nextafter(
                np.quantile(unseen, self.target_rejection, method="inverted_cdf"),
                np.inf,
            )
        )
        if reject <= recall:
            return (reject + recall) / 2  # both met, each with a margin
        warnings.warn(
            f"OpenSetClassifier: no threshold accepts {self.target_recall:.0%} of "
            f"held-out known spectra and rejects {self.target_rejection:.0%} of "
            "unseen classes; the known recall is kept and rejects "
            f"{np.mean(unseen < recall):.1%} of the unseen classes. A better "
            "known-ness score (novelty_score) or more references may separate "
            "them",
            UserWarning,
            stacklevel=3,
        )
        return recall

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
        scores = self._scorer(self.estimator_, self._score_state, X)
        if self.combiner_ is not None:
            scores = combine(self.combiner_, scores)
        return scores

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
        return self.reject(self.estimator_.predict(X), self.score_samples(X))

    def reject(self, y_pred, scores) -> np.ndarray:
        """Verdicts from computed predictions and known-ness scores.

        Parameters
        ----------
        y_pred : array-like of shape (n_samples,)
            Predictions of ``estimator_``.
        scores : array-like of shape (n_samples,)
            Their :meth:`score_samples`.

        Returns
        -------
        verdicts : ndarray of shape (n_samples,)
            ``y_pred`` with ``unknown_label_`` where ``scores`` are below
            ``threshold_``, in the dtype :meth:`predict` gives.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn_raman import make_spectra
        >>> from sklearn_raman.open_set import OpenSetClassifier
        >>> X, y = make_spectra(n_classes=3, n_samples_per_class=20, random_state=0)
        >>> clf = OpenSetClassifier(LogisticRegression(max_iter=1000)).fit(X, y)
        >>> clf.reject(np.array([0, 1]), [1.0, clf.threshold_ - 1]).tolist()
        [0, -1]
        """
        check_is_fitted(self, "threshold_")
        below = np.asarray(scores) < self.threshold_
        return with_unknown(y_pred, below, self.unknown_label_)

    def identify(self, X, top: int = 5, alpha: float | None = 0.05) -> Bunch:
        """Best matches, known-ness, verdict and prediction set of each spectrum.

        The final model's class scores are computed once and give the top
        matches and, where the known-ness score is a function of them
        (``max_proba`` of the probabilities; ``energy``, ``max_logit``,
        ``margin`` of the decision scores), the known-ness too; the verdict
        takes the model's own ``predict`` (one more pass). The prediction sets
        are :meth:`predict_set`'s (the cross-fitted models'); where one is not
        empty and lacks the final model's top match, the top match is added
        (``top_added``): a superset keeps the coverage, and matches, set and
        verdict agree. An empty set means the spectrum matches no known class
        at this alpha. ``verdicts`` equal :meth:`predict`.

        Parameters
        ----------
        X : array-like
            Spectra.
        top : int, default=5
            Matches per spectrum (at most the number of classes).
        alpha : float or None, default=0.05
            Miss rate of the prediction sets; None: none computed.

        Returns
        -------
        result : :class:`~sklearn.utils.Bunch`
            ``top_classes`` and ``top_scores`` (n_samples, k), best first;
            ``score_kind``: ``"probability"`` (``predict_proba``) or
            ``"decision"`` (``decision_function``, a one-column one as
            ``[-s, s]``); ``novelty`` (n_samples,), the
            :meth:`score_samples`; ``verdicts`` (n_samples,), the
            :meth:`predict`; ``prediction_sets``, bool (n_samples,
            n_classes), or None without ``predict_proba`` or ``alpha``;
            ``top_added``, bool (n_samples,): the top match was added to the
            set (None without sets).

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
        >>> clf.fit(X[known], y[known])
        OpenSetClassifier(estimator=LogisticRegression(max_iter=1000), random_state=0)
        >>> result = clf.identify(X[[2, 0]], top=2, alpha=0.1)  # albite, calcite
        >>> result.score_kind, result.verdicts.tolist()
        ('probability', ['albite', 'unknown'])
        >>> result.top_classes[0].tolist(), result.top_scores.shape
        (['albite', 'gypsum'], (2, 2))
        >>> clf.classes_[result.prediction_sets[0]].tolist()
        ['albite']
        """
        check_is_fitted(self, "estimator_")
        if not isinstance(top, Integral) or top < 1:
            raise ValueError(f"top must be an integer >= 1; got {top!r}")
        if hasattr(self.estimator_, "predict_proba"):
            scores, kind = self.estimator_.predict_proba(X), "probability"
        else:
            scores, kind = decision_scores(self.estimator_, X), "decision"
        if self._scorer.kind == kind:
            novelty = self._scorer.reduce(scores)
        else:
            novelty = self.score_samples(X)
        order = np.argsort(-scores, axis=1, kind="stable")[:, : int(top)]
        sets = added = None
        if alpha is not None and self.conformal_scores_ is not None:
            sets = self.predict_set(X, alpha=alpha)
            # the top match comes from the final model, the set from the
            # fold models: a non-empty set without the top match gets it
            # (a superset: the coverage holds) and says so
            top_col = order[:, 0]
            rows = np.arange(len(top_col))
            added = sets.any(axis=1) & ~sets[rows, top_col]
            sets[rows[added], top_col[added]] = True
        return Bunch(
            top_classes=self.classes_[order],
            top_scores=np.take_along_axis(scores, order, axis=1),
            score_kind=kind,
            novelty=novelty,
            verdicts=self.reject(self.estimator_.predict(X), novelty),
            prediction_sets=sets,
            top_added=added,
        )

    @available_if(estimator_has("predict_proba"))
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

    @available_if(estimator_has("decision_function"))
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
