"""The classical comparison set, as ready scikit-learn pipelines.

The papers' (kNN, tree, forest, PCA + SVMs) and the strongest of both fields
next to them: MiniRocket / ROCKET (time-series classification), PLS-DA
(chemometrics), logistic regression and gradient boosting.
"""

from __future__ import annotations

from sklearn.base import BaseEstimator
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC
from sklearn.tree import DecisionTreeClassifier

from .classical import PLSDAClassifier, RocketClassifier

__all__ = [
    "classical_baselines",
]


def classical_baselines(
    *, metric: str = "cosine", n_components: int | float = 0.99, random_state=None
) -> dict[str, BaseEstimator]:
    """Unfitted classical classifiers to compare the CNNs with.

    Those of Sang et al. (2021) (kNN, a tree, a forest, PCA + SVMs) and the
    strongest baselines of time-series classification and chemometrics:
    MiniRocket and ROCKET with a standardised ridge classifier (Dempster et
    al. 2020, 2021; through aeon, the ``rocket`` extra, needed at ``fit``),
    PLS-DA with its latent variables chosen by inner cross-validation,
    logistic regression on standardised spectra and scikit-learn's
    histogram gradient boosting.

    Parameters
    ----------
    metric : str, default="cosine"
        Distance of the k-nearest-neighbour classifiers (any metric of
        :class:`~sklearn.neighbors.KNeighborsClassifier`); cosine ignores the
        overall intensity, like spectral library search.
    n_components : int or float, default=0.99
        PCA components before the trees and SVMs: a count, or the share of
        variance kept (about 130 components on RRUFF).
    random_state : int or None, default=None
        Seed of the randomised models (tree, forest, PCA, MiniRocket and
        ROCKET kernels, gradient boosting).

    Returns
    -------
    models : dict of str to estimator
        ``knn1``, ``knn5``, ``tree``, ``rf``, ``pca_linsvc``, ``pca_svc``,
        ``minirocket``, ``rocket``, ``plsda``, ``logreg``, ``hgb``: fresh,
        unfitted estimators (clone-safe) taking spectra on one grid.

    Notes
    -----
    The tree and the forest split PCA scores rather than the raw intensities.
    Their cost grows with features x classes; on RRUFF Dataset_2 (1,570 points,
    1,332 classes) a single tree on raw spectra runs for more than 5 minutes on
    2 cores, one on the ~130 PCA scores in about 30 s. The forest has 100
    trees: every node stores one probability per class, so on Dataset_2 a tree
    takes about 50 MB, and 200 trees would need 10 GB. Gradient boosting
    grows one tree per class and iteration (100 iterations; scikit-learn
    stops early on a validation share from 10,000 spectra), so it splits the
    PCA scores too; its leaf values are L2-penalised (``l2_regularization=1``),
    without which it diverged on many classes of few spectra.
    ``logreg`` is L2-penalised (C = 1) on spectra scaled to unit variance per
    point; ``plsda`` keeps the spectra's own scale (see
    :class:`~sklearn_raman.classical.PLSDAClassifier`).

    Examples
    --------
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn_raman import classical_baselines, make_spectra
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=20, random_state=0)
    >>> scores = cross_val_score(classical_baselines()["knn1"], X, y, cv=3)
    >>> bool(scores.mean() > 0.9)
    True
    """
    return {
        "knn1": KNeighborsClassifier(n_neighbors=1, metric=metric),
        "knn5": KNeighborsClassifier(n_neighbors=5, metric=metric, weights="distance"),
        "tree": make_pipeline(
            PCA(n_components=n_components, random_state=random_state),
            DecisionTreeClassifier(random_state=random_state),
        ),
        "rf": make_pipeline(
            PCA(n_components=n_components, random_state=random_state),
            RandomForestClassifier(
                n_estimators=100, n_jobs=-1, random_state=random_state
            ),
        ),
        "pca_linsvc": make_pipeline(
            PCA(n_components=n_components, random_state=random_state),
            LinearSVC(C=1.0, max_iter=5000),
        ),
        "pca_svc": make_pipeline(
            PCA(n_components=n_components, random_state=random_state),
            SVC(kernel="rbf", C=10.0, gamma="scale"),
        ),
        "minirocket": RocketClassifier("minirocket", random_state=random_state),
        "rocket": RocketClassifier("rocket", random_state=random_state),
        "plsda": PLSDAClassifier(),
        "logreg": make_pipeline(
            StandardScaler(), LogisticRegression(C=1.0, max_iter=2000)
        ),
        "hgb": make_pipeline(
            PCA(n_components=n_components, random_state=random_state),
            # Newton steps on leaves of few spectra of a class overshoot
            # without a penalty: on RRUFF with 10 spectra per class (192
            # classes) training accuracy stalled at 0.69, test 0.34; with
            # l2_regularization=1: 1.0 and 0.72
            HistGradientBoostingClassifier(
                max_iter=100, l2_regularization=1.0, random_state=random_state
            ),
        ),
    }
