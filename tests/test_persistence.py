"""Determinism and persistence of every classifier of the package.

Same ``random_state`` → identical predictions; pickle, joblib, skops (whole
pipelines) and (for the deep classifiers) safetensors round trips → identical
predictions; skops files load only trusted types; a model trained
on a CUDA device loads and predicts on a CPU-only machine; weights loaded into
a network of another shape give a clear error.
"""

import pickle
import pickletools

import joblib
import numpy as np
import pytest
import torch
from imblearn.pipeline import make_pipeline as make_imblearn_pipeline
from sklearn.base import BaseEstimator
from sklearn.pipeline import make_pipeline

from sklearn_raman import (
    BaselineCorrector,
    CosmicRayRemover,
    Cropper,
    LibrarySearchClassifier,
    MinMaxPerSpectrum,
    OpenSetClassifier,
    SavitzkyGolay,
    ShiftNoiseAugmenter,
    SpectrumResampler,
    StandardNormalVariate,
    VectorNormalizer,
    classical_baselines,
    make_spectra,
    persistence,
)
from sklearn_raman.neural import CLASSIFIERS, SEResNet1DClassifier, VGG1DClassifier

DEEP = list(CLASSIFIERS)
CLASSICAL = {
    **{
        name: (lambda n=name: classical_baselines(random_state=0)[n])
        for name in classical_baselines()
    },
    "library": lambda: LibrarySearchClassifier(),
    "library_pearson": lambda: LibrarySearchClassifier(metric="pearson"),
}
#: each deep classifier with a network of another shape than its tiny one
OTHER_SHAPE = {
    "CompactResNet1DClassifier": dict(channels=(8, 16, 32)),
    "VGG1DClassifier": dict(blocks=((32, 1),) * 5),
    "DRCNNClassifier": dict(width=0.125),
    "SEResNet1DClassifier": dict(channels=(16, 32)),
    "ResNet1DClassifier": dict(channels=(16, 32)),
    "LiuCNNClassifier": dict(width=0.5),
    "DeepCIDClassifier": dict(width=0.5),
    "ZhangCNNClassifier": dict(width=0.25),
    "LeNet1DClassifier": dict(dense_units=(64,)),
    "AlexNet1DClassifier": dict(width=0.125),
    # two image channels: the first convolution's weights do not fit
    "LeNet2DClassifier": dict(encoding=("gasf", "gadf")),
    "AlexNet2DClassifier": dict(width=0.25),
    "VGG2DClassifier": dict(blocks=((16, 1),) * 5),
    "ResNet2DClassifier": dict(channels=(16, 32)),
    "MultimodalClassifier": dict(channels=(8, 24)),
}


@pytest.fixture(scope="module")
def data():
    X, y = make_spectra(
        n_classes=4, n_samples_per_class=20, n_points=256, snr_db=30, random_state=0
    )
    X = MinMaxPerSpectrum().fit_transform(X).astype(np.float32)
    labels = np.array(["calcite", "quartz", "albite", "gypsum"])[y]
    return X[::2], X[1::2], labels[::2]


def _outputs(model, X):
    if hasattr(model, "predict_proba"):
        return model.predict_proba(X)
    return model.decision_function(X)


def test_the_matrix_covers_every_classifier():
    from sklearn_raman.benchmark import DEEP_MODELS, OWN_RECIPE_MODELS, model_names
    from sklearn_raman.neural import CLASSIFIERS

    assert set(CLASSIFIERS) == set(DEEP)
    assert {c.__name__ for c in DEEP} == set(OTHER_SHAPE)
    classical = set(model_names()) - set(DEEP_MODELS) - set(OWN_RECIPE_MODELS)
    assert classical == set(CLASSICAL)


# -- determinism ----------------------------------------------------------------
@pytest.mark.parametrize("cls", DEEP, ids=lambda c: c.__name__)
def test_deep_same_random_state_same_predictions(cls, data):
    X_train, X_test, y_train = data
    state = torch.get_rng_state()
    a = cls._create_test_instance(max_epochs=3, augment=True).fit(X_train, y_train)
    assert torch.equal(torch.get_rng_state(), state)  # global RNG untouched
    b = cls._create_test_instance(max_epochs=3, augment=True).fit(X_train, y_train)
    np.testing.assert_array_equal(a.predict_proba(X_test), b.predict_proba(X_test))
    np.testing.assert_array_equal(a.predict(X_test), b.predict(X_test))
    c = cls._create_test_instance(max_epochs=3, augment=True, random_state=1).fit(
        X_train, y_train
    )
    assert not np.array_equal(a.predict_proba(X_test), c.predict_proba(X_test))


@pytest.mark.parametrize("name", CLASSICAL)
def test_classical_same_random_state_same_predictions(name, data):
    X_train, X_test, y_train = data
    a = CLASSICAL[name]().fit(X_train, y_train)
    b = CLASSICAL[name]().fit(X_train, y_train)
    np.testing.assert_array_equal(a.predict(X_test), b.predict(X_test))
    np.testing.assert_array_equal(_outputs(a, X_test), _outputs(b, X_test))


# -- round trips ----------------------------------------------------------------
def _round_trips(model, tmp_path):
    yield "pickle", pickle.loads(pickle.dumps(model))
    joblib.dump(model, tmp_path / "model.joblib")
    yield "joblib", joblib.load(tmp_path / "model.joblib")


@pytest.mark.parametrize("cls", DEEP, ids=lambda c: c.__name__)
def test_deep_pickle_joblib_safetensors(cls, data, tmp_path):
    X_train, X_test, y_train = data
    model = cls._create_test_instance(max_epochs=2).fit(X_train, y_train)
    expected = model.predict_proba(X_test)
    for how, loaded in _round_trips(model, tmp_path):
        np.testing.assert_array_equal(loaded.predict_proba(X_test), expected, how)
        np.testing.assert_array_equal(loaded.predict(X_test), model.predict(X_test))
    model.save_weights(tmp_path / "model.safetensors")
    fresh = cls._create_test_instance(max_epochs=2).load_weights(
        tmp_path / "model.safetensors"
    )
    np.testing.assert_array_equal(fresh.classes_, model.classes_)
    assert fresh.n_features_in_ == X_train.shape[1]
    np.testing.assert_array_equal(fresh.predict(X_test), model.predict(X_test))
    np.testing.assert_allclose(fresh.predict_proba(X_test), expected, rtol=1e-6)


@pytest.mark.parametrize("name", CLASSICAL)
def test_classical_pickle_joblib(name, data, tmp_path):
    X_train, X_test, y_train = data
    model = CLASSICAL[name]().fit(X_train, y_train)
    expected = _outputs(model, X_test)
    for how, loaded in _round_trips(model, tmp_path):
        np.testing.assert_array_equal(_outputs(loaded, X_test), expected, how)
        np.testing.assert_array_equal(loaded.predict(X_test), model.predict(X_test))


# -- CUDA → CPU ------------------------------------------------------------------
@pytest.mark.parametrize("cls", DEEP, ids=lambda c: c.__name__)
def test_cuda_trained_model_loads_on_cpu(cls, data, monkeypatch):
    """A pickle made on a GPU machine unpickles and predicts on a CPU-only one.

    The fitted state holds the weights as NumPy arrays and no torch or skorch
    object at all (the pickle names none), so nothing in it is tied to a CUDA
    device; the net is rebuilt on the CPU when CUDA is missing.
    """
    X_train, X_test, y_train = data
    model = cls._create_test_instance(max_epochs=2).fit(X_train, y_train)
    expected = model.predict_proba(X_test)
    model.net_.device = model.device_ = "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    blob = pickle.dumps(model)
    modules = {
        arg.split()[0] for op, arg, _ in pickletools.genops(blob) if op.name == "GLOBAL"
    } | {
        arg
        for op, arg, _ in pickletools.genops(blob)
        if op.name in ("SHORT_BINUNICODE", "BINUNICODE") and "." in str(arg)
    }
    assert not any(str(m).startswith(("torch", "skorch")) for m in modules)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    loaded = pickle.loads(blob)
    assert loaded.device_ == "cpu" and str(loaded.net_.device) == "cpu"
    np.testing.assert_array_equal(loaded.predict_proba(X_test), expected)
    assert len(loaded.history_) == len(model.history_)
    assert loaded.history_[:, "train_loss"] == model.history_[:, "train_loss"]


# -- weights into another network -------------------------------------------------
@pytest.mark.parametrize("cls", DEEP, ids=lambda c: c.__name__)
def test_load_weights_into_another_shape(cls, data, tmp_path):
    X_train, _, y_train = data
    path = tmp_path / "weights.safetensors"
    cls._create_test_instance(max_epochs=1).fit(X_train, y_train).save_weights(path)
    other = cls._create_test_instance(**OTHER_SHAPE[cls.__name__])
    with pytest.raises(ValueError, match=f"do not fit this {cls.__name__}"):
        other.load_weights(path)
    foreign = (
        SEResNet1DClassifier if cls is not SEResNet1DClassifier else VGG1DClassifier
    )
    with pytest.raises(ValueError, match=f"holds a {cls.__name__} network"):
        foreign._create_test_instance().load_weights(path)


# -- skops files ------------------------------------------------------------------
class Foreign(BaseEstimator):
    """A type no skops file of the package holds."""

    def fit(self, X, y=None):
        self.fitted_ = True
        return self


@pytest.mark.parametrize("cls", DEEP, ids=lambda c: c.__name__)
def test_deep_pipeline_skops_round_trip(cls, data, tmp_path):
    X_train, X_test, y_train = data
    model = make_pipeline(
        MinMaxPerSpectrum(), cls._create_test_instance(max_epochs=2)
    ).fit(X_train, y_train)
    persistence.dump(model, tmp_path / "model.skops")
    loaded = persistence.load(tmp_path / "model.skops")
    np.testing.assert_array_equal(
        loaded.predict_proba(X_test), model.predict_proba(X_test)
    )
    np.testing.assert_array_equal(loaded.predict(X_test), model.predict(X_test))
    np.testing.assert_array_equal(loaded.transform(X_test), model.transform(X_test))


@pytest.mark.parametrize("name", CLASSICAL)
def test_classical_open_set_skops_round_trip(name, data, tmp_path):
    X_train, X_test, y_train = data
    classifier = CLASSICAL[name]()
    score = "max_proba" if hasattr(classifier, "predict_proba") else "margin"
    model = make_pipeline(
        MinMaxPerSpectrum(), OpenSetClassifier(classifier, novelty_score=score, cv=3)
    ).fit(X_train, y_train)
    persistence.dump(model, tmp_path / "model.skops")
    loaded = persistence.load(tmp_path / "model.skops")
    np.testing.assert_array_equal(loaded.predict(X_test), model.predict(X_test))
    np.testing.assert_array_equal(
        loaded.score_samples(X_test), model.score_samples(X_test)
    )
    if not hasattr(model[-1], "predict_set"):  # conformal sets need probabilities
        return
    Xt = model[:-1].transform(X_test)
    np.testing.assert_array_equal(
        loaded[-1].predict_set(Xt, alpha=0.1), model[-1].predict_set(Xt, alpha=0.1)
    )


def test_open_set_cnn_with_every_transformer_skops(data, tmp_path):
    X_train, X_test, y_train = data
    cnn = CLASSIFIERS[0]._create_test_instance(max_epochs=2)
    model = make_imblearn_pipeline(
        SpectrumResampler(),
        CosmicRayRemover(),
        BaselineCorrector(),
        SavitzkyGolay(),
        Cropper(lower=20, upper=200),
        StandardNormalVariate(),
        VectorNormalizer(),
        MinMaxPerSpectrum(),
        ShiftNoiseAugmenter(random_state=0),
        OpenSetClassifier(cnn, novelty_score="embedding_distance", cv=2),
    ).fit(X_train, y_train)
    persistence.dump(model, tmp_path / "model.skops")
    loaded = persistence.load(tmp_path / "model.skops")
    np.testing.assert_array_equal(
        loaded.score_samples(X_test), model.score_samples(X_test)
    )
    np.testing.assert_array_equal(loaded.predict(X_test), model.predict(X_test))


def test_skops_round_trip_with_user_callbacks(data, tmp_path):
    # the parameters hold the user's callback (unfitted: fit trains copies),
    # which a skops file keeps as data; its type is trusted by name
    from skorch.callbacks import GradientNormClipping

    X_train, X_test, y_train = data
    model = (
        CLASSIFIERS[0]
        ._create_test_instance(max_epochs=2, callbacks=[GradientNormClipping(1.0)])
        .fit(X_train, y_train)
    )
    path = tmp_path / "model.skops"
    persistence.dump(model, path)
    assert f"{GradientNormClipping.__module__}.GradientNormClipping" in (
        persistence.TRUSTED_TYPES
    )
    loaded = persistence.load(path)
    (callback,) = loaded.callbacks
    assert type(callback) is GradientNormClipping
    assert callback.gradient_clip_value == 1.0
    np.testing.assert_array_equal(
        loaded.predict_proba(X_test), model.predict_proba(X_test)
    )
    again = pickle.loads(pickle.dumps(model))
    assert again.callbacks[0].gradient_clip_value == 1.0
    np.testing.assert_array_equal(again.predict(X_test), model.predict(X_test))
    # the loaded model trains on with a copy of it, as the saved one did
    loaded.fit(X_train, y_train)
    assert any(
        isinstance(cb, GradientNormClipping) and cb is not callback
        for _, cb in loaded.net_.callbacks_
    )


def test_skops_model_trained_on_cuda_loads_on_cpu(data, tmp_path, monkeypatch):
    X_train, X_test, y_train = data
    model = CLASSIFIERS[0]._create_test_instance(max_epochs=2).fit(X_train, y_train)
    expected = model.predict_proba(X_test)
    model.net_.device = model.device_ = "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    persistence.dump(model, tmp_path / "model.skops")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    loaded = persistence.load(tmp_path / "model.skops")
    assert loaded.device_ == "cpu" and str(loaded.net_.device) == "cpu"
    np.testing.assert_array_equal(loaded.predict_proba(X_test), expected)


def test_trusted_types_are_the_package_estimators():
    import importlib

    import sklearn_raman
    from sklearn_raman.open_set._scores import SCORES

    public = {
        f"{obj.__module__}.{obj.__qualname__}"
        for obj in (getattr(sklearn_raman, n) for n in sklearn_raman.__all__)
        if isinstance(obj, type) and issubclass(obj, BaseEstimator)
    }
    public |= {f"{s.__module__}.{s.__qualname__}" for s in SCORES.values()}
    assert public <= set(persistence.TRUSTED_TYPES)
    for name in persistence.TRUSTED_TYPES:  # every listed type exists
        module, _, attr = name.rpartition(".")
        assert isinstance(getattr(importlib.import_module(module), attr), type)


def test_skops_refuses_untrusted_types(data, tmp_path):
    X_train, _, y_train = data
    path = tmp_path / "foreign.skops"
    persistence.dump(make_pipeline(Foreign()).fit(X_train, y_train), path)
    with pytest.raises(ValueError, match="not trusted: .*test_persistence.Foreign"):
        persistence.load(path)
    name = f"{Foreign.__module__}.Foreign"
    assert isinstance(persistence.load(path, trusted=[name])[0], Foreign)


def test_skops_load_names_a_bad_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no model file"):
        persistence.load(tmp_path / "missing.skops")
    (tmp_path / "model.skops").write_text("not a zip")
    with pytest.raises(ValueError, match="model.skops is not a skops model file"):
        persistence.load(tmp_path / "model.skops")


def test_a_file_of_an_older_version_without_newer_parameters_loads(data, tmp_path):
    # a model saved before callbacks= existed holds no such parameter: it
    # loads with the parameter's default and predicts as it did
    X_train, X_test, y_train = data
    model = CLASSIFIERS[0]._create_test_instance(max_epochs=2).fit(X_train, y_train)
    state = model.__getstate__()
    del state["callbacks"]
    old = type(model).__new__(type(model))
    old.__setstate__(state)
    assert old.callbacks is None
    np.testing.assert_array_equal(
        old.predict_proba(X_test), model.predict_proba(X_test)
    )
