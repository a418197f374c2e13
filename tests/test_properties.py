"""Property-based tests (hypothesis) of the transformers and the augmenter."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sklearn_raman import (
    BaselineCorrector,
    CosmicRayRemover,
    Cropper,
    MinMaxPerSpectrum,
    SavitzkyGolay,
    ShiftNoiseAugmenter,
    SpectrumResampler,
    StandardNormalVariate,
    VectorNormalizer,
)

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
values = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False, width=64)


@st.composite
def spectra(draw, min_points=12, max_points=60, max_rows=5):
    n_rows = draw(st.integers(1, max_rows))
    n_points = draw(st.integers(min_points, max_points))
    return draw(arrays(np.float64, (n_rows, n_points), elements=values))


@st.composite
def axes(draw, n_points):
    """A strictly increasing axis (gaps of 0.5 .. 20 cm-1) starting anywhere."""
    start = draw(st.floats(0, 3000))
    gaps = draw(arrays(np.float64, n_points - 1, elements=st.floats(0.5, 20)))
    return start + np.r_[0.0, np.cumsum(gaps)]


TRANSFORMERS = {
    "minmax": lambda wn: MinMaxPerSpectrum(),
    "snv": lambda wn: StandardNormalVariate(),
    "vector": lambda wn: VectorNormalizer(),
    "savgol": lambda wn: SavitzkyGolay(window_length=5, polyorder=2),
    "baseline": lambda wn: BaselineCorrector(method="modpoly", wavenumbers=wn),
    "cosmic": lambda wn: CosmicRayRemover(),
    "cropper": lambda wn: Cropper(lower=wn[2], upper=wn[-3], wavenumbers=wn),
    "resampler": lambda wn: SpectrumResampler(
        start=wn[0], stop=wn[-1], step=(wn[-1] - wn[0]) / 17, wavenumbers=wn
    ),
}


@pytest.mark.parametrize("name", TRANSFORMERS)
@SETTINGS
@given(data=st.data())
def test_shape_and_finiteness_are_kept(name, data):
    X = data.draw(spectra())
    wn = data.draw(axes(X.shape[1]))
    before = X.copy()
    transformer = TRANSFORMERS[name](wn)
    out = transformer.fit_transform(X)
    np.testing.assert_array_equal(X, before)  # never in place
    assert out.ndim == 2 and out.shape[0] == X.shape[0]
    if name == "cropper":
        assert out.shape[1] == X.shape[1] - 4  # both limits are inclusive
    elif name == "resampler":
        assert out.shape[1] == len(transformer.grid_)
    else:
        assert out.shape[1] == X.shape[1]
    assert np.isfinite(out).all()


@SETTINGS
@given(X=spectra())
def test_minmax_output_in_unit_interval(X):
    out = MinMaxPerSpectrum().fit_transform(X)
    assert out.min() >= 0 and out.max() <= 1
    varying = np.ptp(X, axis=1) > 0
    np.testing.assert_allclose(out[varying].max(axis=1), 1)
    np.testing.assert_allclose(out[varying].min(axis=1), 0, atol=1e-12)


@SETTINGS
@given(data=st.data())
def test_resampling_onto_the_original_grid_is_the_identity(data):
    X = data.draw(spectra())
    wn = data.draw(axes(X.shape[1]))
    out = SpectrumResampler(grid=wn, wavenumbers=wn).fit_transform(X)
    np.testing.assert_allclose(out, X, rtol=1e-12, atol=1e-9)
    # ragged pairs on their own axes come back unchanged too
    pairs = [(wn, row) for row in X]
    out = SpectrumResampler(grid=wn).fit_transform(pairs)
    np.testing.assert_allclose(out, X, rtol=1e-12, atol=1e-9)


@SETTINGS
@given(
    X=spectra(max_rows=8),
    n_classes=st.integers(2, 3),
    multiplier=st.sampled_from([1.0, 2.0, 3.0]),
    seed=st.integers(0, 2**31 - 1),
)
def test_augmentation_keeps_labels(X, n_classes, multiplier, seed):
    y = np.arange(len(X)) % n_classes
    if len(np.unique(y)) < 2:
        X, y = np.vstack([X, X]), np.r_[y, (y + 1) % n_classes]
    labels = np.array(["calcite", "quartz", "albite"])[y]
    X_res, y_res = ShiftNoiseAugmenter(
        multiplier=multiplier, random_state=seed
    ).fit_resample(X, labels)
    assert X_res.shape == (len(y_res), X.shape[1]) and np.isfinite(X_res).all()
    np.testing.assert_array_equal(X_res[: len(X)], X)  # originals first, unchanged
    np.testing.assert_array_equal(y_res[: len(X)], labels)
    assert set(y_res) == set(labels)
    largest = max(int((labels == c).sum()) for c in set(labels))
    for c in set(labels):  # balanced to the largest class, then multiplied
        assert (y_res == c).sum() == round(largest * multiplier)
