"""Spectrum-to-image encodings: the torch module, the transformer, pyts."""

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_raman import SpectrumImager, make_spectra
from sklearn_raman.nn import ENCODINGS, SpectrumEncoder
from sklearn_raman.nn.encodings import paa_matrix, segment_bounds


@pytest.fixture(scope="module")
def spectra():
    X, _ = make_spectra(
        n_classes=3, n_samples_per_class=4, n_points=1000, random_state=0
    )
    return X.astype(np.float64)


def encode(X, encoding, size, **kw):
    encoder = SpectrumEncoder(X.shape[1], encoding, size, **kw).double()
    with torch.no_grad():
        return encoder(torch.as_tensor(X)).numpy()


# -- pyts agreement ------------------------------------------------------------
#: (points, image side): a side that divides the length, one that does not, the
#: full length, an odd small case
SIZES = [(1000, 100), (1000, 64), (997, 128), (200, 200), (50, 7)]


def test_gaf_mtf_recurrence_and_paa_agree_with_pyts(spectra):
    # one test: importing pyts.image compiles its numba kernels (~40 s), once
    # per process
    pytest.importorskip("pyts")
    from pyts.approximation import PiecewiseAggregateApproximation
    from pyts.image import GramianAngularField, MarkovTransitionField, RecurrencePlot

    for n, size in SIZES:
        X = spectra[:, :n]
        for method, name in (("summation", "gasf"), ("difference", "gadf")):
            expected = GramianAngularField(image_size=size, method=method).transform(X)
            got = encode(X, name, size)[:, 0]
            assert_allclose(
                got, expected, atol=1e-5, rtol=0, err_msg=f"{name} {n} {size}"
            )
        for n_bins in (4, 8):
            expected = MarkovTransitionField(image_size=size, n_bins=n_bins).transform(
                X
            )
            got = encode(X, "mtf", size, n_bins=n_bins)[:, 0]
            assert_allclose(got, expected, atol=1e-5, rtol=0, err_msg=f"mtf {n} {size}")
        paa = PiecewiseAggregateApproximation(
            window_size=None, output_size=size, overlapping=False
        ).transform(X)
        assert_allclose(X @ paa_matrix(n, size).numpy().T, paa, atol=1e-12)
        expected = RecurrencePlot().transform(paa)
        assert_allclose(encode(X, "recurrence", size)[:, 0], expected, atol=1e-5)


# -- properties ------------------------------------------------------------------
def test_field_symmetries_and_ranges(spectra):
    images = encode(spectra, ("gasf", "gadf", "mtf", "recurrence"), 32)
    gasf, gadf, mtf, rp = images.transpose(1, 0, 2, 3)
    assert_allclose(gasf, gasf.transpose(0, 2, 1), atol=1e-12)
    assert_allclose(gadf, -gadf.transpose(0, 2, 1), atol=1e-12)
    assert_allclose(rp, rp.transpose(0, 2, 1), atol=1e-12)
    assert_allclose(np.diagonal(rp, axis1=1, axis2=2), 0, atol=1e-12)
    assert gasf.min() >= -1 - 1e-12 and gasf.max() <= 1 + 1e-12
    assert mtf.min() >= 0 and mtf.max() <= 1
    assert rp.max() <= np.ptp(spectra, axis=1).max() + 1e-9
    # GASF's diagonal is cos(2 phi) = 2 x^2 - 1 of the scaled PAA
    paa = spectra @ paa_matrix(1000, 32).numpy().T
    low = paa.min(1, keepdims=True)
    x = 2 * (paa - low) / (paa.max(1, keepdims=True) - low) - 1
    assert_allclose(np.diagonal(gasf, axis1=1, axis2=2), 2 * x**2 - 1, atol=1e-12)


def test_full_resolution_mtf_rows_are_transition_probabilities():
    X, _ = make_spectra(n_classes=2, n_samples_per_class=2, n_points=64, random_state=1)
    mtf = encode(X.astype(np.float64), "mtf", 64, n_bins=4)[:, 0]
    # at full size, pixel (i, j) = P(bin of j | bin of i): the row of point i
    # sums, over the points of each bin once, to 1
    for image, x in zip(mtf, X):
        _, first = np.unique(np.searchsorted(np.percentile(x, [25, 50, 75]), x), True)
        assert_allclose(image[:, first].sum(1), 1, atol=1e-12)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_intensity_scale_and_offset(spectra, encoding):
    images = encode(spectra, encoding, 32)
    scaled = encode(3.0 * spectra + 7.0, encoding, 32)
    if encoding in ("gasf", "gadf", "mtf"):  # scale-free by definition
        assert_allclose(scaled, images, atol=1e-9)
    elif encoding == "recurrence":  # distances: the offset cancels
        assert_allclose(scaled, 3 * images, atol=1e-9)
    else:  # linear in the values
        assert_allclose(encode(3.0 * spectra, encoding, 32), 3 * images, atol=1e-9)
    flat = encode(np.full((2, 100), 5.0), encoding, 8)
    assert np.isfinite(flat).all()


def test_cwt_finds_position_and_width_of_a_band():
    t = np.arange(512, dtype=float)
    bands = np.stack(
        [np.exp(-0.5 * ((t - 300) / w) ** 2) for w in (4.0, 16.0)]
    )  # a narrow and a broad band at point 300
    for wavelet in ("ricker", "morlet"):
        image = encode(bands, "cwt", 64, wavelet=wavelet)[:, 0]
        column = 300 * 64 / 512
        rows, cols = zip(*(np.unravel_index(im.argmax(), im.shape) for im in image))
        assert all(abs(c - column) <= 2 for c in cols), cols
        assert rows[1] > rows[0]  # the broader band answers at a coarser scale


def test_cwt_is_a_convolution_with_the_wavelet():
    rng = np.random.default_rng(0)
    X = rng.random((2, 40))
    image = encode(X, "cwt", 40)[:, 0]
    # row s: |x * psi_s| with reflected borders, psi_s the unit-norm Ricker
    scales = np.geomspace(1, 20, 40)
    x = X
    half = int(np.ceil(4 * 20))
    for s_index in (0, 20, 39):
        u = np.arange(-half, half + 1) / scales[s_index]
        psi = (1 - u**2) * np.exp(-(u**2) / 2)
        psi /= np.linalg.norm(psi)
        for row, signal in zip(image, x):
            padded = np.pad(np.pad(signal, 39, mode="reflect"), half - 39)
            expected = np.abs(np.correlate(padded, psi, mode="valid"))
            assert_allclose(row[s_index], expected, atol=1e-10)


def test_reshape_pads_or_reduces_to_the_square():
    X = np.arange(10, dtype=float)[None, :]
    image = encode(X, "reshape", 4)[0, 0]
    assert_allclose(image.ravel()[:10], np.arange(10))
    assert_array_equal(image.ravel()[10:], 0)
    long = np.arange(100, dtype=float)[None, :]
    reduced = encode(long, "reshape", 5)[0, 0].ravel()  # 100 -> 25 points
    assert_allclose(reduced, np.arange(25) * 4 + 1.5)


def test_images_larger_than_the_spectrum_repeat_its_points():
    start, end = segment_bounds(3, 7)
    assert (end > start).all() and end.max() <= 3
    images = encode(np.array([[0.0, 1.0, 2.0]]), ("gasf", "cwt", "mtf"), 7)
    assert images.shape == (1, 3, 7, 7) and np.isfinite(images).all()


def test_stacking_gradients_dtype_and_errors():
    encoder = SpectrumEncoder(300, ("gasf", "mtf", "cwt"), 16)
    x = torch.rand(5, 300, requires_grad=True)
    images = encoder(x)
    assert images.shape == (5, 3, 16, 16) and images.dtype == torch.float32
    images[:, 0].sum().backward()
    assert x.grad is not None and torch.isfinite(x.grad).all()
    assert encoder(x[:, None, :]).shape == (5, 3, 16, 16)  # (batch, 1, n) too
    with pytest.raises(ValueError, match="unknown encoding 'gaf'; choose from"):
        SpectrumEncoder(300, "gaf")
    with pytest.raises(ValueError, match="'gasf' is given twice"):
        SpectrumEncoder(300, ("gasf", "gasf"))
    with pytest.raises(ValueError, match="image_size"):
        SpectrumEncoder(300, "gasf", 0)
    with pytest.raises(ValueError, match="300 points expected per spectrum; got 299"):
        encoder(torch.rand(2, 299))


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_relevance_goes_back_to_the_right_points(encoding):
    n, size = 120, 12  # 10 points per segment
    encoder = SpectrumEncoder(n, encoding, size)
    relevance = torch.zeros(1, size, size)
    relevance[0, 3, 7] = 1.0
    points = encoder.to_positions(relevance)[0].numpy()
    assert points.shape == (n,)
    if encoding == "reshape":  # pixel (3, 7) holds PAA point 43 of 144 -> none
        side = torch.zeros(1, size, size)
        side[0, 0, 5] = 1.0  # holds spectrum point 5 (120 < 144: no PAA)
        assert np.flatnonzero(encoder.to_positions(side)[0].numpy()).tolist() == [5]
        return
    hot = set(np.flatnonzero(points))
    if encoding == "cwt":  # a column: its segment
        assert hot == set(range(70, 80))
    else:  # a field's pixel (i, j): segments i and j
        assert hot == set(range(30, 40)) | set(range(70, 80))


# -- the transformer -------------------------------------------------------------
def test_transformer_matches_the_module_and_names_its_pixels(spectra):
    imager = SpectrumImager(encoding=("gadf", "cwt"), image_size=16).fit(spectra)
    flat = imager.transform(spectra)
    assert flat.shape == (12, 2 * 256)
    assert_allclose(flat, encode(spectra, ("gadf", "cwt"), 16).reshape(12, -1))
    names = imager.get_feature_names_out()
    assert names[0] == "gadf_0_0" and names[17] == "gadf_1_1"
    assert names[256] == "cwt_0_0" and len(names) == flat.shape[1]
    assert imager.transform(spectra.astype(np.float32)).dtype == np.float32


def test_transformer_feeds_a_classical_model():
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline

    X, y = make_spectra(
        n_classes=3, n_samples_per_class=20, n_points=300, random_state=2
    )
    # raw spectra: 1.0; GASF at 32 px measured 0.92 (at 16 px, 19 points a
    # pixel: 0.55)
    model = make_pipeline(
        SpectrumImager(image_size=32), LogisticRegression(max_iter=2000)
    )
    assert cross_val_score(model, X, y, cv=3).mean() > 0.85


# -- the encoder's parameters, declared once -----------------------------------
def test_encoder_parameters_are_declared_once(spectra):
    import inspect

    from sklearn_raman import (
        AlexNet2DClassifier,
        LeNet2DClassifier,
        ResNet2DClassifier,
        VGG2DClassifier,
    )
    from sklearn_raman._encoder import ENCODER_PARAMS, encoder_entries
    from sklearn_raman.nn import VGG2D, AlexNet2D, LeNet2D, ResNet2D, SpectrumImageNet
    from sklearn_raman.preprocessing._image import ENCODER_CONSTRAINTS

    encoder = inspect.signature(SpectrumEncoder).parameters
    net = inspect.signature(SpectrumImageNet).parameters
    classifiers = [
        LeNet2DClassifier,
        AlexNet2DClassifier,
        VGG2DClassifier,
        ResNet2DClassifier,
    ]
    nets = [SpectrumEncoder, SpectrumImageNet, LeNet2D, AlexNet2D, VGG2D, ResNet2D]
    assert list(ENCODER_CONSTRAINTS) == list(ENCODER_PARAMS) == list(encoder)[1:]
    for name, param in ENCODER_PARAMS.items():
        assert param.default == encoder[name].default == net[name].default
        for cls in [*classifiers, SpectrumImager]:
            assert cls().get_params()[name] == param.default
            assert cls._parameter_constraints[name] is ENCODER_CONSTRAINTS[name]
    # one text, written into every docstring by one function
    for cls in [*classifiers, SpectrumImager, *nets]:
        assert "ENCODER_PARAMETERS" not in cls.__doc__
        assert encoder_entries() in cls.__doc__, cls.__name__
    # every encoding is named in it
    assert all(f'``"{name}"``' in ENCODER_PARAMS["encoding"].doc for name in ENCODINGS)
    # the bounds declared are those the encoder and the constraints enforce
    for name, value in (("image_size", 0), ("n_bins", 1), ("wavelet", "haar")):
        with pytest.raises(ValueError, match=name):
            SpectrumEncoder(100, **{name: value})
        with pytest.raises(ValueError, match=f"'{name}' parameter"):
            SpectrumImager(**{name: value}).fit(spectra)
    # the names are the encoder's to check, with its message
    with pytest.raises(ValueError, match="unknown encoding 'gaf'; choose from"):
        LeNet2DClassifier(encoding="gaf", max_epochs=1).fit(spectra, [0, 1] * 6)
    # the transformer's parameters stay positional
    imager = SpectrumImager("mtf", 8)
    assert (imager.encoding, imager.image_size, imager.n_bins) == ("mtf", 8, 8)
    with pytest.raises(TypeError, match="'size'"):
        SpectrumImager(size=8)


def test_imager_without_torch_says_to_install_it(monkeypatch, spectra):
    import sys

    for name in [m for m in sys.modules if m.startswith("sklearn_raman.nn")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch fails
    imager = SpectrumImager(image_size=8)
    with pytest.raises(ImportError, match="pip install torch"):
        imager.fit(spectra)
