from collections import Counter

import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.neighbors import KNeighborsClassifier

from sklearn_raman import MinMaxPerSpectrum, ShiftNoiseAugmenter, make_spectra
from sklearn_raman.augmentation import augment_spectra, shift_spectra


def test_balances_to_largest_class():
    X, y = make_spectra(n_classes=3, n_samples_per_class=[30, 10, 3], random_state=0)
    X_res, y_res = ShiftNoiseAugmenter(random_state=0).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 30, 1: 30, 2: 30}
    np.testing.assert_array_equal(X_res[: len(X)], X)  # originals first, unchanged


def test_count_per_class_and_multiplier():
    X, y = make_spectra(n_classes=2, n_samples_per_class=[20, 5], random_state=0)
    _, y_res = ShiftNoiseAugmenter(sampling_strategy={1: 12}).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 20, 1: 12}
    aug = ShiftNoiseAugmenter(multiplier=3, random_state=0)
    _, y_res = aug.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 60, 1: 60}
    assert aug.n_augmented_ == {0: 40, 1: 55}
    _, y_res = ShiftNoiseAugmenter(
        sampling_strategy="minority", multiplier=2
    ).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 40, 1: 40}


def test_copies_use_every_source_evenly():
    X = np.arange(4 * 30, dtype=float).reshape(4, 30)
    y = np.array([0, 0, 1, 1])
    X_res, _ = ShiftNoiseAugmenter(
        multiplier=4, shift=0, snr_db=None, scale=(1, 1), random_state=0
    ).fit_resample(X, y)
    copies = X_res[4:]
    # without perturbations, each source spectrum appears exactly 3 times
    counts = Counter(tuple(row) for row in copies)
    assert sorted(counts.values()) == [3, 3, 3, 3]


def test_shift_range_in_wavenumbers():
    wn = np.linspace(100, 600, 501)  # step 1 cm-1
    X = np.exp(-0.5 * ((wn - 350) / 3) ** 2)[None, :].repeat(200, axis=0)
    y = np.r_[np.zeros(100), np.ones(100)].astype(int)
    X_res, _ = ShiftNoiseAugmenter(
        multiplier=2,
        shift=5.0,
        snr_db=None,
        scale=(1, 1),
        wavenumbers=wn,
        random_state=0,
    ).fit_resample(X, y)
    centres = (X_res[200:] * wn).sum(axis=1) / X_res[200:].sum(axis=1)
    shifts = centres - 350
    assert np.abs(shifts).max() <= 5.0 + 1e-6
    assert shifts.min() < -4 and shifts.max() > 4  # uniform over the whole range
    # the same shift in points on a 0.5 cm-1 axis moves half as far in cm-1
    X_pts, _ = ShiftNoiseAugmenter(
        multiplier=2, shift=5.0, snr_db=None, scale=(1, 1), random_state=0
    ).fit_resample(X, y)
    np.testing.assert_allclose(X_pts, X_res)  # unit step: points == cm-1


def test_shift_spectra_exact_and_descending():
    axis = np.arange(10.0)
    X = np.arange(10.0)[None, :] ** 2
    out = shift_spectra(X, np.array([1.0]), axis)
    np.testing.assert_allclose(out[0, 1:], X[0, :-1])
    assert out[0, 0] == X[0, 0]  # edge repeated, no zeros shifted in
    out_desc = shift_spectra(X[:, ::-1], np.array([1.0]), axis[::-1])
    np.testing.assert_allclose(out_desc[:, ::-1], out)


def test_noise_level_and_dtype():
    X = np.zeros((500, 100), dtype=np.float32)
    X[:, 50] = 1.0
    out = augment_spectra(X, shift=0, snr_db=20, scale=(1, 1), random_state=0)
    assert out.dtype == np.float32
    assert np.std(out[:, :40]) == pytest.approx(0.1, rel=0.05)
    out = augment_spectra(
        X, shift=0, snr_db=None, noise_std=0.05, scale=(1, 1), random_state=0
    )
    assert np.std(out[:, :40]) == pytest.approx(0.05, rel=0.05)
    with pytest.raises(ValueError, match="not both"):
        augment_spectra(X, snr_db=20, noise_std=0.1)


def test_baseline_drift_and_scale():
    X = np.ones((300, 50))
    out = augment_spectra(
        np.vstack([X, 2 * X]), shift=0, snr_db=None, scale=(0.5, 1.5), random_state=0
    )
    ratio = out[:, 0] / np.r_[np.ones(300), 2 * np.ones(300)]
    assert 0.5 <= ratio.min() < 0.6 and 1.4 < ratio.max() <= 1.5
    base = np.zeros((200, 50))
    base[:, 25] = 1.0
    drift = augment_spectra(
        base, shift=0, snr_db=None, scale=(1, 1), baseline_drift=0.2, random_state=0
    )
    edges = drift[:, [0, -1]]
    assert np.abs(edges).max() <= 0.4 + 1e-9 and np.abs(edges).max() > 0.2


def test_random_state_reproducible():
    X, y = make_spectra(n_classes=2, n_samples_per_class=[10, 4], random_state=0)
    a = ShiftNoiseAugmenter(random_state=3).fit_resample(X, y)[0]
    b = ShiftNoiseAugmenter(random_state=3).fit_resample(X, y)[0]
    c = ShiftNoiseAugmenter(random_state=4).fit_resample(X, y)[0]
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_bad_parameters():
    X, y = make_spectra(n_classes=2, n_samples_per_class=[10, 4], random_state=0)
    with pytest.raises(ValueError, match="scale must be"):
        ShiftNoiseAugmenter(scale=(2, 1)).fit_resample(X, y)
    with pytest.raises(ValueError, match="wavenumbers has 3 values"):
        ShiftNoiseAugmenter(wavenumbers=[1, 2, 3]).fit_resample(X, y)
    with pytest.raises(ValueError, match="multiplier"):
        ShiftNoiseAugmenter(multiplier=0.5).fit_resample(X, y)


class RecordingKNN(ClassifierMixin, BaseEstimator):
    """1-NN that records what it was fitted on and asked to predict."""

    def fit(self, X, y):
        self.fit_X_ = np.array(X, copy=True)
        self.knn_ = KNeighborsClassifier(1).fit(X, y)
        self.classes_ = self.knn_.classes_
        return self

    def predict(self, X):
        self.predict_X_ = np.array(X, copy=True)
        return self.knn_.predict(X)


def test_in_imblearn_pipeline_fit_time_only():
    X, y = make_spectra(
        n_classes=2, n_samples_per_class=[100, 10], snr_db=25, random_state=0
    )
    pipe = Pipeline(
        [
            ("norm", MinMaxPerSpectrum()),
            ("augment", ShiftNoiseAugmenter(random_state=0)),
            ("clf", RecordingKNN()),
        ]
    ).fit(X, y)
    clf = pipe.named_steps["clf"]
    assert clf.fit_X_.shape == (200, X.shape[1])  # balanced 100:100 at fit
    X_test, _ = make_spectra(n_classes=2, n_samples_per_class=5, random_state=1)
    X_copy = X_test.copy()
    pipe.predict(X_test)
    np.testing.assert_array_equal(X_test, X_copy)
    # predict-time data went through the normaliser only, never the augmenter
    np.testing.assert_array_equal(
        clf.predict_X_, MinMaxPerSpectrum().fit_transform(X_test)
    )
