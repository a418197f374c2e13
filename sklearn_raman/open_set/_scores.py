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
        k = min(self.k, len(train))
        out = np.empty(len(query))
        for start in range(0, len(query), 2048):  # bounded memory
            sims = query[start : start + 2048] @ train.T
            out[start : start + 2048] = np.partition(sims, -k, axis=1)[:, -k]
        return out


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
        precision = LedoitWolf().fit(centred).precision_
        state = {"means": means, "precision": precision}
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
        emb = _embedding(model, X, self.name)
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
    )
}
