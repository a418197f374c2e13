"""The classical API loads without torch; deep classifiers load torch on first use."""

import subprocess
import sys

CLASSICAL = """
import sys
import numpy as np
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

import sklearn_raman
from sklearn_raman import (
    LibrarySearchClassifier, MinMaxPerSpectrum, PaperSplit, ShiftNoiseAugmenter,
    SpectrumResampler, classical_baselines, make_spectra, paper_metrics,
)
from sklearn_raman import (  # the classical subpackages and modules
    augmentation, baselines, benchmark, datasets, metrics, model_selection,
    neighbors, preprocessing, robustness,
)

spectra, y = make_spectra(n_classes=3, n_samples_per_class=10, ragged=True,
                          random_state=0)
X = SpectrumResampler(start=300, stop=1500, step=4).fit_transform(spectra)
X_aug, y_aug = ShiftNoiseAugmenter(random_state=0).fit_resample(X, y)
for model in [LibrarySearchClassifier(), *classical_baselines().values()]:
    cross_val_score(make_pipeline(MinMaxPerSpectrum(), model), X, y, cv=3)
benchmark.run_benchmark(benchmark.make_models(["knn1", "library"]), X, y,
                        n_repeats=1)
assert "knn1" in benchmark.model_names() and "vgg1d" in benchmark.model_names()
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "skorch"))
assert not loaded, loaded[:5]
"""

DEEP = """
cls = sklearn_raman.CompactResNet1DClassifier
assert "torch" in sys.modules and cls.__module__.startswith("sklearn_raman.neural")
assert "VGG1DClassifier" in dir(sklearn_raman)
try:
    sklearn_raman.NoSuchClassifier
except AttributeError as exc:
    assert "NoSuchClassifier" in str(exc)
print("ok")
"""


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_classical_api_never_imports_torch_and_deep_names_load_it():
    # one interpreter: the classical API runs without torch, then a deep name
    # loads it
    assert _run(CLASSICAL + DEEP).strip() == "ok"
