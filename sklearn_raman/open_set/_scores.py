"""Known-ness scores of a fitted classifier's predictions: higher = more known.

Each score is fitted on the training data of the model it scores (e.g. class
centroids of the embedding), then evaluated on new spectra.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp
from sklearn.pipeline import Pipeline


def _final(model):
    """The last step of a pipeline (or the model), and X mapped to its input."""
    if isinstance(model, Pipeline):
        head = model[:-1]
        return model[-1], (lambda X: head.transform(X)) if len(head) else (lambda X: X)
    return model, lambda X: X


class MaxProba:
    """The largest predicted class probability (softmax confidence)."""

    name = "max_proba"

    def fit(self, model, X, y):
        if not hasattr(model, "predict_proba"):
            raise ValueError(
                "novelty_score='max_proba' needs predict_proba; "
                f"{type(model).__name__} "
                "has none (try novelty_score='energy' with a decision_function)"
            )
        return None

    def __call__(self, model, state, X) -> np.ndarray:
        return model.predict_proba(X).max(axis=1)


def decision_scores(model, X) -> np.ndarray:
    """``model.decision_function(X)`` as (n_samples, n_classes) float64.

    For two classes scikit-learn returns one margin; class 0's score is then 0
    and class 1's the margin, which ranks the classes the same way.
    """
    scores = np.asarray(model.decision_function(X), dtype=np.float64)
    if scores.ndim == 1:
        scores = np.stack([np.zeros_like(scores), scores], axis=1)
    return scores


class _DecisionScore:
    """A score of the class scores of ``decision_function`` (logits, margins)."""

    name = ""

    def fit(self, model, X, y):
        if not hasattr(model, "decision_function"):
            raise ValueError(
                f"novelty_score={self.name!r} needs a decision_function; "
                f"{type(model).__name__} has none"
            )
        return None

    def _scores(self, model, X) -> np.ndarray:
        return decision_scores(model, X)


class Energy(_DecisionScore):
    """``logsumexp`` of the logits: Liu et al. (2020)'s energy.

    Made for networks' logits; on one-vs-rest SVM margins it separated nothing
    on RRUFF (AUROC 0.51, where ``margin`` gave 0.93).
    """

    name = "energy"

    def __call__(self, model, state, X) -> np.ndarray:
        return logsumexp(self._scores(model, X), axis=1)


class MaxLogit(_DecisionScore):
    """The largest class score (a CNN's max logit, an SVM's best margin)."""

    name = "max_logit"

    def __call__(self, model, state, X) -> np.ndarray:
        return self._scores(model, X).max(axis=1)


class Margin(_DecisionScore):
    """The lead of the best class score over the second best."""

    name = "margin"

    def __call__(self, model, state, X) -> np.ndarray:
        top = np.sort(self._scores(model, X), axis=1)
        return top[:, -1] - top[:, -2]


class EmbeddingDistance:
    """Cosine similarity of the embedding to the nearest class centroid.

    The embedding is the model's ``transform`` (a deep classifier's
    penultimate layer; a pipeline's steps up to and including it).
    """

    name = "embedding_distance"

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


class LibrarySimilarity:
    """The best similarity of the query to any reference (library search)."""

    name = "similarity"

    def fit(self, model, X, y):
        final, _ = _final(model)
        if not hasattr(final, "class_scores"):
            raise ValueError(
                "novelty_score='similarity' needs a LibrarySearchClassifier (or a "
                f"pipeline ending with one); got {type(final).__name__}"
            )
        return None

    def __call__(self, model, state, X) -> np.ndarray:
        final, head = _final(model)
        return final.class_scores(head(X)).max(axis=1)


def _normalise(a) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    norm = np.linalg.norm(a, axis=1, keepdims=True)
    return a / np.where(norm > 0, norm, 1.0)


SCORES = {
    s.name: s
    for s in (MaxProba, Energy, MaxLogit, Margin, EmbeddingDistance, LibrarySimilarity)
}
