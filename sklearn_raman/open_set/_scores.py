"""Known-ness scores of a fitted classifier's predictions: higher = more known.

Each score is fitted on the training data of the model it scores (e.g. class
centroids of the embedding), then evaluated on new spectra.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

from .._utils import decision_columns, final_estimator


def auto_score(model) -> str:
    """The known-ness score a fitted ``model`` is best served by.

    Decided from what the model can do (a pipeline by its last step), never
    from its class name: ``"similarity"`` for library similarities
    (``class_scores``, as :class:`~sklearn_raman.neighbors.LibrarySearchClassifier`);
    ``"embedding_distance"`` for a deep network (an embedding ``transform``
    and a fitted torch ``module_``), whose softmax stays confident far from
    the training data (MMPSD FTIR, PET held out: ``max_proba`` rejected 0 of
    39 spectra, the embedding all 39); ``"max_proba"`` for any other model
    with ``predict_proba``; ``"margin"`` otherwise.

    Parameters
    ----------
    model : fitted classifier or Pipeline

    Returns
    -------
    name : str
        A key of :data:`SCORES`.

    Examples
    --------
    >>> from sklearn.svm import LinearSVC
    >>> from sklearn_raman.open_set._scores import auto_score
    >>> auto_score(LinearSVC().fit([[0.0], [1.0]], [0, 1]))
    'margin'
    """
    final, _ = final_estimator(model)
    if hasattr(final, "class_scores"):
        return "similarity"
    if hasattr(model, "transform") and hasattr(final, "module_"):
        return "embedding_distance"
    return "max_proba" if hasattr(model, "predict_proba") else "margin"


class MaxProba:
    """The largest predicted class probability (softmax confidence)."""

    name = "max_proba"
    #: the class scores it reduces (see ``reduce``)
    kind = "probability"

    def fit(self, model, X, y):
        if not hasattr(model, "predict_proba"):
            raise ValueError(
                "novelty_score='max_proba' needs predict_proba; "
                f"{type(model).__name__} "
                "has none (try novelty_score='energy' with a decision_function)"
            )
        return None

    @staticmethod
    def reduce(proba: np.ndarray) -> np.ndarray:
        return proba.max(axis=1)

    def __call__(self, model, state, X) -> np.ndarray:
        return self.reduce(model.predict_proba(X))


def decision_scores(model, X) -> np.ndarray:
    """``model.decision_function(X)`` as (n_samples, n_classes) float64.

    For two classes scikit-learn returns one margin ``s``; it becomes
    ``[-s, s]`` (:func:`~sklearn_raman._utils.decision_columns`).
    """
    return decision_columns(model.decision_function(X))


class _DecisionScore:
    """A score of the class scores of ``decision_function`` (logits, margins).

    Subclasses define ``reduce(columns) -> (n_samples,)``.
    """

    name = ""
    kind = "decision"

    def fit(self, model, X, y):
        if not hasattr(model, "decision_function"):
            raise ValueError(
                f"novelty_score={self.name!r} needs a decision_function; "
                f"{type(model).__name__} has none"
            )
        return None

    def __call__(self, model, state, X) -> np.ndarray:
        return self.reduce(decision_scores(model, X))


class Energy(_DecisionScore):
    """``logsumexp`` of the logits: Liu et al. (2020)'s energy.

    Made for networks' logits; on one-vs-rest SVM margins it separated nothing
    on RRUFF (AUROC 0.51, where ``margin`` gave 0.93).
    """

    name = "energy"

    @staticmethod
    def reduce(scores: np.ndarray) -> np.ndarray:
        return logsumexp(scores, axis=1)


class MaxLogit(_DecisionScore):
    """The largest class score (a CNN's max logit, an SVM's best margin)."""

    name = "max_logit"

    @staticmethod
    def reduce(scores: np.ndarray) -> np.ndarray:
        return scores.max(axis=1)


class Margin(_DecisionScore):
    """The lead of the best class score over the second best."""

    name = "margin"

    @staticmethod
    def reduce(scores: np.ndarray) -> np.ndarray:
        top = np.sort(scores, axis=1)
        return top[:, -1] - top[:, -2]


class EmbeddingDistance:
    """Cosine similarity of the embedding to the nearest class centroid.

    The embedding is the model's ``transform`` (a deep classifier's
    penultimate layer; a pipeline's steps up to and including it).
    """

    name = "embedding_distance"
    kind = None  # not a function of the class scores

    def fit(self, model, X, y):
        if not hasattr(model, "transform"):
            raise ValueError(
                f"novelty_score='embedding_distance' needs an embedding (transform); "
                f"{type(model).__name__} has none"
            )
        emb = _normalise(model.transform(X))
        y = np.asarray(y)
        classes = np.unique(y)
        return _normalise(np.stack([emb[y == c].mean(axis=0) for c in classes]))

    def __call__(self, model, centroids, X) -> np.ndarray:
        return (_normalise(model.transform(X)) @ centroids.T).max(axis=1)


def _embedding(model, X, name: str) -> np.ndarray:
    if not hasattr(model, "transform"):
        raise ValueError(
            f"novelty_score={name!r} needs an embedding (transform); "
            f"{type(model).__name__} has none"
        )
    return np.asarray(model.transform(X), dtype=np.float64)


class EmbeddingKNN:
    """Cosine similarity of the embedding to its k-th nearest training embedding.

    Not to a class centroid but to the training spectra themselves: a class
    spread over several modes (minerals of several samples, a polymer
    weathered or not) keeps each mode, where its centroid may lie between
    them. ``k`` = 5 (at most the number of training spectra).
    """

    name = "embedding_knn"
    kind = None
    k = 5

    def fit(self, model, X, y):
        return _normalise(_embedding(model, X, self.name))

    def __call__(self, model, train, X) -> np.ndarray:
        query = _normalise(_embedding(model, X, self.name))
        return nearest_similarity(query, train, self.k)


class Mahalanobis:
    """Minus the smallest Mahalanobis distance of the embedding to a class mean.

    Class means and one covariance shared by the classes, shrunk by
    Ledoit-Wolf (an embedding has about as many dimensions as a small
    library has spectra, where the sample covariance is singular); as Lee et
    al. (2018) score a network's features.
    """

    name = "mahalanobis"
    kind = None
    relative = False

    def fit(self, model, X, y):
        from sklearn.covariance import LedoitWolf

        emb = _embedding(model, X, self.name)
        # distances by matrix products lose digits far from the origin:
        # measured from the training mean instead
        offset = emb.mean(axis=0)
        emb = emb - offset
        y = np.asarray(y)
        classes = np.unique(y)
        means = np.stack([emb[y == c].mean(axis=0) for c in classes])
        centred = emb - means[np.searchsorted(classes, y)]
        if not np.any(centred):
            raise ValueError(
                f"novelty_score={self.name!r} needs classes of 2 spectra or more "
                "in training (no spread within a class to estimate a covariance "
                "from); use 'embedding_distance' or more references"
            )
        # the class means took one degree of freedom per class: unbiased for
        # small classes (n / (n - k) on the covariance)
        n, k = len(emb), len(classes)
        precision = LedoitWolf(assume_centered=True).fit(centred).precision_
        precision *= max(n - k, 1) / n
        state = {"means": means, "precision": precision, "offset": offset}
        if self.relative:  # one Gaussian of all the training data
            background = LedoitWolf().fit(emb)
            state["mean0"] = background.location_
            state["precision0"] = background.precision_
        return state

    @staticmethod
    def _distance(emb, means, precision) -> np.ndarray:
        # (e - m)' P (e - m) = e'Pe - 2 e'Pm + m'Pm: matrix products, no
        # (n, k, d) array of differences
        projected = emb @ precision
        own = np.einsum("nd,nd->n", projected, emb)
        cross = projected @ means.T
        centres = np.einsum("kd,kd->k", means @ precision, means)
        return np.maximum(own[:, None] - 2 * cross + centres[None, :], 0.0)

    def __call__(self, model, state, X) -> np.ndarray:
        emb = _embedding(model, X, self.name) - state.get("offset", 0.0)
        d = self._distance(emb, state["means"], state["precision"])
        if self.relative:
            d0 = self._distance(emb, state["mean0"][None], state["precision0"])
            d = d - d0
        return -d.min(axis=1)


class RelativeMahalanobis(Mahalanobis):
    """The Mahalanobis score less that of one Gaussian of all training data.

    Ren et al. (2021): subtracting the background Gaussian removes what
    every spectrum shares (baseline, noise level), which the plain
    Mahalanobis distance counts as novelty.
    """

    name = "relative_mahalanobis"
    relative = True


class LibrarySimilarity:
    """The best similarity of the query to any reference (library search)."""

    name = "similarity"
    kind = None

    def fit(self, model, X, y):
        final, _ = final_estimator(model)
        if not hasattr(final, "class_scores"):
            raise ValueError(
                "novelty_score='similarity' needs a LibrarySearchClassifier (or a "
                f"pipeline ending with one); got {type(final).__name__}"
            )
        return None

    def __call__(self, model, state, X) -> np.ndarray:
        final, head = final_estimator(model)
        return final.class_scores(head(X)).max(axis=1)


def _spectra(model, X, name: str) -> np.ndarray:
    """``X`` through a pipeline's leading spectral steps: spectra on the grid.

    The steps of :mod:`sklearn_raman.preprocessing` (resampler, baseline,
    smoothing, normalisation) that open a pipeline; what follows them (PCA, a
    scaler, the classifier) makes features, not spectra.
    """
    from sklearn.pipeline import Pipeline

    if isinstance(model, Pipeline):
        for _, step in model.steps[:-1]:
            if step is None or step == "passthrough" or hasattr(step, "fit_resample"):
                continue  # samplers change nothing at transform time
            if not type(step).__module__.startswith("sklearn_raman.preprocessing"):
                break
            X = step.transform(X)
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        X = None
    if X is None or X.ndim != 2:
        raise ValueError(
            f"novelty_score={name!r} compares spectra on one grid: give the model "
            "spectra as a 2-d array, or a pipeline that starts with a "
            "SpectrumResampler"
        )
    return X


def _centred_unit(a: np.ndarray) -> np.ndarray:
    # Pearson correlation = cosine of the mean-centred spectra
    return _normalise(a - a.mean(axis=1, keepdims=True))


def nearest_similarity(query: np.ndarray, refs: np.ndarray, k: int = 1) -> np.ndarray:
    """The ``k``-th largest row of ``query @ refs.T``, in blocks of rows."""
    k = min(k, len(refs))
    out = np.empty(len(query))
    for start in range(0, len(query), 2048):  # bounded memory
        sims = query[start : start + 2048] @ refs.T
        out[start : start + 2048] = np.partition(sims, -k, axis=1)[:, -k]
    return out


class Combined:
    """The model's own score next to a library search of the training spectra.

    Two parts, combined by :class:`~sklearn_raman.open_set.OpenSetClassifier`
    (``combiner_``): the score :func:`auto_score` picks for the model (the
    CNN's ``embedding_distance``, a classifier's ``max_proba`` or
    ``margin``) and the Pearson correlation of the spectrum (after the
    pipeline's spectral steps) to its nearest training spectrum, as Open
    Specy searches a library. A classifier tells known classes apart; the
    library asks whether the spectrum looks like anything trained on at all,
    which a classifier's score on a polymer it never saw does not (MMPSD
    FTIR: library AUROC 0.94, PCA + LinearSVC margin 0.69).
    """

    name = "combined"
    kind = None
    #: columns of ``__call__``: the model's score, the library similarity
    n_parts = 2

    def fit(self, model, X, y):
        part = auto_score(model)
        if part == "similarity":
            raise ValueError(
                "novelty_score='combined' adds a library search to a classifier; "
                "the model is one already: use novelty_score='similarity'"
            )
        scorer = SCORES[part]()
        return {
            "part": part,
            "state": scorer.fit(model, X, y),
            "refs": _centred_unit(_spectra(model, X, self.name)),
        }

    def __call__(self, model, state, X) -> np.ndarray:
        own = SCORES[state["part"]]()(model, state["state"], X)
        query = _centred_unit(_spectra(model, X, self.name))
        return np.column_stack([own, nearest_similarity(query, state["refs"])])


def fit_combiner(known: np.ndarray, unseen: np.ndarray | None = None) -> dict:
    """Weights of a two-part score, from held-out scores of known and unseen classes.

    Each part is standardised by the median and interquartile range of its
    held-out known scores and capped at 0 (its known median): a part that
    looks more known than the median known spectrum cannot make up for
    another that looks unknown (a softmax confident far from the training
    data next to a library that finds nothing alike). The capped parts are
    then averaged (no unseen scores) or weighted by a logistic regression of
    known against unseen-class scores (``calibration="classes"``), weights
    clipped at 0 and summing to 1.

    Parameters
    ----------
    known : ndarray of shape (n_known, n_parts)
        Held-out scores of spectra of classes their model trained on.
    unseen : ndarray of shape (n_unseen, n_parts) or None, default=None
        Held-out scores of spectra of classes held out whole.

    Returns
    -------
    combiner : dict
        ``center``, ``scale``, ``weights`` (arrays of ``n_parts``), for
        :func:`combine`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.open_set._scores import combine, fit_combiner
    >>> known = np.array([[0.9, 0.8], [0.8, 0.9], [0.7, 0.95], [0.85, 0.7]])
    >>> combiner = fit_combiner(known)
    >>> combiner["weights"].tolist()
    [0.5, 0.5]
    >>> combine(combiner, [[0.9, 0.9], [0.9, 0.2], [5.0, 0.2]]).round(2).tolist()
    [0.0, -2.36, -2.36]
    """
    known = np.asarray(known, dtype=np.float64)
    center = np.median(known, axis=0)
    scale = np.subtract(*np.percentile(known, [75, 25], axis=0))
    spread = known.std(axis=0)
    scale = np.where(scale > 0, scale, np.where(spread > 0, spread, 1.0))
    n_parts = known.shape[1]
    weights = np.full(n_parts, 1.0 / n_parts)
    if unseen is not None and len(unseen) and len(known):
        from sklearn.linear_model import LogisticRegression

        z = np.minimum((np.vstack([known, unseen]) - center) / scale, 0.0)
        labels = np.r_[np.ones(len(known)), np.zeros(len(unseen))]
        coef = LogisticRegression(class_weight="balanced").fit(z, labels).coef_.ravel()
        coef = np.clip(coef, 0.0, None)
        if coef.sum() > 0:
            weights = coef / coef.sum()
    return {"center": center, "scale": scale, "weights": weights}


def combine(combiner: dict, parts) -> np.ndarray:
    """The one known-ness score of two-part scores (see :func:`fit_combiner`)."""
    parts = np.asarray(parts, dtype=np.float64)
    z = np.minimum((parts - combiner["center"]) / combiner["scale"], 0.0)
    return z @ combiner["weights"]


def _normalise(a) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    norm = np.linalg.norm(a, axis=1, keepdims=True)
    return a / np.where(norm > 0, norm, 1.0)


SCORES = {
    s.name: s
    for s in (
        MaxProba,
        Energy,
        MaxLogit,
        Margin,
        EmbeddingDistance,
        EmbeddingKNN,
        Mahalanobis,
        RelativeMahalanobis,
        LibrarySimilarity,
        Combined,
    )
}
