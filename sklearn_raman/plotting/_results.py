"""Plots of results: benchmark scores, confusions, training, attention."""

from __future__ import annotations

import numpy as np

from ._base import _pyplot


def plot_benchmark(records: list[dict], metric: str = "top1", ax=None):
    """Bar chart of a metric per model: mean with the std over runs as error bars.

    Parameters
    ----------
    records : list of dict
        As returned by :func:`sklearn_raman.benchmark.run_benchmark`.
    metric : str, default="top1"
        Key of the records to plot.
    ax : matplotlib Axes, default=None
        Where to draw; None: a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The bar chart.

    Examples
    --------
    >>> from sklearn_raman.plotting import plot_benchmark
    >>> records = [{"model": m, "protocol": "paper", "top1": score}
    ...            for m, score in [("knn", 0.80), ("knn", 0.84), ("svm", 0.90)]]
    >>> ax = plot_benchmark(records)
    """
    plt = _pyplot()
    keys = list(dict.fromkeys((r["model"], r["protocol"]) for r in records))
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4.0, 0.7 * len(keys) + 1.5), 3.5))
    protocols = list(dict.fromkeys(p for _, p in keys))
    labels = [m if len(protocols) == 1 else f"{m}\n{p}" for m, p in keys]
    values = [
        [r[metric] for r in records if (r["model"], r["protocol"]) == k] for k in keys
    ]
    means = [np.nanmean(v) for v in values]
    stds = [np.nanstd(v) for v in values]
    ax.bar(range(len(keys)), means, yerr=stds, capsize=4, color="tab:blue")
    ax.set_xticks(range(len(keys)), labels, rotation=30, ha="right")
    ax.set_ylabel(metric)
    low = min(means) - 2 * max(stds) if means else 0
    ax.set_ylim(max(0.0, min(0.9 * low, low - 0.05)), 1.0)
    ax.figure.tight_layout()
    return ax


def plot_confusion_matrix(y_true, y_pred, ax=None, max_labels: int = 30):
    """Confusion matrix as an image, rows normalised to the true class.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels.
    ax : matplotlib Axes, default=None
        Where to draw; None: a new figure.
    max_labels : int, default=30
        Class names are written on the axes up to this many classes.

    Returns
    -------
    ax : matplotlib Axes
        The matrix, true classes as rows.

    Examples
    --------
    >>> from sklearn_raman.plotting import plot_confusion_matrix
    >>> ax = plot_confusion_matrix(["calcite", "quartz", "quartz"],
    ...                            ["calcite", "quartz", "calcite"])
    """
    from sklearn.metrics import confusion_matrix

    plt = _pyplot()
    labels = np.unique(np.concatenate([np.asarray(y_true), np.asarray(y_pred)]))
    cm = confusion_matrix(y_true, y_pred, labels=labels).astype(float)
    cm /= np.maximum(cm.sum(axis=1, keepdims=True), 1)
    if ax is None:
        size = min(10.0, 3 + 0.25 * len(labels))
        _, ax = plt.subplots(figsize=(size, size))
    image = ax.imshow(cm, cmap="Blues", vmin=0, vmax=1, interpolation="nearest")
    ax.figure.colorbar(image, ax=ax, fraction=0.046)
    if len(labels) <= max_labels:
        ticks = range(len(labels))
        ax.set_xticks(ticks, labels, rotation=90)
        ax.set_yticks(ticks, labels)
    ax.set(xlabel="predicted", ylabel="true")
    ax.figure.tight_layout()
    return ax


def plot_training_history(estimator, ax=None):
    """Training and validation loss per epoch (and validation accuracy, if kept).

    Parameters
    ----------
    estimator : SpectrumNetClassifier, skorch.History or list of dict
        A fitted deep classifier (its ``history_``), or a skorch history.
    ax : matplotlib Axes, default=None
        Where to draw; None: a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The loss axes; validation accuracy, when recorded, is on a twin axis.

    Examples
    --------
    A skorch ``History`` (a fitted deep classifier's ``history_``) is a list of
    such records, one per epoch:

    >>> from sklearn_raman.plotting import plot_training_history
    >>> history = [{"epoch": 1, "train_loss": 0.9, "valid_loss": 1.1},
    ...            {"epoch": 2, "train_loss": 0.6, "valid_loss": 0.8}]
    >>> ax = plot_training_history(history)
    """
    plt = _pyplot()
    history = getattr(estimator, "history_", estimator)
    try:
        epochs = [row["epoch"] for row in history]
    except (TypeError, KeyError) as exc:
        raise TypeError(
            "expected a fitted deep classifier or a skorch History; got "
            f"{type(estimator).__name__}"
        ) from exc
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))

    def column(key):
        values = [row.get(key, np.nan) for row in history]
        return np.asarray(values, dtype=float)

    ax.plot(epochs, column("train_loss"), label="train loss", color="tab:blue")
    if np.isfinite(column("valid_loss")).any():
        ax.plot(epochs, column("valid_loss"), label="valid loss", color="tab:orange")
    if np.isfinite(column("valid_acc")).any():
        twin = ax.twinx()
        twin.plot(epochs, column("valid_acc"), label="valid acc", color="tab:green")
        twin.set_ylabel("validation accuracy")
        lines = ax.get_lines() + twin.get_lines()
    else:
        lines = ax.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], fontsize="small")
    ax.set(xlabel="epoch", ylabel="loss")
    ax.figure.tight_layout()
    return ax


def plot_attention(weights, query_extents=None, wavenumbers=None, *, ax=None):
    """Cross-modal attention as a heat map: spectral bands × image regions.

    Parameters
    ----------
    weights : array-like of shape (n_query, n_key) or (n_samples, n_query, n_key)
        Attention weights, e.g. ``MultimodalClassifier.attention(X)["ftir",
        "sem"]``; several samples are averaged (NaN, a missing modality, left
        out).
    query_extents : list of tuple of slice, default=None
        The input region of each query token
        (``MultimodalClassifier.token_extents()["ftir"]``): the rows are then
        placed at their spectral positions; None numbers the tokens.
    wavenumbers : array-like, default=None
        The spectrum's grid, to label the rows in cm⁻¹ (with ``query_extents``).
    ax : matplotlib Axes, default=None
        Where to draw; None: a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The heat map.

    Examples
    --------
    Four spectral tokens that attend evenly to nine image patches:

    >>> import numpy as np
    >>> from sklearn_raman.plotting import plot_attention
    >>> ax = plot_attention(np.full((4, 9), 1 / 9))
    """
    plt = _pyplot()
    weights = np.asarray(weights, dtype=float)
    if weights.ndim == 3:
        with np.errstate(invalid="ignore"):
            present = ~np.isnan(weights).all(axis=(1, 2))
            if not present.any():
                raise ValueError("every sample's weights are NaN (modality missing)")
            weights = np.nanmean(weights[present], axis=0)
    if weights.ndim != 2:
        raise ValueError(
            f"weights must be (n_query, n_key) or (n_samples, n_query, n_key); "
            f"got shape {weights.shape}"
        )
    n_query, n_key = weights.shape
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4.5))
    edges = np.arange(n_query + 1, dtype=float)
    label = "query token"
    if query_extents is not None:
        if len(query_extents) != n_query:
            raise ValueError(
                f"{len(query_extents)} query extents for {n_query} rows of weights"
            )
        bounds = [e[0].start for e in query_extents] + [query_extents[-1][0].stop]
        edges = np.asarray(bounds, dtype=float)
        label = "spectrum point"
        if wavenumbers is not None:
            grid = np.asarray(wavenumbers, dtype=float)
            edges = np.interp(edges - 0.5, np.arange(len(grid)), grid)
            label = "Raman shift / wavenumber (cm$^{-1}$)"
    mesh = ax.pcolormesh(np.arange(n_key + 1) - 0.5, edges, weights, cmap="viridis")
    ax.figure.colorbar(mesh, ax=ax, fraction=0.046, label="attention weight")
    ax.set(xlabel="key token (image patch, row by row)", ylabel=label)
    ax.figure.tight_layout()
    return ax
