"""Plots of benchmark results (matplotlib, the ``plot`` extra)."""

from __future__ import annotations

import numpy as np


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plotting needs matplotlib: pip install 'sklearn_raman[plot]'"
        ) from exc
    return plt


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
