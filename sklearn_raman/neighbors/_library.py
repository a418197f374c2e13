"""Spectral library search as a scikit-learn classifier."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._axis import reject_ragged
from .._utils import unknown_label, with_unknown
from ._compressed import CompressedLibrary


def _normalise(X: np.ndarray, metric: str, derivative: bool) -> np.ndarray:
    """Rows prepared so that a dot product is the similarity."""
    X = np.asarray(X, dtype=np.float64)
    if derivative:
        X = np.diff(X, axis=1) if X.shape[1] > 1 else np.zeros_like(X)
    if metric == "pearson":
        X = X - X.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)


class LibrarySearchClassifier(ClassifierMixin, BaseEstimator):
    """Spectral library search: the practitioner's identification, as a classifier.

    ``fit`` stores the training spectra as the reference library; a query is
    compared with every library spectrum and takes the label of the best hit,
    as commercial search software does. Similarities are computed with one
    matrix product per chunk of queries (BLAS, float64, so that results do not
    depend on how queries are batched), and memory stays bounded
    (``chunk_size`` x library size) for large libraries.

    Parameters
    ----------
    metric : {"cosine", "pearson", "hqi"}, default="cosine"
        Similarity: cosine of the angle between spectra; Pearson correlation
        (cosine of mean-centred spectra); hit quality index, the squared cosine
        (0 .. 1).
    derivative : bool, default=False
        Compare first differences instead of the spectra, which ignores offsets
        and slow baselines.
    reject_threshold : float or None, default=None
        Predict ``unknown_label`` when the best similarity is below it (a
        fixed threshold, as Open Specy's; to calibrate one on held-out
        spectra, wrap the search in
        :class:`~sklearn_raman.open_set.OpenSetClassifier`).
    unknown_label : str, int or None, default=None
        Label of rejected queries; a class label raises naming it. None:
        ``-1`` for integer or float classes (one below the smallest class if
        -1 is a class), ``"unknown"`` for any others (it raises if a class is
        called so). Predictions keep the classes' dtype where the label fits
        it (strings widened to hold it, integers with integers, floats with
        numbers), else are of object dtype: the rule of
        :class:`~sklearn_raman.open_set.OpenSetClassifier` too.
    temperature : float, default=0.02
        ``predict_proba`` is the softmax of each class's best similarity divided
        by ``temperature``; smaller is sharper. It does not change predictions.
    chunk_size : int, default=1024
        Queries per matrix product.
    n_components : int or None, default=None
        Compressed candidate search for large libraries: queries are first
        compared with the library projected on its ``n_components`` principal
        axes (float32), and only the library spectra that can still be among
        the best hits, by a bound on the projection error, are compared
        exactly (float64). Predictions and :meth:`search` hits equal those of
        the exhaustive search (up to exact ties); class scores and
        probabilities are exact for the classes that can hold the best hit and
        projected (within the bound) for the others. 128 to 256 suit spectra
        of a thousand or more points. None: exhaustive search.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    library_ : ndarray of shape (n_library, n_points or n_points - 1)
        Normalised library spectra, sorted by class.
    library_labels_ : ndarray of shape (n_library,)
        Labels of ``library_`` rows.
    library_index_ : ndarray of shape (n_library,)
        Row of the training ``X`` each library row came from.
    n_features_in_ : int
        Points per spectrum.

    Examples
    --------
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.neighbors import LibrarySearchClassifier
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=10, random_state=0)
    >>> search = LibrarySearchClassifier().fit(X, y)
    >>> scores, hits = search.search(X[:2], k=3)
    >>> scores.shape, bool(scores[0, 0] > 0.99)
    ((2, 3), True)
    """

    _parameter_constraints = {
        "metric": [StrOptions({"cosine", "pearson", "hqi"})],
        "derivative": ["boolean"],
        "reject_threshold": [Real, None],
        "unknown_label": [str, Integral, None],
        "temperature": [Interval(Real, 0, None, closed="neither")],
        "chunk_size": [Interval(Integral, 1, None, closed="left")],
        "n_components": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        *,
        metric: str = "cosine",
        derivative: bool = False,
        reject_threshold: float | None = None,
        unknown_label=None,
        temperature: float = 0.02,
        chunk_size: int = 1024,
        n_components: int | None = None,
    ):
        self.metric = metric
        self.derivative = derivative
        self.reject_threshold = reject_threshold
        self.unknown_label = unknown_label
        self.temperature = temperature
        self.chunk_size = chunk_size
        self.n_components = n_components

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Store the spectra of ``X`` as the reference library.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Reference spectra.
        y : array-like of shape (n_samples,)
            Their labels.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        reject_ragged(X, type(self).__name__)
        X, y = validate_data(self, X, y, dtype=[np.float32, np.float64])
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        order = np.argsort(codes, kind="stable")
        self.library_index_ = order
        self.library_labels_ = y[order]
        self.library_ = _normalise(X[order], self.metric, self.derivative)
        self._codes = codes[order]
        self._class_starts = np.flatnonzero(np.r_[True, np.diff(self._codes) != 0])
        self._compressed = None
        if self.n_components is not None:
            self._compressed = CompressedLibrary(self.library_, self.n_components)
        if self.reject_threshold is not None:
            unknown_label(self.classes_, self.unknown_label)  # a clash raises
        return self

    def _query_chunks(self, X):
        """The normalised queries, ``chunk_size`` at a time."""
        check_is_fitted(self)
        reject_ragged(X, type(self).__name__)
        X = validate_data(self, X, dtype=[np.float32, np.float64], reset=False)
        Q = _normalise(X, self.metric, self.derivative)
        for start in range(0, len(Q), self.chunk_size):
            yield Q[start : start + self.chunk_size]

    def _similarity_chunks(self, X):
        """Exact similarities to every library spectrum, chunk by chunk."""
        for Q in self._query_chunks(X):
            S = Q @ self.library_.T
            yield S * S if self.metric == "hqi" else S

    def search(self, X, k: int = 5) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best library hits of each query.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_points)
            Query spectra.
        k : int, default=5
            Number of hits.

        Returns
        -------
        scores : ndarray of shape (n_queries, k)
            Similarities, best first.
        indices : ndarray of shape (n_queries, k)
            Rows of the training ``X`` of the hits (labels:
            ``y_train[indices]``).
        """
        check_is_fitted(self)
        k = min(int(k), len(self.library_))
        scores, indices = [], []
        if self._compressed is None:
            chunks = ((S, None) for S in self._similarity_chunks(X))
        else:
            chunks = self._candidate_matrices(X, k)
        for S, rows in chunks:
            top = np.argpartition(-S, k - 1, axis=1)[:, :k]
            top_s = np.take_along_axis(S, top, axis=1)
            order = np.argsort(-top_s, axis=1, kind="stable")
            top = np.take_along_axis(top, order, axis=1)
            scores.append(np.take_along_axis(top_s, order, axis=1))
            if rows is not None:  # columns of the candidate matrix -> library rows
                top = np.take_along_axis(rows, top, axis=1)
            indices.append(self.library_index_[top])
        return np.concatenate(scores), np.concatenate(indices)

    def _candidates(self, X, k: int):
        """Compressed search: per chunk, the candidates of the ``k`` best hits."""
        for Q in self._query_chunks(X):
            yield self._compressed.candidates(
                Q, k=k, absolute=self.metric == "hqi", pad_to=self.chunk_size
            )

    def _candidate_matrices(self, X, k: int):
        """Exact similarities of each query's candidates as a padded matrix.

        Yields ``(S, library_rows)``: row ``i`` of ``S`` holds query ``i``'s
        candidate similarities (``-inf`` padding), ``library_rows`` the library
        row of each column.
        """
        outliers = self._compressed.outliers
        for _, exact_out, rows, cols, exact in self._candidates(X, k):
            n = len(exact_out)
            counts = np.bincount(rows, minlength=n)
            pos = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
            S = np.full((n, counts.max(initial=0)), -np.inf)
            lib = np.zeros(S.shape, dtype=np.intp)
            S[rows, pos], lib[rows, pos] = self._finish(exact), cols
            S = np.concatenate([S, self._finish(exact_out)], axis=1)
            lib = np.concatenate([lib, np.broadcast_to(outliers, exact_out.shape)], 1)
            yield S, lib

    def _best_hits(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Similarity and class code of each query's best library hit."""
        check_is_fitted(self)
        if self._compressed is None:
            scores = self.class_scores(X)
            return scores.max(axis=1), scores.argmax(axis=1)
        best, codes = [], []
        for S, lib in self._candidate_matrices(X, 1):
            j = S.argmax(axis=1)
            rows = np.arange(len(S))
            best.append(S[rows, j])
            codes.append(self._codes[lib[rows, j]])
        return np.concatenate(best), np.concatenate(codes)

    def _finish(self, similarity):
        """The hit quality index squares the cosine."""
        return similarity * similarity if self.metric == "hqi" else similarity

    def class_scores(self, X) -> np.ndarray:
        """Best similarity of each query to each class.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_points)
            Query spectra.

        Returns
        -------
        scores : ndarray of shape (n_queries, n_classes)
            Columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        if self._compressed is None:
            return np.concatenate(
                [
                    np.maximum.reduceat(S, self._class_starts, axis=1)
                    for S in self._similarity_chunks(X)
                ]
            )
        comp = self._compressed
        codes_in = self._codes[comp.inliers]
        starts = np.flatnonzero(np.r_[True, np.diff(codes_in) != 0])
        out = []
        for approx, exact_out, rows, cols, exact in self._candidates(X, 1):
            scores = np.full((len(approx), len(self.classes_)), -np.inf)
            if len(starts):
                approx = self._finish(
                    np.abs(approx) if self.metric == "hqi" else approx
                )
                scores[:, codes_in[starts]] = np.maximum.reduceat(approx, starts, 1)
            # exact values wherever a class can hold the best hit
            classes = self._codes[cols]
            scores[rows, classes] = -np.inf
            np.maximum.at(scores, (rows, classes), self._finish(exact))
            codes_out = self._codes[comp.outliers]
            np.maximum.at(scores, (slice(None), codes_out), self._finish(exact_out))
            out.append(scores)
        return np.concatenate(out)

    def predict_proba(self, X) -> np.ndarray:
        """Softmax of the class scores over ``temperature``.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_points)
            Query spectra.

        Returns
        -------
        proba : ndarray of shape (n_queries, n_classes)
            Columns in the order of ``classes_``.
        """
        return softmax(
            self.class_scores(X).astype(np.float64) / self.temperature, axis=1
        )

    def predict(self, X) -> np.ndarray:
        """Label of the best hit (``unknown_label`` below ``reject_threshold``).

        Parameters
        ----------
        X : array-like of shape (n_queries, n_points)
            Query spectra.

        Returns
        -------
        y_pred : ndarray of shape (n_queries,)
            Labels of the best hits, ``unknown_label`` where rejected.
        """
        best, codes = self._best_hits(X)
        pred = self.classes_[codes]
        if self.reject_threshold is None:
            return pred
        label = unknown_label(self.classes_, self.unknown_label)
        return with_unknown(pred, best < self.reject_threshold, label)
