"""add_noise and noise_robustness: the noise they add and the table they return."""

import numpy as np
import pytest
from sklearn.metrics import f1_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline

from sklearn_raman import LeNet1DClassifier, MinMaxPerSpectrum, make_spectra
from sklearn_raman.robustness import add_noise, noise_robustness


@pytest.fixture(scope="module")
def split():
    X, y = make_spectra(
        n_classes=4, n_samples_per_class=30, n_points=300, snr_db=40, random_state=0
    )
    return X[::2], X[1::2], y[::2], y[1::2]


def test_gaussian_noise_has_the_requested_snr():
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (50, 2000)) * rng.uniform(1, 10, (50, 1))
    before = X.copy()
    noisy = add_noise(X, 20, random_state=0)
    np.testing.assert_array_equal(X, before)  # input untouched
    expected = np.ptp(X, axis=1) / 10
    np.testing.assert_allclose((noisy - X).std(axis=1), expected, rtol=0.06)
    np.testing.assert_array_equal(noisy, add_noise(X, 20, random_state=0))


def test_poisson_noise_is_shot_noise():
    X = np.tile(np.linspace(0, 2, 4000), (20, 1)) + 5.0  # offset is not counted
    noisy = add_noise(X, 30, noise="poisson", random_state=0)
    # the top of each spectrum has 10**3 counts: relative std 10**-1.5 of the range
    top = noisy[:, -400:] - X[:, -400:]
    np.testing.assert_allclose(top.std(), 2 / 10**1.5, rtol=0.1)
    bottom = noisy[:, :400] - X[:, :400]
    assert bottom.std() < top.std() / 3  # variance grows with intensity
    assert abs((noisy - X).mean()) < 0.01  # unbiased
    flat = np.ones((2, 10))
    np.testing.assert_array_equal(add_noise(flat, 10, noise="poisson"), flat)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(noise="pink"), "noise must be one of"),
        (dict(snr_db=np.nan), "snr_db must be a finite number"),
    ],
)
def test_add_noise_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        add_noise(np.ones((2, 5)), **{"snr_db": 10, **kwargs})


def test_accuracy_falls_with_the_snr(split):
    X_train, X_test, y_train, y_test = split
    knn = KNeighborsClassifier(1).fit(X_train, y_train)
    result = noise_robustness(knn, X_test, y_test, snr_db=[40, 10, -10], random_state=0)
    assert result.scores.shape == (3, 3)
    np.testing.assert_allclose(result.mean, result.scores.mean(axis=1))
    assert result.clean == knn.score(X_test, y_test)
    assert result.mean[0] >= result.clean - 0.05
    assert result.mean[0] > result.mean[1] > result.mean[2]
    assert result.mean[2] < 0.6  # near chance (0.25) at -10 dB
    again = noise_robustness(knn, X_test, y_test, snr_db=[40, 10, -10], random_state=0)
    np.testing.assert_array_equal(again.scores, result.scores)


def test_deep_pipeline_and_scoring(split):
    X_train, X_test, y_train, y_test = split
    pipe = make_pipeline(
        MinMaxPerSpectrum(), LeNet1DClassifier._create_test_instance(max_epochs=5)
    )
    pipe.fit(X_train, y_train)
    result = noise_robustness(
        pipe,
        X_test,
        y_test,
        snr_db=[20],
        noise="poisson",
        n_repeats=2,
        scoring="f1_macro",
        random_state=0,
    )
    assert result.scores.shape == (1, 2) and result.noise == "poisson"
    # the scores are the pipeline's macro F1 on the same noise draws
    rng = np.random.RandomState(0)
    for score in result.scores[0]:
        noisy = add_noise(X_test, 20, "poisson", random_state=rng)
        expected = f1_score(y_test, pipe.predict(noisy), average="macro")
        assert score == pytest.approx(expected)
    clean = f1_score(y_test, pipe.predict(X_test), average="macro")
    assert result.clean == pytest.approx(clean)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(noise="pink"), "noise must be one of"),
        (dict(n_repeats=0), "n_repeats must be an integer >= 1"),
        (dict(snr_db=[]), "snr_db must be finite numbers"),
        (dict(snr_db=[10, np.inf]), "snr_db must be finite numbers"),
    ],
)
def test_noise_robustness_rejects_bad_arguments(split, kwargs, match):
    X_train, X_test, y_train, y_test = split
    knn = KNeighborsClassifier(1).fit(X_train, y_train)
    with pytest.raises(ValueError, match=match):
        noise_robustness(knn, X_test, y_test, **kwargs)
    with pytest.raises(ValueError, match="X has 60 spectra but y has 59 labels"):
        noise_robustness(knn, X_test, y_test[:-1])
