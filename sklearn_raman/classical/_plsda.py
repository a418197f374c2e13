"""PLS-DA: partial least squares regression on one-hot classes, argmax."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data


class PLSDAClassifier(ClassifierMixin, BaseEstimator):
    """Partial least squares discriminant analysis, the chemometrics default.

    A :class:`~sklearn.cross_decomposition.PLSRegression` of the one-hot
    classes on the spectra; a spectrum gets the class of its largest
    predicted column. The number of latent variables is chosen by an inner
    stratified cross-validation by default, as chemotools and every
    chemometrics course choose it: the accuracy of each count from 1 to
    ``max_components`` is measured on the held-out folds of one fit per fold
    (NIPALS extracts components one after another, so the first ``k`` of a
    fit are those of a ``k``-component fit), and the smallest count within
    0.5 % of the best accuracy wins.

    Parameters
    ----------
    n_components : int or "auto", default="auto"
        Latent variables; ``"auto"``: chosen by the inner cross-validation.
    max_components : int, default=20
        The largest count ``"auto"`` tries (at most the number of points and
        of training spectra less one).
    cv : int, default=5
        Folds of the inner cross-validation (fewer where a class has fewer
        spectra; with a class of one spectrum, ``max_components`` is used).
    scale : bool, default=False
        Scale every point to unit variance before the regression. Off: the
        spectra keep their shape (noisy flat regions are not blown up), as
        PLS-DA is usually run on preprocessed spectra.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_components_ : int
        The latent variables of the final model.
    cv_scores_ : ndarray of shape (max_components,) or None
        Inner cross-validated accuracy per count (``"auto"`` only).
    pls_ : PLSRegression
        The regression fitted on all the data.
    n_features_in_ : int
        Points per spectrum.

    See Also
    --------
    sklearn.cross_decomposition.PLSRegression : The regression underneath.

    Notes
    -----
    :meth:`predict_proba` gives the predicted one-hot columns clipped at 0
    and divided by their sum: scores that rank the classes, not calibrated
    probabilities (PLS fits a least-squares line, not a likelihood). They
    serve the open-set wrapper (``max_proba``) and conformal prediction sets,
    whose calibration makes no assumption on them.

    Examples
    --------
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.classical import PLSDAClassifier
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=20, random_state=0)
    >>> clf = PLSDAClassifier().fit(X, y)
    >>> clf.n_components_ <= 20, clf.predict(X[:3]).tolist(), y[:3].tolist()
    (True, [2, 2, 2], [2, 2, 2])
    >>> bool(cross_val_score(PLSDAClassifier(n_components=5), X, y, cv=3).mean() > 0.9)
    True
    """

    _parameter_constraints: dict = {
        "n_components": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "max_components": [Interval(Integral, 1, None, closed="left")],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "scale": ["boolean"],
    }

    def __init__(
        self,
        n_components: int | str = "auto",
        *,
        max_components: int = 20,
        cv: int = 5,
        scale: bool = False,
    ):
        self.n_components = n_components
        self.max_components = max_components
        self.cv = cv
        self.scale = scale

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Choose the latent variables (``"auto"``), then fit on all the data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Spectra on one grid.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                "PLSDAClassifier needs 2 classes or more; got "
                f"{len(self.classes_)} class"
            )
        most = min(X.shape[1], len(X) - 1)
        if most < 1:
            raise ValueError(
                f"PLSDAClassifier needs 2 spectra or more; got n_samples={len(X)}"
            )
        self.cv_scores_ = None
        if self.n_components == "auto":
            self.n_components_ = self._choose(X, codes, min(self.max_components, most))
        else:
            if self.n_components > most:
                raise ValueError(
                    f"n_components={self.n_components} is more than the "
                    f"{most} latent variables {len(X)} spectra of {X.shape[1]} "
                    "points allow"
                )
            self.n_components_ = int(self.n_components)
        self.pls_ = self._pls(self.n_components_).fit(X, self._one_hot(codes))
        return self

    def _pls(self, n: int) -> PLSRegression:
        return PLSRegression(n_components=n, scale=self.scale, max_iter=1000)

    def _one_hot(self, codes: np.ndarray) -> np.ndarray:
        return np.eye(len(self.classes_))[codes]

    def _choose(self, X: np.ndarray, codes: np.ndarray, most: int) -> int:
        n_folds = min(self.cv, int(np.bincount(codes).min()))
        if n_folds < 2:  # a class of one spectrum: nothing to hold out
            return most
        right = np.zeros(most)
        folds = StratifiedKFold(n_folds, shuffle=True, random_state=0)
        for train, test in folds.split(X, codes):
            n = min(most, len(train) - 1, X.shape[1])
            pls = self._pls(n).fit(X[train], self._one_hot(codes[train]))
            for k, pred in enumerate(_partial_predictions(pls, X[test]), start=1):
                right[k - 1] += np.sum(pred.argmax(axis=1) == codes[test])
            # a fold too small for more than n components: n for the rest
            right[n:] += np.sum(pred.argmax(axis=1) == codes[test])
        self.cv_scores_ = right / len(codes)
        best = self.cv_scores_.max()
        return int(np.flatnonzero(self.cv_scores_ >= best - 0.005)[0]) + 1

    def decision_function(self, X) -> np.ndarray:
        """The predicted one-hot columns, one per class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Spectra.

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes) or (n_samples,)
            Columns in the order of ``classes_``, about 1 for the class; for
            two classes one column, the second's less the first's
            (scikit-learn's convention: positive for ``classes_[1]``).
        """
        scores = self._columns(X)
        return scores[:, 1] - scores[:, 0] if scores.shape[1] == 2 else scores

    def _columns(self, X) -> np.ndarray:
        check_is_fitted(self, "pls_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self.pls_.predict(X).reshape(len(X), -1)

    def predict(self, X) -> np.ndarray:
        """The class of the largest predicted column.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Spectra.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels of ``classes_``.
        """
        scores = self._columns(X)
        return self.classes_[scores.argmax(axis=1)]

    def predict_proba(self, X) -> np.ndarray:
        """Class scores that sum to 1: the predicted columns clipped at 0.

        Not calibrated probabilities (see Notes of the class).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Spectra.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Where every column is at or below 0, equal scores.
        """
        scores = np.clip(self._columns(X), 0.0, None)
        total = scores.sum(axis=1, keepdims=True)
        flat = total[:, 0] <= 0
        scores[flat] = 1.0
        total[flat] = scores.shape[1]
        return scores / total


def _partial_predictions(pls: PLSRegression, X: np.ndarray):
    """Predictions of ``pls`` with its first 1, 2, ... components."""
    # PLSRegression.predict: ((X - mean) / std) @ coef_.T + intercept_, with
    # coef_ = (x_rotations_ @ y_loadings_.T * y_std).T: the sum over
    # components can be cut after any k
    Xc = (X - pls._x_mean) / pls._x_std
    scores = Xc @ pls.x_rotations_  # (n, K)
    loadings = pls.y_loadings_ * pls._y_std[:, None]  # (n_targets, K)
    pred = np.broadcast_to(pls.intercept_, (len(X), len(pls.intercept_))).copy()
    for k in range(scores.shape[1]):
        pred = pred + np.outer(scores[:, k], loadings[:, k])
        yield pred
