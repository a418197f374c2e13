"""Determinism and persistence of every classifier of the package.

Same ``random_state`` → identical predictions; pickle, joblib and (for the deep
classifiers) safetensors round trips → identical predictions; a model trained
on a CUDA device loads and predicts on a CPU-only machine; weights loaded into
a network of another shape give a clear error.
"""

import io
import pickle

import joblib
import numpy as np
import pytest
import torch
from skorch.exceptions import DeviceWarning

from sklearn_raman import (
    LibrarySearchClassifier,
    MinMaxPerSpectrum,
    classical_baselines,
    make_spectra,
)
from sklearn_raman.neural import CLASSIFIERS, SEResNet1DClassifier, VGG1DClassifier

DEEP = list(CLASSIFIERS)
CLASSICAL = {
    **{
        name: (lambda n=name: classical_baselines(random_state=0)[n])
        for name in classical_baselines()
    },
    "library": lambda: LibrarySearchClassifier(),
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
    from sklearn_raman.benchmark import DEEP_MODELS, model_names
    from sklearn_raman.neural import CLASSIFIERS

    assert set(CLASSIFIERS) == set(DEEP)
    assert {c.__name__ for c in DEEP} == set(OTHER_SHAPE)
    classical = set(model_names()) - set(DEEP_MODELS) - {"recommended"}
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

    The mock tags the storages that CUDA training puts on the GPU (the net's
    parameters and buffers, the optimizer state) as CUDA storages while
    pickling, as torch does on a GPU machine; everything else stays on the CPU.
    """
    X_train, X_test, y_train = data
    model = cls._create_test_instance(max_epochs=2).fit(X_train, y_train)
    expected = model.predict_proba(X_test)
    on_gpu = {
        t.untyped_storage().data_ptr() for t in model.module_.state_dict().values()
    }
    for state in model.net_.optimizer_.state.values():
        on_gpu |= {
            v.untyped_storage().data_ptr() for v in state.values() if torch.is_tensor(v)
        }
    real_tag = torch.serialization.location_tag
    model.net_.device = model.device_ = "cuda"
    with monkeypatch.context() as m:
        m.setattr(
            torch.serialization,
            "location_tag",
            lambda s: "cuda:0" if s.data_ptr() in on_gpu else real_tag(s),
        )
        blob = pickle.dumps(model)
        weights = io.BytesIO()
        torch.save(model.module_.state_dict(), weights)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="CUDA"):  # the mock really made CUDA data
        torch.load(io.BytesIO(weights.getvalue()))
    with pytest.warns(DeviceWarning) as record:  # skorch says it maps to the CPU
        loaded = pickle.loads(blob)
    assert any('Loading on device "cpu"' in str(w.message) for w in record)
    assert loaded.device_ == "cpu" and str(loaded.net_.device) == "cpu"
    np.testing.assert_array_equal(loaded.predict_proba(X_test), expected)


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
