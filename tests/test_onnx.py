"""ONNX export of every deep classifier: onnxruntime gives the same probabilities."""

import importlib
import json

import numpy as np
import pytest

from sklearn_raman import MinMaxPerSpectrum, make_spectra
from sklearn_raman.neural import (
    CLASSIFIERS,
    CompactResNet1DClassifier,
    LeNet2DClassifier,
)

ort = pytest.importorskip(
    "onnxruntime", reason="the onnx extra is not installed (pip install '.[onnx]')"
)
pytest.importorskip("onnxscript", reason="the onnx extra is not installed")


@pytest.fixture(scope="module")
def data():
    X, y = make_spectra(
        n_classes=4, n_samples_per_class=40, n_points=256, random_state=0
    )
    X = MinMaxPerSpectrum().fit_transform(X).astype(np.float32)
    labels = np.array(["calcite", "quartz", "albite", "gypsum"])[y]
    return X[:60], labels[:60], X[60:]  # 100 spectra to compare on


def _session(path):
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


#: the fusion net's export is tested with two modalities, one missing, in
#: test_fusion.py (an export takes half a minute)
ONE_INPUT = [c for c in CLASSIFIERS if c.__name__ != "MultimodalClassifier"]


@pytest.mark.parametrize("cls", ONE_INPUT, ids=lambda c: c.__name__)
def test_onnxruntime_matches_torch(cls, data, tmp_path):
    X_train, y_train, X_test = data
    assert len(X_test) == 100
    model = cls._create_test_instance(max_epochs=2).fit(X_train, y_train)
    session = _session(model.to_onnx(tmp_path / "model.onnx"))
    logits, proba = session.run(None, {"spectra": X_test})
    assert np.abs(proba - model.predict_proba(X_test)).max() < 1e-5
    np.testing.assert_allclose(logits, model._forward(X_test), rtol=1e-4, atol=1e-5)
    one = session.run(["probabilities"], {"spectra": X_test[:1]})[0]  # free batch
    assert one.shape == (1, 4)
    meta = session.get_modelmeta().custom_metadata_map
    assert json.loads(meta["classes"]) == model.classes_.tolist()
    assert meta["n_features_in"] == "256" and meta["estimator"] == cls.__name__


def test_cosine_output_layer_exports(data, tmp_path):
    X_train, y_train, X_test = data
    model = CompactResNet1DClassifier._create_test_instance(
        max_epochs=2, output_layer="cosine"
    ).fit(X_train, y_train)
    logits, proba = _session(model.to_onnx(tmp_path / "model.onnx")).run(
        None, {"spectra": X_test}
    )
    assert np.abs(proba - model.predict_proba(X_test)).max() < 1e-5
    np.testing.assert_allclose(logits, model._forward(X_test), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    "encoding", ["gadf", "mtf", "recurrence", "cwt", "reshape", ("gasf", "mtf")]
)
def test_every_image_encoding_exports(encoding, data, tmp_path):
    # the encoding is part of the graph: sorting (MTF quantiles), convolutions
    # (CWT), reshaping, for any batch size
    X_train, y_train, X_test = data
    model = LeNet2DClassifier(
        encoding=encoding, image_size=20, wavelet="morlet", max_epochs=1
    ).fit(X_train, y_train)
    session = _session(model.to_onnx(tmp_path / "model.onnx"))
    for rows in (X_test, X_test[:3]):
        proba = session.run(["probabilities"], {"spectra": rows})[0]
        assert np.abs(proba - model.predict_proba(rows)).max() < 1e-5


def test_default_recommended_network_exports(data, tmp_path):
    """The full-size recommended CNN, not only the tiny test networks."""
    X_train, y_train, X_test = data
    model = CompactResNet1DClassifier(max_epochs=1, random_state=0)
    model.fit(X_train, y_train)
    proba = _session(model.to_onnx(tmp_path / "model.onnx")).run(
        ["probabilities"], {"spectra": X_test}
    )[0]
    assert np.abs(proba - model.predict_proba(X_test)).max() < 1e-5


def test_missing_onnx_names_the_install(data, tmp_path, monkeypatch):
    X_train, y_train, _ = data
    model = CLASSIFIERS[0]._create_test_instance(max_epochs=1).fit(X_train, y_train)
    real_import = importlib.import_module

    def no_onnxscript(name, package=None):
        if name.split(".")[0] == "onnxscript":
            raise ImportError("No module named 'onnxscript'")
        return real_import(name, package)

    monkeypatch.setattr(importlib, "import_module", no_onnxscript)
    with pytest.raises(ImportError, match=r"pip install 'sklearn-raman\[onnx\]'"):
        model.to_onnx(tmp_path / "model.onnx")
