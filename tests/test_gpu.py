"""Every deep classifier on a CUDA device (marked ``gpu``: skipped without CUDA).

The same code paths run on the CPU in the rest of the suite, with CUDA mocked
where a test needs it; these run them for real when a GPU is there:
``python -m pytest -m gpu``.
"""

import pickle

import numpy as np
import pytest
import torch

from sklearn_raman import MinMaxPerSpectrum, make_spectra, persistence
from sklearn_raman.neural import CLASSIFIERS

pytestmark = pytest.mark.gpu

CLASSES = list(CLASSIFIERS)


@pytest.fixture(scope="module")
def data():
    X, y = make_spectra(
        n_classes=4, n_samples_per_class=30, n_points=256, snr_db=30, random_state=0
    )
    return MinMaxPerSpectrum().fit_transform(X).astype(np.float32), y


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_fit_predict_fine_tune_persist_on_the_gpu(cls, data, tmp_path):
    X, y = data
    clf = cls._create_test_instance(max_epochs=10, device="cuda").fit(X, y)
    assert clf.device_.startswith("cuda")
    assert next(clf.module_.parameters()).is_cuda
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float64 and np.allclose(proba.sum(1), 1)
    # the same weights on the CPU predict the same: inference is float32 (no
    # bfloat16 autocast, no TF32) on both
    clf.save_weights(tmp_path / "w.safetensors")
    on_cpu = cls._create_test_instance(device="cpu").load_weights(
        tmp_path / "w.safetensors"
    )
    cpu_proba = on_cpu.predict_proba(X)
    assert np.abs(proba - cpu_proba).max() < 1e-3
    assert (proba.argmax(1) == cpu_proba.argmax(1)).mean() >= 0.99
    # TF32 on request: faster, within rounding of TF32's 10-bit mantissa
    fast = clf.set_params(inference_precision="tf32").predict_proba(X)
    clf.set_params(inference_precision="float32")
    assert np.abs(fast - proba).max() < 5e-2
    again = pickle.loads(pickle.dumps(clf))
    assert again.device_.startswith("cuda")  # rebuilt where it was trained
    np.testing.assert_array_equal(again.predict(X), clf.predict(X))
    # a skops file of the GPU model loads on a machine without CUDA
    persistence.dump(clf, tmp_path / "model.skops")
    with pytest.MonkeyPatch.context() as m:
        m.setattr(torch.cuda, "is_available", lambda: False)
        loaded = persistence.load(tmp_path / "model.skops")
    assert loaded.device_ == "cpu"
    assert np.abs(loaded.predict_proba(X) - proba).max() < 1e-3
    frozen = {k: v.clone() for k, v in clf.module_.features.state_dict().items()}
    clf.fine_tune(X, y % 2, max_epochs=2)
    after = clf.module_.features.state_dict()
    assert all(torch.equal(frozen[k], after[k]) for k in frozen)
    assert clf.predict(X[:4]).shape == (4,)


def test_training_autocasts_and_prediction_does_not(data):
    X, y = data
    cls = CLASSES[0]
    clf = cls._create_test_instance(max_epochs=1, device="cuda").fit(X, y)
    if not torch.cuda.is_bf16_supported():
        pytest.skip("this GPU has no bfloat16")
    assert clf.net_.module_.autocast_dtype is torch.bfloat16
    dtypes = []
    first = next(m for m in clf.module_.modules() if isinstance(m, torch.nn.Conv1d))
    first.register_forward_hook(lambda m, i, o: dtypes.append(o.dtype))
    clf.predict_proba(X)
    assert set(dtypes) == {torch.float32}
    clf.net_.module_.train()
    with torch.no_grad():
        clf.net_.module_(torch.tensor(X[:8], device=clf.device_))
    assert dtypes[-1] == torch.bfloat16


def test_explanations_on_the_gpu_agree_with_the_cpu(data, tmp_path):
    # inputs follow the net to its device; float32 there as on the CPU
    from sklearn_raman.inspection import embed, grad_cam

    X, y = data
    cls = CLASSES[0]
    clf = cls._create_test_instance(max_epochs=5, device="cuda").fit(X, y)
    clf.save_weights(tmp_path / "w.safetensors")
    on_cpu = cls._create_test_instance(device="cpu").load_weights(
        tmp_path / "w.safetensors"
    )
    np.testing.assert_allclose(
        grad_cam(clf, X[:16]), grad_cam(on_cpu, X[:16]), atol=1e-3
    )
    np.testing.assert_allclose(embed(clf, X[:16]), embed(on_cpu, X[:16]), atol=1e-4)
