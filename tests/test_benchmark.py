import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier

from sklearn_raman import (
    CompactResNet1DClassifier,
    SEResNet1DClassifier,
    classical_baselines,
    make_spectra,
)
from sklearn_raman.benchmark import (
    METRICS,
    make_models,
    model_names,
    protocol_splits,
    run_benchmark,
    summarize,
)


@pytest.fixture(scope="module")
def data():
    X, y = make_spectra(
        n_classes=4, n_samples_per_class=15, n_points=120, random_state=0
    )
    groups = np.repeat(np.arange(30), 2).astype(str)  # two spectra per sample
    return X, y, groups


def test_protocol_splits(data):
    X, y, groups = data
    random = protocol_splits("random", X, y, n_repeats=2)
    assert len(random) == 2 and all(len(te) == 20 for _, te in random)
    grouped = protocol_splits("grouped", X, y, groups, n_repeats=2)
    for train, test in grouped:
        assert not set(groups[train]) & set(groups[test])
    with pytest.raises(ValueError, match="needs the sample id"):
        protocol_splits("grouped", X, y)
    with pytest.raises(ValueError, match="protocol must be"):
        protocol_splits("loo", X, y)


def test_run_benchmark_records_and_parallel_equivalence(data):
    X, y, groups = data
    models = {"knn1": KNeighborsClassifier(1), **make_models(["library", "pca_linsvc"])}
    serial = run_benchmark(models, X, y, groups=groups, protocol="grouped", n_repeats=2)
    parallel = run_benchmark(
        models, X, y, groups=groups, protocol="grouped", n_repeats=2, n_jobs=2
    )
    assert len(serial) == 6
    for a, b in zip(serial, parallel):
        assert a["model"] == b["model"] and a["top1"] == b["top1"]
        assert all(0 <= a[m] <= 1 for m in METRICS)
        assert a["n_train"] + a["n_test"] == len(y)
    table = summarize(serial)
    assert table.count("\n") == 4 and "| pca_linsvc | grouped |" in table


def test_parallel_runs_keep_each_model_on_one_core(data, monkeypatch):
    # the forest's n_jobs=-1 inside n_jobs=2 runs would oversubscribe the cores
    from joblib import parallel_backend

    import sklearn_raman.benchmark as benchmark

    X, y, groups = data
    seen = []
    real = benchmark._run_one

    def spy(name, model, *args):
        seen.append({k: v for k, v in model.get_params().items() if "n_jobs" in k})
        return real(name, model, *args)

    monkeypatch.setattr(benchmark, "_run_one", spy)
    rf = classical_baselines(random_state=0)["rf"]
    assert rf.get_params()["randomforestclassifier__n_jobs"] == -1
    with parallel_backend("threading"):  # the spy runs in this process
        run_benchmark({"rf": rf}, X, y, n_repeats=2, n_jobs=2)
    assert seen == [{"randomforestclassifier__n_jobs": 1}] * 2
    assert rf.get_params()["randomforestclassifier__n_jobs"] == -1  # not modified
    seen.clear()
    run_benchmark({"rf": rf}, X, y, n_repeats=1)  # serial: left as it is
    assert seen == [{"randomforestclassifier__n_jobs": -1}]


def test_make_models_covers_every_name():
    models = make_models(model_names(), recipe={"max_epochs": 1}, random_state=0)
    assert list(models) == model_names()
    assert models["vgg1d"].max_epochs == 1 and models["rf"][-1].random_state == 0
    # the recommended net keeps its own recipe; overrides reach every deep model
    recommended = models["recommended"]
    assert isinstance(recommended, CompactResNet1DClassifier)
    assert recommended.max_epochs == CompactResNet1DClassifier().max_epochs
    assert recommended.random_state == 0
    models = make_models(
        ["recommended", "vgg1d"], recipe={"lr": 1.0}, overrides={"max_time": 60}
    )
    assert [m.max_time for m in models.values()] == [60, 60]
    assert models["vgg1d"].lr == 1.0 != models["recommended"].lr


def test_given_splits_are_used(data):
    X, y, _ = data
    split = (np.arange(0, len(y), 2), np.arange(1, len(y), 2))
    (record,) = run_benchmark(
        {"knn1": KNeighborsClassifier(1)}, X, y, protocol="mine", splits=[split]
    )
    assert record["protocol"] == "mine" and record["n_test"] == len(split[1])


def test_time_budget_stops_training(data):
    X, y, _ = data
    clf = SEResNet1DClassifier._create_test_instance(max_epochs=50, max_time=1e-3).fit(
        X, y
    )
    assert len(clf.history_) == 1
    record = run_benchmark({"cnn": clf}, X, y, n_repeats=1)[0]
    assert record["epochs"] == 1


def test_every_recipe_in_one_module_and_at_its_old_address():
    import subprocess
    import sys

    from sklearn_raman import _recipes, benchmark
    from sklearn_raman.neural import _params, _pretrain

    # one object each, importable where it used to be defined
    assert benchmark.PAPER_RECIPE is _recipes.PAPER_RECIPE
    assert benchmark.CPU_RECIPE is _recipes.CPU_RECIPE
    assert _params.TRAINING_DEFAULTS is _recipes.TRAINING_DEFAULTS
    assert _params.RECOMMENDED_RECIPE is _recipes.RECOMMENDED_RECIPE
    assert _pretrain.PRETRAINING is _recipes.PRETRAINING
    # the papers' recipe is the defaults themselves, and every recipe sets
    # training parameters only
    defaults = _recipes.TRAINING_DEFAULTS
    assert _recipes.PAPER_RECIPE == {
        "lr": 1e-4,
        "max_epochs": 200,
        "patience": 30,
        "batch_size": 32,
    }
    assert all(defaults[k] == v for k, v in _recipes.PAPER_RECIPE.items())
    for recipe in (
        _recipes.CPU_RECIPE,
        _recipes.RECOMMENDED_RECIPE,
        _recipes.PRETRAINING,
    ):
        assert set(recipe) <= set(defaults)
    assert _vgg_defaults() == {k: defaults[k] for k in _recipes.PAPER_RECIPE}
    # the recipes load without torch (the command line reads them first)
    code = "import sys, sklearn_raman._recipes; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def _vgg_defaults():
    from sklearn_raman.neural import VGG1DClassifier

    params = VGG1DClassifier().get_params()
    return {k: params[k] for k in ("lr", "max_epochs", "patience", "batch_size")}


def test_make_models_paper_recipe_trains_with_the_defaults():
    from sklearn_raman.benchmark import PAPER_RECIPE

    paper = make_models(["vgg1d"], recipe=PAPER_RECIPE)["vgg1d"].get_params()
    cpu = make_models(["vgg1d"])["vgg1d"].get_params()
    default = make_models(["vgg1d"], recipe={})["vgg1d"].get_params()
    assert paper == default and cpu != default
