"""PLS-DA's own kernel PLS against scikit-learn's NIPALS, its edge cases, and
PLS-DA and MiniRocket on real FTIR spectra."""

import warnings

import numpy as np
import pytest
from conftest import SHARED_DATA
from numpy.testing import assert_allclose
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score

from sklearn_raman import make_spectra
from sklearn_raman.classical import PLSDAClassifier
from sklearn_raman.classical._plsda import _KernelPLS


def one_hot(y):
    return np.eye(len(np.unique(y)))[np.unique(y, return_inverse=True)[1]]


@pytest.mark.parametrize("scale", [False, True])
@pytest.mark.parametrize("n_components", [1, 4, 12])
def test_kernel_pls_predicts_as_nipals(scale, n_components):
    X, y = make_spectra(n_classes=6, n_samples_per_class=15, random_state=0)
    Y = one_hot(y)
    nipals = PLSRegression(n_components, scale=scale, max_iter=5000, tol=1e-12)
    kernel = _KernelPLS(X, Y, n_components, scale)
    coef, intercept = kernel.coefficients()
    expected = nipals.fit(X, Y).predict(X)
    # scikit-learn stops its power iteration at a tolerance: 1e-5 apart
    assert_allclose(X @ coef.T + intercept, expected, atol=1e-4)
    *_, last = kernel.partial_predictions(X)
    assert_allclose(last, X @ coef.T + intercept, atol=1e-10)


def test_kernel_pls_with_more_classes_than_points_takes_the_lanczos_path():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(700, 400))
    Y = one_hot(rng.integers(0, 500, 700))
    assert min(X.shape[1], Y.shape[1]) > 256  # the eigenvector path ends at 256
    expected = PLSRegression(5, scale=False, max_iter=5000, tol=1e-12).fit(X, Y)
    coef, intercept = _KernelPLS(X, Y, 5, False).coefficients()
    assert_allclose(X @ coef.T + intercept, expected.predict(X), atol=1e-4)


def test_kernel_pls_with_more_points_than_many_classes_and_a_zero_cross_covariance():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(700, 600))
    Y = one_hot(rng.integers(0, 400, 700))
    assert 256 < Y.shape[1] < X.shape[1]  # Lanczos, started from a class vector
    expected = PLSRegression(4, scale=False, max_iter=5000, tol=1e-12).fit(X, Y)
    coef, intercept = _KernelPLS(X, Y, 4, False).coefficients()
    assert_allclose(X @ coef.T + intercept, expected.predict(X), atol=1e-4)
    # identical spectra: nothing to explain, one component of zeros
    same = _KernelPLS(np.ones((400, 300)), one_hot(np.arange(400) % 300), 3, False)
    assert same.n_components == 1 and not same.coefficients()[0].any()


def test_scaled_pls_of_a_single_spectrum_fold_is_quiet():
    X = np.random.default_rng(0).normal(size=(3, 20))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        PLSDAClassifier(scale=True).fit(X, [0, 0, 1])


def test_coefficients_in_scikit_learns_layout():
    X, y = make_spectra(n_classes=3, n_samples_per_class=10, random_state=0)
    clf = PLSDAClassifier(n_components=3).fit(X, y)
    assert clf.coef_.shape == (3, X.shape[1])
    assert_allclose(X @ clf.coef_.T + clf.intercept_, clf.decision_function(X))


def test_partial_predictions_are_the_fits_of_fewer_components():
    X, y = make_spectra(n_classes=4, n_samples_per_class=10, random_state=1)
    Y = one_hot(y)
    parts = list(_KernelPLS(X, Y, 6, False).partial_predictions(X))
    for k in (1, 3, 6):
        coef, intercept = _KernelPLS(X, Y, k, False).coefficients()
        assert_allclose(parts[k - 1], X @ coef.T + intercept, atol=1e-10)


def test_components_stop_where_the_rank_runs_out():
    X, y = make_spectra(n_classes=3, n_samples_per_class=2, random_state=0)
    X = np.vstack([X, X])  # 6 distinct spectra: rank 5 after centring
    y = np.concatenate([y, y])
    clf = PLSDAClassifier(n_components=11).fit(X, y)
    assert clf.n_components_ <= 5
    assert np.isfinite(clf.coef_).all()
    assert (clf.predict(X) == y).all()


def test_auto_picks_enough_components_for_many_classes():
    X, y = make_spectra(n_classes=30, n_samples_per_class=6, random_state=0)
    clf = PLSDAClassifier().fit(X, y)
    assert clf.cv_scores_.shape == (min(300, len(X) - 1),)
    assert clf.n_components_ > 10  # 30 classes: far more than a few latent variables
    best = clf.cv_scores_.max()
    assert clf.cv_scores_[clf.n_components_ - 1] >= best - 0.005
    assert (clf.cv_scores_[: clf.n_components_ - 1] < best - 0.005).all()


MMPSD_FTIR = SHARED_DATA / "mmpsd" / "FTIR"


@pytest.fixture(scope="module")
def mmpsd_ftir():
    if not MMPSD_FTIR.is_dir():
        pytest.skip(f"MMPSD FTIR files not found at {MMPSD_FTIR} (../shared/data)")
    from sklearn_raman import MinMaxPerSpectrum, SpectrumResampler, read_spectra

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 30 PP files: a stray value on line 1
        data = read_spectra(MMPSD_FTIR)
    X = SpectrumResampler(start=400, stop=4000, step=2).fit_transform(data.spectra)
    return MinMaxPerSpectrum().fit_transform(X), np.asarray(data.y)


def _cv_top1(model, X, y) -> float:
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    return cross_val_score(model, X, y, cv=folds).mean()


def test_plsda_on_real_ftir_polymers(mmpsd_ftir):
    # measured with benchmarks/images.py baselines (other folds): 0.927
    X, y = mmpsd_ftir
    assert _cv_top1(PLSDAClassifier(), X, y) > 0.85


def test_minirocket_on_real_ftir_polymers(mmpsd_ftir):
    pytest.importorskip("aeon", reason="the rocket extra (aeon) is not installed")
    from sklearn_raman.classical import RocketClassifier

    X, y = mmpsd_ftir  # measured with benchmarks/images.py baselines: 0.927
    assert _cv_top1(RocketClassifier(n_kernels=2000, random_state=0), X, y) > 0.85
