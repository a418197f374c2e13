"""MiniRocket / ROCKET: random convolutional kernels and a ridge classifier."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.linear_model import RidgeClassifierCV
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

#: the shortest series the kernels span (length 9)
MIN_POINTS = 9

#: kind -> aeon transformer class name
_TRANSFORMERS = {
    "minirocket": "MiniRocket",
    "rocket": "Rocket",
    "multirocket": "MultiRocket",
}


def _aeon_transformer(kind: str):
    try:
        from aeon.transformations.collection import convolution_based
    except ImportError as error:  # pragma: no cover - the extra is installed in CI
        raise ImportError(
            f"RocketClassifier(kind={kind!r}) needs aeon: pip install "
            '"sklearn-raman[rocket]" (or pip install aeon)'
        ) from error
    return getattr(convolution_based, _TRANSFORMERS[kind])


def _caller_threads():
    """A block after which the OpenMP runtimes loaded before it keep their count.

    aeon sets numba's thread count to ``n_jobs`` and back to numba's own,
    which with numba's OpenMP layer sets the calling thread's OpenMP count:
    torch's (a test session's ``torch.set_num_threads(1)``) became 2 after a
    fit. Only OpenMP is restored: BLAS counts are process-wide, and another
    thread may have set them meanwhile.
    """
    # changes nothing on entry, restores on exit
    return threadpool_limits(limits=None, user_api="openmp")


class RocketClassifier(ClassifierMixin, BaseEstimator):
    """MiniRocket or ROCKET features and a ridge classifier, for spectra.

    A spectrum is a series: random convolutional kernels of several
    dilations turn it into features (the share of positive values and,
    for ROCKET, the maximum of each convolution), which are standardised
    and classified by a :class:`~sklearn.linear_model.RidgeClassifierCV`
    whose penalty is chosen by leave-one-out over ``alphas``, as in Dempster
    et al. (2020, 2021). The transforms are aeon's (numba-compiled); aeon is
    an optional extra: ``pip install "sklearn-raman[rocket]"``.

    Parameters
    ----------
    kind : {"minirocket", "rocket", "multirocket"}, default="minirocket"
        The transform: MiniRocket (almost deterministic, fastest; Dempster
        et al. 2021), ROCKET (random kernels; 2020) or MultiRocket (four
        pooling operators, also on the first difference; Tan et al. 2022).
    n_kernels : int, default=10000
        Kernels of the transform (the papers' 10,000; MiniRocket rounds to a
        multiple of 84).
    alphas : array-like of float, default=None
        Ridge penalties tried; None: 10 values from 1e-3 to 1e3 (the papers').
    n_jobs : int, default=1
        Threads of the transform.
    random_state : int, RandomState instance or None, default=None
        Seed of the kernels.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    transformer_ : aeon transformer
        The fitted MiniRocket / Rocket / MultiRocket.
    scaler_ : StandardScaler
        Standardisation of the features.
    ridge_ : RidgeClassifierCV
        The classifier (``ridge_.alpha_``: the chosen penalty).
    n_features_in_ : int
        Points per spectrum.

    See Also
    --------
    sklearn_raman.classical.PLSDAClassifier : The chemometrics default.

    Notes
    -----
    Spectra of fewer than 9 points (the span of a kernel) are padded with
    their edge values to 9. A ridge classifier has no probabilities:
    :meth:`decision_function` gives its class scores (the open-set wrapper
    uses their ``margin``).

    Examples
    --------
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.classical import RocketClassifier
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=10, random_state=0)
    >>> clf = RocketClassifier(n_kernels=168, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).tolist(), y[:3].tolist()
    ([1, 0, 2], [1, 0, 2])
    >>> clf.decision_function(X[:1]).shape
    (1, 3)
    """

    _parameter_constraints: dict = {
        "kind": [StrOptions(set(_TRANSFORMERS))],
        "n_kernels": [Interval(Integral, 1, None, closed="left")],
        "alphas": ["array-like", None],
        "n_jobs": [Integral],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        kind: str = "minirocket",
        *,
        n_kernels: int = 10_000,
        alphas=None,
        n_jobs: int = 1,
        random_state=None,
    ):
        self.kind = kind
        self.n_kernels = n_kernels
        self.alphas = alphas
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _series(self, X: np.ndarray) -> np.ndarray:
        if X.shape[1] < MIN_POINTS:
            X = np.pad(X, ((0, 0), (0, MIN_POINTS - X.shape[1])), mode="edge")
        return X[:, None, :]  # (n_cases, 1 channel, n_points), aeon's layout

    def _features(self, X: np.ndarray) -> np.ndarray:
        with _caller_threads():
            features = self.transformer_.transform(self._series(X))
        return np.asarray(features, np.float64)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the kernels, the scaler and the ridge classifier.

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
        transformer = _aeon_transformer(self.kind)
        seed = self.random_state
        if seed is not None and not isinstance(seed, Integral):  # a RandomState
            seed = int(seed.randint(np.iinfo(np.int32).max))
        self.transformer_ = transformer(
            n_kernels=self.n_kernels, n_jobs=self.n_jobs, random_state=seed
        )
        with _caller_threads():
            self.transformer_.fit(self._series(X))
        features = self._features(X)
        self.scaler_ = StandardScaler().fit(features)
        alphas = np.logspace(-3, 3, 10) if self.alphas is None else self.alphas
        self.ridge_ = RidgeClassifierCV(alphas=alphas).fit(
            self.scaler_.transform(features), y
        )
        self.classes_ = self.ridge_.classes_
        return self

    def decision_function(self, X) -> np.ndarray:
        """The ridge classifier's class scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Spectra.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            One column for two classes (scikit-learn's convention).
        """
        features = self._scaled(X)  # checks the fit first
        return self.ridge_.decision_function(features)

    def _scaled(self, X) -> np.ndarray:
        """Checked spectra -> the standardised features the ridge classifies."""
        check_is_fitted(self, "ridge_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self.scaler_.transform(self._features(X))

    def predict(self, X) -> np.ndarray:
        """The class of each spectrum.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Spectra.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels of ``classes_``.
        """
        features = self._scaled(X)
        return self.ridge_.predict(features)
