"""Compare deep and classical classifiers on the same spectra, splits and metrics."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone

from ._recipes import CPU_RECIPE, PAPER_RECIPE
from ._registry import DeepModels
from .baselines import classical_baselines
from .metrics import class_scores, paper_metrics
from .model_selection import PaperSplit, SampleGroupedSplit, unseen_class_share
from .neighbors import LibrarySearchClassifier

__all__ = [
    "CPU_RECIPE",
    "DEEP_MODELS",
    "METRICS",
    "OWN_RECIPE_MODELS",
    "PAPER_RECIPE",
    "make_models",
    "model_names",
    "protocol_splits",
    "run_benchmark",
    "summarize",
]

#: command-line names of the deep classifiers trained with the chosen recipe
#: (classes imported on first access: torch loads only when a deep model runs)
DEEP_MODELS = DeepModels(own_recipe=False)
#: the deep classifiers that train with their own defaults (``recommended``)
OWN_RECIPE_MODELS = DeepModels(own_recipe=True)
# PAPER_RECIPE (the papers' recipe, the deep classifiers' defaults) and
# CPU_RECIPE (one that finishes in minutes on a CPU) live with every other
# recipe in sklearn_raman._recipes
#: the metrics of every record, in table order
METRICS = (
    "top1",
    "top3",
    "top5",
    "precision_weighted",
    "recall_weighted",
    "f1_weighted",
    "roc_auc",
    "pr_auc",
)


def model_names() -> list[str]:
    """Names accepted by :func:`make_models`: classical, library search, deep.

    Returns
    -------
    names : list of str
        The classical baselines, ``"library"`` (cosine similarity) and
        ``"library_pearson"`` (Pearson correlation, Open Specy's measure: a
        query far less noisy than the references, such as a particle's mean
        spectrum in a map, keeps its similarity, which the cosine of
        min-max-normalised spectra does not), the models with their own
        recipe (``"recommended"``, ...), then the literature's deep nets.

    Examples
    --------
    >>> from sklearn_raman.benchmark import model_names
    >>> model_names()[:2], "recommended" in model_names()
    (['knn1', 'knn5'], True)
    """
    return [
        *classical_baselines(),
        "library",
        "library_pearson",
        *OWN_RECIPE_MODELS,
        *DEEP_MODELS,
    ]


def make_models(
    names,
    *,
    recipe: dict | None = None,
    overrides: dict | None = None,
    device: str = "auto",
    random_state=None,
) -> dict:
    """Fresh estimators by name, the deep ones trained with ``recipe``.

    ``recommended`` is :class:`~sklearn_raman.neural.CompactResNet1DClassifier`
    with its own defaults (its recipe), not ``recipe``.

    Parameters
    ----------
    names : iterable of str
        Names from :func:`model_names`.
    recipe : dict, default=None
        Training parameters of the literature's deep classifiers (``lr``,
        ``max_epochs``, ``patience``, ...); None: :data:`CPU_RECIPE`.
    overrides : dict, default=None
        Training parameters set on every deep classifier, ``recommended``
        included (e.g. ``{"max_time": 600}``); they win over ``recipe``.
    device : str, default="auto"
        Device of the deep classifiers.
    random_state : int or None, default=None
        Seed of every model.

    Returns
    -------
    models : dict of str to estimator
        A fresh, unfitted estimator per name, in the order given.

    Examples
    --------
    >>> from sklearn_raman.benchmark import make_models
    >>> sorted(make_models(["knn1", "library", "seresnet1d"]))
    ['knn1', 'library', 'seresnet1d']
    """
    classical = classical_baselines(random_state=random_state)
    recipe = {**(CPU_RECIPE if recipe is None else recipe), **(overrides or {})}
    models = {}
    for name in names:
        if name in classical:
            models[name] = classical[name]
        elif name == "library":
            models[name] = LibrarySearchClassifier(metric="cosine")
        elif name == "library_pearson":
            models[name] = LibrarySearchClassifier(metric="pearson")
        elif name in OWN_RECIPE_MODELS:
            models[name] = OWN_RECIPE_MODELS[name](
                **(overrides or {}), device=device, random_state=random_state
            )
        elif name in DEEP_MODELS:
            models[name] = DEEP_MODELS[name](
                **recipe, device=device, random_state=random_state
            )
        else:
            raise ValueError(f"unknown model {name!r}; choose from {model_names()}")
    return models


def protocol_splits(
    protocol: str,
    X,
    y,
    groups=None,
    *,
    n_repeats: int = 3,
    random_state: int = 0,
    stratified_groups: bool = True,
):
    """Train / test index pairs of a protocol.

    Parameters
    ----------
    protocol : {"random", "grouped"}
        ``"random"``: the papers' stratified 70 / 30 split
        (:class:`~sklearn_raman.model_selection.PaperSplit`), new per repeat.
        ``"grouped"``: one fold of a 3-fold split by sample id
        (:class:`~sklearn_raman.model_selection.SampleGroupedSplit`), reshuffled
        per repeat, so no sample has spectra on both sides.
    X, y : array-like
        Spectra and labels.
    groups : array-like, default=None
        Sample ids; needed for ``"grouped"``.
    n_repeats : int, default=3
        Number of splits.
    random_state : int, default=0
        Seed.
    stratified_groups : bool, default=True
        For ``"grouped"``: balance classes across folds (False: plain group
        k-fold, see :class:`~sklearn_raman.model_selection.SampleGroupedSplit`).

    Returns
    -------
    splits : list of (ndarray, ndarray)
        (train, test) row indices, one pair per repeat (``"random"``) or fold
        (``"grouped"``).

    Examples
    --------
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.benchmark import protocol_splits
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=10, random_state=0)
    >>> splits = protocol_splits("random", X, y, n_repeats=2)
    >>> len(splits), len(splits[0][1])
    (2, 9)
    """
    if protocol == "random":
        return list(PaperSplit(n_repeats, random_state=random_state).split(X, y))
    if protocol == "grouped":
        if groups is None:
            raise ValueError("protocol 'grouped' needs the sample id of every spectrum")
        return [
            next(
                SampleGroupedSplit(
                    3, stratified=stratified_groups, random_state=random_state + r
                ).split(X, y, groups)
            )
            for r in range(n_repeats)
        ]
    raise ValueError(f"protocol must be 'random' or 'grouped'; got {protocol!r}")


def _one_core(model):
    """A clone of ``model`` with every ``n_jobs`` parameter set to 1."""
    model = clone(model)
    inner = {
        key: 1
        for key in model.get_params(deep=True)
        if key == "n_jobs" or key.endswith("__n_jobs")
    }
    return model.set_params(**inner)


def _run_one(name, model, X, y, train, test, protocol, repeat, keep_predictions):
    est = clone(model)
    t0 = time.perf_counter()
    est.fit(X[train], y[train])
    t1 = time.perf_counter()
    y_pred = est.predict(X[test])
    scores = class_scores(est, X[test])
    t2 = time.perf_counter()
    record = {
        "model": name,
        "protocol": protocol,
        "repeat": repeat,
        **paper_metrics(y[test], scores, est.classes_, y_pred=y_pred),
        "fit_s": t1 - t0,
        "predict_s": t2 - t1,
        "n_train": int(len(train)),
        "n_test": int(len(test)),
        "unseen_class_share": unseen_class_share(y, train, test),
    }
    if hasattr(est, "history_"):  # deep models: epochs actually trained
        record["epochs"] = len(est.history_)
    if keep_predictions:
        record["y_true"] = y[test].tolist()
        record["y_pred"] = y_pred.tolist()
    return record


def run_benchmark(
    models: Mapping[str, object],
    X,
    y,
    *,
    groups=None,
    protocol: str = "random",
    n_repeats: int = 3,
    random_state: int = 0,
    n_jobs: int | None = None,
    progress: Callable[[dict, int, int], None] | None = None,
    keep_predictions: bool = False,
    stratified_groups: bool = True,
    splits=None,
) -> list[dict]:
    """Fit and score every model on the splits of a protocol.

    Every model sees the same splits; deep and classical models are scored with
    the same metrics (:func:`~sklearn_raman.metrics.paper_metrics`).

    Parameters
    ----------
    models : mapping of str to estimator
        Unfitted estimators by name; each is cloned for every split.
    X : array-like of shape (n_samples, n_points)
        Spectra on one grid.
    y : array-like of shape (n_samples,)
        Labels.
    groups : array-like of shape (n_samples,), default=None
        Sample ids (for ``protocol="grouped"``).
    protocol : {"random", "grouped"}, default="random"
        See :func:`protocol_splits`.
    n_repeats : int, default=3
        Number of splits.
    random_state : int, default=0
        Seed of the splits.
    n_jobs : int, default=None
        Runs (model x split) in parallel with joblib; None: one at a time.
        With parallel runs every model's own ``n_jobs`` is set to 1.
    progress : callable, default=None
        Called as ``progress(record, done, total)`` after each run.
    keep_predictions : bool, default=False
        Keep ``y_true`` and ``y_pred`` in each record (for confusion matrices).
    stratified_groups : bool, default=True
        See :func:`protocol_splits`.
    splits : list of (train, test) index arrays, default=None
        Use these splits (``protocol`` then only labels the records); None:
        draw ``n_repeats`` splits of ``protocol``.

    Returns
    -------
    records : list of dict
        One per model and split: ``model``, ``protocol``, ``repeat``, the
        metrics of :data:`METRICS` (and macro P/R/F1), ``fit_s``, ``predict_s``,
        ``n_train``, ``n_test``, ``unseen_class_share``.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.benchmark import run_benchmark
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=20, random_state=0)
    >>> records = run_benchmark({"knn1": KNeighborsClassifier(1)}, X, y, n_repeats=1)
    >>> records[0]["model"], records[0]["top1"] > 0.9
    ('knn1', True)
    """
    X, y = np.asarray(X), np.asarray(y)
    if splits is None:
        splits = protocol_splits(
            protocol,
            X,
            y,
            groups,
            n_repeats=n_repeats,
            random_state=random_state,
            stratified_groups=stratified_groups,
        )
    if n_jobs not in (None, 1):
        # parallel runs: models that would parallelise inside (a forest's
        # n_jobs=-1) use one core each, or the cores are oversubscribed
        models = {name: _one_core(model) for name, model in models.items()}
    jobs = [
        (name, model, train, test, repeat)
        for repeat, (train, test) in enumerate(splits)
        for name, model in models.items()
    ]
    records = []
    runs = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_run_one)(
            name, model, X, y, train, test, protocol, repeat, keep_predictions
        )
        for name, model, train, test, repeat in jobs
    )
    for record in runs:
        records.append(record)
        if progress is not None:
            progress(record, len(records), len(jobs))
    return records


def summarize(
    records: list[dict], metrics=("top1", "top3", "f1_weighted", "roc_auc", "pr_auc")
) -> str:
    """Markdown table of mean ± std per model (and protocol).

    Parameters
    ----------
    records : list of dict
        As returned by :func:`run_benchmark`.
    metrics : sequence of str
        Columns besides the timings.

    Returns
    -------
    table : str
        One row per model and protocol, in order of first appearance.

    Examples
    --------
    >>> from sklearn_raman.benchmark import summarize
    >>> records = [{"model": "knn1", "protocol": "random", "top1": 0.9,
    ...             "fit_s": 0.1, "predict_s": 0.01}]
    >>> print(summarize(records, metrics=("top1",)))  # doctest: +ELLIPSIS
    | model | protocol | top1 | fit s | predict s | runs |
    ...
    """
    keys = list(dict.fromkeys((r["model"], r["protocol"]) for r in records))
    head = ["model", "protocol", *metrics, "fit s", "predict s", "runs"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for model, protocol in keys:
        rows = [r for r in records if r["model"] == model and r["protocol"] == protocol]

        def stat(key, fmt, rows=rows):
            v = np.array([r[key] for r in rows], dtype=float)
            return f"{np.nanmean(v):{fmt}} ± {np.nanstd(v):{fmt}}"

        cells = [
            model,
            protocol,
            *(stat(m, ".4f") for m in metrics),
            stat("fit_s", ".1f"),
            stat("predict_s", ".2f"),
            str(len(rows)),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
