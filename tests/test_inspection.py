"""Grad-CAM, captum attributions and embeddings of the deep classifiers."""

import numpy as np
import pytest
import torch
from sklearn.pipeline import make_pipeline

from sklearn_raman import LeNet1DClassifier, MinMaxPerSpectrum
from sklearn_raman.inspection import attribute, embed, grad_cam, tsne_embedding
from sklearn_raman.neural import CLASSIFIERS

N_POINTS, PEAK = 600, 400
SHARED_PEAKS = (80, 180, 280, 500)
# the default configurations at a realistic length
LONG, LONG_PEAK, LONG_SHARED = 1024, 700, (150, 320, 480, 900)


def _peak_data(
    n=160, seed=0, length=N_POINTS, peak=PEAK, shared=SHARED_PEAKS, width=6.0
):
    """Two classes share four bands of random height; only class 1 has one at peak."""
    rng = np.random.default_rng(seed)
    x = np.arange(length)

    def band(center, width=width):
        return np.exp(-0.5 * ((x - center) / width) ** 2)

    X = np.zeros((n, length))
    for center in shared:
        X += rng.uniform(0.5, 1.0, (n, 1)) * band(center)
    y = np.repeat([0, 1], n // 2)
    X[y == 1] += 0.6 * band(peak)
    X += rng.normal(0, 0.02, X.shape)
    return X.astype(np.float32), y


@pytest.fixture(scope="module")
def peak_data():
    return _peak_data()


@pytest.fixture(scope="module")
def lenet(peak_data):
    X, y = peak_data
    return LeNet1DClassifier._create_test_instance(max_epochs=10).fit(X, y)


#: test configurations that train reliably on the peak data: each passes for
#: 3 data seeds x 3 random states (measured); at lr 1e-2 the tiny Liu and
#: AlexNet nets sometimes do not train (2 and 4 of 9 failed)
CAM_TRAINING = {
    "LiuCNNClassifier": {"lr": 3e-3},
    "AlexNet1DClassifier": {"lr": 3e-3, "width": 0.25},
}


#: Grad-CAM explains nets of one input; a fusion net shows attention instead
#: (tested in test_fusion.py)
CAM_CLASSIFIERS = [c for c in CLASSIFIERS if c.__name__ != "MultimodalClassifier"]


@pytest.mark.parametrize("cls", CAM_CLASSIFIERS, ids=lambda c: c.__name__)
def test_grad_cam_peaks_at_the_discriminative_band(cls, peak_data):
    X, y = peak_data
    params = {"max_epochs": 25, **CAM_TRAINING.get(cls.__name__, {})}
    clf = cls._create_test_instance(**params).fit(X, y)
    assert (clf.predict(X) == y).mean() >= 0.9
    cam = grad_cam(clf, X[y == 1], target=1)
    assert cam.shape == (80, N_POINTS)
    assert np.isfinite(cam).all() and cam.min() >= 0 and cam.max() <= 1
    mean = cam.mean(axis=0)
    # within a few cells of the hooked map (the value at exactly PEAK depends
    # on where the coarse cells fall and varied with the seed: not tested)
    cell = int(np.ceil(N_POINTS / clf.module_.feature_shape[-1]))
    assert abs(int(mean.argmax()) - PEAK) <= max(30, 2 * cell)


def _cam_cell(clf) -> int:
    """Input points per position of the default CAM layer's map."""
    length = []
    handle = clf.module_.cam_layer.register_forward_hook(
        lambda m, i, o: length.append(o.shape[-1])
    )
    with torch.no_grad():
        clf.module_.eval()(torch.zeros(1, clf.n_features_in_))
    handle.remove()
    return int(np.ceil(clf.module_.input_length / length[0]))


@pytest.mark.parametrize("cls", CAM_CLASSIFIERS, ids=lambda c: c.__name__)
def test_default_networks_explain_with_spatial_resolution(cls):
    # Default widths at 1024 points, untrained: the CAM layer keeps a map along
    # the spectrum, so relevance varies. The SE nets once hooked their last
    # Conv1d, the squeeze-excitation gate (length 1): every map was flat.
    X, y = _peak_data(n=4, length=LONG, peak=LONG_PEAK, shared=LONG_SHARED)
    clf = cls(max_epochs=1, batch_size=4, validation_fraction=0, random_state=0)
    clf.fit(X, y)
    # an untrained net may hold no positive evidence for one class: take both
    cams = np.stack([grad_cam(clf, X, target=c) for c in (0, 1)])
    assert cams.shape == (2, 4, LONG) and np.isfinite(cams).all()
    assert cams.std(axis=2).max(axis=0).min() > 0.01, "relevance is flat"
    encoder = getattr(clf.module_, "encoder", None)
    if encoder is None:
        assert _cam_cell(clf) <= 40  # at least ~25 positions along 1024 points
    else:  # a 2D net sees 1024 points as 64 pixels: a map 1/8 of the image
        assert _cam_cell(clf) <= 8 * LONG / encoder.image_size


@pytest.mark.slow
@pytest.mark.parametrize("cls", CAM_CLASSIFIERS, ids=lambda c: c.__name__)
def test_default_networks_grad_cam_peaks_at_the_band(cls):
    # paper widths, 1024 points; only the training schedule is shortened
    X, y = _peak_data(n=96, length=LONG, peak=LONG_PEAK, shared=LONG_SHARED, width=8)
    recipe = {
        "VGG1DClassifier": dict(lr=1e-4, max_epochs=10),
        "LeNet1DClassifier": dict(lr=1e-2, max_epochs=20),
    }.get(cls.__name__, {})
    clf = cls(
        **{
            "max_epochs": 8,
            "lr": 1e-3,
            "batch_size": 16,
            "validation_fraction": 0.0,
            "random_state": 0,
            **recipe,
        }
    ).fit(X, y)
    assert (clf.predict(X) == y).mean() >= 0.9
    mean = grad_cam(clf, X[y == 1], target=1).mean(axis=0)
    assert mean.std() > 0.02, "relevance is flat"
    assert abs(int(mean.argmax()) - LONG_PEAK) <= max(20, _cam_cell(clf))
    assert mean[LONG_PEAK] > mean[list(LONG_SHARED)].max()


def test_grad_cam_targets_and_layers(lenet, peak_data):
    X, y = peak_data
    rows = X[[0, 1, 100, 120]]
    predicted = grad_cam(lenet, rows)
    np.testing.assert_allclose(
        predicted, grad_cam(lenet, rows, target=y[[0, 1, 100, 120]]), atol=1e-6
    )
    per_row = grad_cam(lenet, rows[:2], target=[0, 1])
    np.testing.assert_allclose(
        per_row[1], grad_cam(lenet, rows[1:2], target=1)[0], atol=1e-6
    )
    assert not np.allclose(per_row[1], predicted[1])  # another class, another map
    first_conv = next(
        name
        for name, m in lenet.module_.named_modules()
        if isinstance(m, torch.nn.Conv1d)
    )
    assert grad_cam(lenet, X[:3], layer=first_conv).shape == (3, N_POINTS)
    channel = grad_cam(lenet, X[:3], mode="gradcam")
    assert channel.shape == (3, N_POINTS) and np.isfinite(channel).all()
    assert lenet.module_.training is False  # restored to eval, as it was


def test_grad_cam_batches_match_single_rows(lenet, peak_data, monkeypatch):
    import sklearn_raman.inspection as inspection

    X, _ = peak_data
    whole = grad_cam(lenet, X[:10])
    monkeypatch.setattr(inspection, "_BATCH", 3)
    np.testing.assert_allclose(grad_cam(lenet, X[:10]), whole, atol=1e-6)


def test_grad_cam_frozen_features_still_explains(peak_data):
    X, y = peak_data
    clf = LeNet1DClassifier._create_test_instance(max_epochs=5).fit(X, y)
    clf.fine_tune(X, y, max_epochs=1)  # freezes the features
    assert not any(p.requires_grad for p in clf.module_.features.parameters())
    cam = grad_cam(clf, X[:4])
    assert cam.max() > 0


def test_grad_cam_on_a_pipeline(peak_data):
    X, y = peak_data
    pipe = make_pipeline(
        MinMaxPerSpectrum(), LeNet1DClassifier._create_test_instance(max_epochs=5)
    )
    pipe.fit(X, y)
    # the network explains the spectra as the pipeline's steps hand them over
    Xt = pipe[:-1].transform(X[:3])
    cam = grad_cam(pipe, X[:3])
    assert cam.shape == (3, N_POINTS) and cam.max() > 0
    np.testing.assert_array_equal(cam, grad_cam(pipe[-1], Xt))
    np.testing.assert_array_equal(embed(pipe, X[:3]), embed(pipe[-1], Xt))
    assert not np.allclose(grad_cam(pipe[-1], X[:3]), cam)  # the steps matter


def test_grad_cam_targets_are_matched_not_cast(peak_data):
    # a cast to the classes' dtype truncated 'albite-XYZ' to '<U6' 'albite'
    # and 1.7 to class 1
    X, y = peak_data
    named = LeNet1DClassifier._create_test_instance(max_epochs=1).fit(
        X, np.array(["albite", "quartz"])[y]
    )
    with pytest.raises(ValueError, match="'albite-XYZ' is not one of the classes"):
        grad_cam(named, X[:2], target="albite-XYZ")
    assert grad_cam(named, X[:2], target="quartz").shape == (2, N_POINTS)
    numbered = LeNet1DClassifier._create_test_instance(max_epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="1.7 is not one of the classes"):
        grad_cam(numbered, X[:2], target=1.7)
    np.testing.assert_array_equal(
        grad_cam(numbered, X[:2], target=1.0), grad_cam(numbered, X[:2], target=1)
    )


def test_integrated_gradients_run_in_bounded_batches(lenet, peak_data, monkeypatch):
    captum_attr = pytest.importorskip("captum.attr")
    X, _ = peak_data
    rows = []
    real_forward = type(lenet.net_.module_).forward

    def spy(self, x):
        rows.append(len(x))
        return real_forward(self, x)

    monkeypatch.setattr(type(lenet.net_.module_), "forward", spy)
    attribute(lenet, X[:8], target=1)  # 8 rows x 50 steps
    assert max(rows) <= 256 and sum(rows) >= 8 * 50
    rows.clear()
    attribute(lenet, X[:8], target=1, internal_batch_size=40)
    assert max(rows) <= 40
    assert captum_attr.IntegratedGradients  # the extra is what ran


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(target=7), ValueError, "target label 7 is not one of the classes"),
        (dict(target=[0, 1]), ValueError, "one label per spectrum"),
        (dict(layer="nope"), ValueError, "no layer named 'nope'"),
        (dict(layer=torch.nn.Conv1d(1, 1, 3)), ValueError, "not a module of"),
        (dict(layer=3), TypeError, "layer must be None"),
        (dict(mode="cam"), ValueError, "mode must be"),
        (dict(layer="classifier"), ValueError, r"\(batch, channels, length\)"),
    ],
)
def test_grad_cam_bad_arguments(lenet, peak_data, kwargs, error, match):
    X, _ = peak_data
    with pytest.raises(error, match=match):
        grad_cam(lenet, X[:3], **kwargs)


def test_inspection_needs_a_fitted_deep_classifier(peak_data):
    from sklearn.exceptions import NotFittedError
    from sklearn.neighbors import KNeighborsClassifier

    X, y = peak_data
    with pytest.raises(TypeError, match="SpectrumNetClassifier"):
        grad_cam(KNeighborsClassifier().fit(X, y), X)
    with pytest.raises(NotFittedError):
        embed(LeNet1DClassifier(), X)


def test_grad_cam_runs_on_the_nets_device(lenet, peak_data, monkeypatch):
    # the input is sent to ``net_.device``: a CUDA device name reaches ``to``
    X, _ = peak_data
    seen = []
    real_to = torch.Tensor.to

    def spy(self, *args, **kwargs):
        seen.append(args[0] if args else kwargs.get("device"))
        return real_to(self, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "to", spy)
    grad_cam(lenet, X[:2])
    assert str(lenet.net_.device) in [str(d) for d in seen]


def test_embed_and_tsne(lenet, peak_data):
    X, y = peak_data
    emb = embed(lenet, X)
    np.testing.assert_array_equal(emb, lenet.transform(X))
    coords = tsne_embedding(lenet, X, random_state=0)
    assert coords.shape == (len(X), 2) and np.isfinite(coords).all()
    # the learnt embedding separates the classes: nearest neighbour in the map
    d = ((coords[:, None] - coords[None]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    assert (y[d.argmin(1)] == y).mean() > 0.9
    small = tsne_embedding(None, X[:5], random_state=0)  # perplexity lowered
    assert small.shape == (5, 2)
    with pytest.raises(ValueError, match="at least 2"):
        tsne_embedding(None, X[:1])


@pytest.mark.parametrize("method", ["integrated_gradients", "occlusion"])
def test_captum_attributions(lenet, peak_data, method):
    pytest.importorskip("captum")
    X, y = peak_data
    attr = attribute(lenet, X[y == 1][:8], method=method, target=1)
    assert attr.shape == (8, N_POINTS) and np.isfinite(attr).all()
    # the class-1 band carries the largest positive attribution on average
    mean = attr.mean(axis=0)
    assert abs(int(mean.argmax()) - PEAK) <= 30


def test_attribute_rejects_unknown_method(lenet, peak_data):
    pytest.importorskip("captum")
    with pytest.raises(ValueError, match="method must be one of"):
        attribute(lenet, peak_data[0][:2], method="shap")
