"""Importing is lazy: the package loads nothing heavy, nn needs torch and numpy only.

Each check runs in a fresh interpreter: in the test process every module is
long since imported.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import sklearn_raman

CLASSICAL = """
import sys
import numpy as np
import pytest
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
# aeon's convolution_based package imports torch (for its Hydra transform)
# when MiniRocket / ROCKET load: those two are left out here
lean = {k: m for k, m in classical_baselines().items() if "rocket" not in k}
for model in [LibrarySearchClassifier(), *lean.values()]:
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
with pytest.raises(AttributeError, match="'NoSuchClassifier'"):
    sklearn_raman.NoSuchClassifier
print("ok")
"""

BARE_IMPORT = """
import json, sys
import sklearn_raman
heavy = ("torch", "skorch", "imblearn", "pybaselines", "matplotlib", "sklearn", "scipy")
print(json.dumps({
    "heavy": sorted(m for m in sys.modules if m.split(".")[0] in heavy),
    "ours": sorted(m for m in sys.modules if m.startswith("sklearn_raman.")),
}))
"""

# sklearn & co. made unimportable: nn must work on an install without them
NN_ALONE = """
import json, sys
blocked = ("sklearn", "imblearn", "scipy", "pybaselines", "skorch", "pandas")
for name in blocked:
    sys.modules[name] = None  # an import of it now raises ImportError
import torch
import sklearn_raman.nn as nn
from sklearn_raman.nn import *  # every public name
net = nn.FusionNet(30 + 8 * 8, 3, modalities=[("ftir", 30), ("sem", (8, 8))])
x = torch.rand(4, 94)
assert net.augmentation(nn.SpectrumAugment()).train()(x).shape == x.shape
assert net.eval()(x).shape == (4, 3)
print(json.dumps({
    "loaded": [m for m in sys.modules
               if m.split(".")[0] in blocked and sys.modules[m] is not None],
    "ours": sorted(m for m in sys.modules if m.startswith("sklearn_raman.")
                   and not m.startswith("sklearn_raman.nn")),
}))
"""

NAMES = """
import sys, types
import pytest
import sklearn_raman

listed = dir(sklearn_raman)
for sub in ("preprocessing", "neural", "nn", "benchmark", "metrics", "open_set"):
    assert sub in listed, sub
    assert sub not in sklearn_raman.__all__, sub
assert set(sklearn_raman.__all__) <= set(listed)
assert "torch" not in sys.modules  # listing loads nothing
for name in sklearn_raman.__all__:
    value = getattr(sklearn_raman, name)
    assert not isinstance(value, types.ModuleType), name
for sub in ("preprocessing", "neural", "nn", "open_set"):
    module = getattr(sklearn_raman, sub)
    assert module.__name__ == "sklearn_raman." + sub, module
from sklearn_raman import nn, SpectrumResampler
assert nn is sklearn_raman.nn
assert SpectrumResampler.__module__.startswith("sklearn_raman.preprocessing")
for missing in ("NoSuchName", "no_such_module", "_registry_typo"):
    with pytest.raises(AttributeError, match=repr(missing)):
        getattr(sklearn_raman, missing)
print("ok")
"""


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _modules(code: str) -> dict:
    return json.loads(_run(code).strip().splitlines()[-1])


def test_classical_api_never_imports_torch_and_deep_names_load_it():
    # one interpreter: the classical API runs without torch, then a deep name
    # loads it
    assert _run(CLASSICAL + DEEP).strip() == "ok"


def test_import_loads_no_dependency_and_no_subpackage():
    loaded = _modules(BARE_IMPORT)
    assert loaded["heavy"] == []
    # the registry of the deep classifiers' names is all it reads
    assert loaded["ours"] == ["sklearn_raman._registry"]


def test_nn_needs_only_torch_and_numpy():
    loaded = _modules(NN_ALONE)
    assert loaded["loaded"] == []
    # of the rest of the package, nn reads only the dependency-free modules
    # (and the root __init__, which reads the registry)
    assert loaded["ours"] == [
        "sklearn_raman._encoder",
        "sklearn_raman._modality",
        "sklearn_raman._noise",
        "sklearn_raman._registry",
    ]


def test_dir_lists_submodules_and_every_public_name_resolves():
    assert _run(NAMES).strip() == "ok"


def test_type_checking_imports_match_the_lazy_table():
    # the imports static analysers read are the ones the package makes lazily
    tree = ast.parse(Path(sklearn_raman.__file__).read_text())
    (block,) = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    ]
    names, submodules = {}, set()
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.level == 1, ast.dump(node)
        for alias in node.names:
            if node.module is None:
                submodules.add(alias.name)
            else:
                names[alias.name] = node.module
    assert names == sklearn_raman._LAZY
    assert submodules == set(sklearn_raman._submodules())
    assert set(sklearn_raman.__all__) == {*names, "__version__"}
