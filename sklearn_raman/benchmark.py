"""Compare classifiers on the same spectra, splits and metrics."""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np
from sklearn.base import clone
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedShuffleSplit

from .baselines import classical_baselines
from .neural import (
    AlexNet1DClassifier,
    DeepCIDClassifier,
    DRCNNClassifier,
    LeNet1DClassifier,
    LiuCNNClassifier,
    ResNet1DClassifier,
    SEResNet1DClassifier,
    VGG1DClassifier,
    ZhangCNNClassifier,
)

#: command-line names of the deep classifiers
DEEP_MODELS = {
    "vgg1d": VGG1DClassifier,
    "drcnn": DRCNNClassifier,
    "seresnet1d": SEResNet1DClassifier,
    "resnet1d": ResNet1DClassifier,
    "liu": LiuCNNClassifier,
    "deepcid": DeepCIDClassifier,
    "zhang": ZhangCNNClassifier,
    "lenet1d": LeNet1DClassifier,
    "alexnet1d": AlexNet1DClassifier,
}
#: the papers' training recipe (Sang 2021, Zhou 2022)
PAPER_RECIPE = {"lr": 1e-4, "max_epochs": 200, "patience": 30, "batch_size": 32}
#: a recipe that finishes in minutes on a CPU
CPU_RECIPE = {"lr": 1e-3, "max_epochs": 40, "patience": 10, "batch_size": 32}


def model_names() -> list[str]:
    """Names accepted by :func:`make_models`: classical, then deep."""
    return [*classical_baselines(), *DEEP_MODELS]


def make_models(
    names, *, recipe: dict | None = None, device: str = "auto", random_state=None
) -> dict:
    """Fresh estimators by name, the deep ones trained with ``recipe``.

    Parameters
    ----------
    names : iterable of str
        Names from :func:`model_names`.
    recipe : dict, default=None
        Training parameters of the deep classifiers (``lr``, ``max_epochs``,
        ``patience``, ...); None: :data:`CPU_RECIPE`.
    device : str, default="auto"
        Device of the deep classifiers.
    random_state : int or None, default=None
        Seed of every model.

    Returns
    -------
    models : dict of str to estimator
    """
    classical = classical_baselines(random_state=random_state)
    recipe = CPU_RECIPE if recipe is None else recipe
    models = {}
    for name in names:
        if name in classical:
            models[name] = classical[name]
        elif name in DEEP_MODELS:
            models[name] = DEEP_MODELS[name](
                **recipe, device=device, random_state=random_state
            )
        else:
            raise ValueError(f"unknown model {name!r}; choose from {model_names()}")
    return models


def run_benchmark(
    models: Mapping[str, object],
    X,
    y,
    *,
    test_size: float = 0.3,
    n_repeats: int = 3,
    random_state: int = 0,
    progress=None,
) -> list[dict]:
    """Fit and score every model on repeated stratified train/test splits.

    Parameters
    ----------
    models : mapping of str to estimator
        Unfitted estimators by name; each is cloned for every split.
    X : array-like of shape (n_samples, n_points)
        Spectra on one grid.
    y : array-like of shape (n_samples,)
        Labels.
    test_size : float, default=0.3
        Share of spectra held out for testing (the papers use 0.3).
    n_repeats : int, default=3
        Number of random splits.
    random_state : int, default=0
        Seed of the splits.
    progress : callable, default=None
        Called with each finished record (e.g. to print it).

    Returns
    -------
    records : list of dict
        One per model and split: ``model``, ``protocol``, ``repeat``, ``top1``,
        ``f1_weighted``, ``fit_s``, ``predict_s``.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.benchmark import run_benchmark
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=20, random_state=0)
    >>> records = run_benchmark({"knn1": KNeighborsClassifier(1)}, X, y, n_repeats=1)
    >>> sorted(records[0])[:3]
    ['f1_weighted', 'fit_s', 'model']
    """
    X, y = np.asarray(X), np.asarray(y)
    splitter = StratifiedShuffleSplit(
        n_splits=n_repeats, test_size=test_size, random_state=random_state
    )
    records = []
    for repeat, (train, test) in enumerate(splitter.split(X, y)):
        for name, model in models.items():
            est = clone(model)
            t0 = time.perf_counter()
            est.fit(X[train], y[train])
            t1 = time.perf_counter()
            pred = est.predict(X[test])
            t2 = time.perf_counter()
            record = {
                "model": name,
                "protocol": "random",
                "repeat": repeat,
                "top1": float(accuracy_score(y[test], pred)),
                "f1_weighted": float(
                    f1_score(y[test], pred, average="weighted", zero_division=0)
                ),
                "fit_s": t1 - t0,
                "predict_s": t2 - t1,
            }
            records.append(record)
            if progress is not None:
                progress(record)
    return records


def summarize(records: list[dict]) -> str:
    """Markdown table of mean ± std per model.

    Parameters
    ----------
    records : list of dict
        As returned by :func:`run_benchmark`.

    Returns
    -------
    table : str
        One row per model, in order of first appearance.
    """
    names = list(dict.fromkeys(r["model"] for r in records))
    lines = [
        "| model | top-1 | F1 (weighted) | fit s | predict s |",
        "|---|---|---|---|---|",
    ]
    for name in names:
        rows = [r for r in records if r["model"] == name]

        def stat(key, fmt, rows=rows):
            v = np.array([r[key] for r in rows])
            return f"{v.mean():{fmt}} ± {v.std():{fmt}}"

        lines.append(
            f"| {name} | {stat('top1', '.4f')} | {stat('f1_weighted', '.4f')} | "
            f"{stat('fit_s', '.2f')} | {stat('predict_s', '.3f')} |"
        )
    return "\n".join(lines)
