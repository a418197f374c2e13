"""Plots of spectra, relevance maps, training and benchmark results.

matplotlib is the optional ``plot`` extra.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "plot_attention",
    "plot_benchmark",
    "plot_confusion_matrix",
    "plot_embedding",
    "plot_saliency",
    "plot_spectra",
    "plot_training_history",
]


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


def _axis(wavenumbers, n_points: int) -> np.ndarray:
    if wavenumbers is None:
        return np.arange(n_points)
    wavenumbers = np.asarray(wavenumbers, dtype=float)
    if wavenumbers.shape != (n_points,):
        raise ValueError(
            f"wavenumbers has shape {wavenumbers.shape}; the spectra have "
            f"{n_points} points"
        )
    return wavenumbers


def _label_axis(ax, wavenumbers) -> None:
    ax.set_xlabel("point" if wavenumbers is None else "Raman shift (cm$^{-1}$)")


def plot_spectra(
    X,
    y=None,
    wavenumbers=None,
    *,
    mean_std: bool = False,
    max_spectra: int = 50,
    ax=None,
):
    """Spectra on their wavenumber axis, one colour per class.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_points)
        Spectra on one grid.
    y : array-like of shape (n_samples,), default=None
        Class labels; None draws every spectrum in one colour.
    wavenumbers : array-like of shape (n_points,), default=None
        The grid; None numbers the points.
    mean_std : bool, default=False
        Draw each class's mean spectrum with a band of ± one standard deviation
        instead of the individual spectra.
    max_spectra : int, default=50
        At most this many individual spectra per class are drawn.
    ax : matplotlib Axes, default=None
        Where to draw; None: a new figure.

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.plotting import plot_spectra
    >>> X, y, wn = make_spectra(n_classes=3, random_state=0, return_wavenumbers=True)
    >>> ax = plot_spectra(X, y, wn, mean_std=True)
    """
    plt = _pyplot()
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_points); got shape {X.shape}")
    x = _axis(wavenumbers, X.shape[1])
    y = np.zeros(len(X), dtype=int) if y is None else np.asarray(y)
    if y.shape != (len(X),):
        raise ValueError(f"y has shape {y.shape}; X has {len(X)} spectra")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    classes = np.unique(y)
    colours = plt.get_cmap("tab10" if len(classes) <= 10 else "viridis")
    for i, label in enumerate(classes):
        colour = colours(i % 10 if len(classes) <= 10 else i / max(len(classes) - 1, 1))
        rows = X[y == label]
        name = str(label) if len(classes) > 1 else None
        if mean_std:
            mean, std = rows.mean(axis=0), rows.std(axis=0)
            ax.plot(x, mean, color=colour, lw=1.2, label=name)
            ax.fill_between(x, mean - std, mean + std, color=colour, alpha=0.25, lw=0)
        else:
            for j, row in enumerate(rows[:max_spectra]):
                ax.plot(
                    x,
                    row,
                    color=colour,
                    lw=0.6,
                    alpha=0.6,
                    label=name if j == 0 else None,
                )
    if len(classes) > 1 and len(classes) <= 20:
        ax.legend(title="class", fontsize="small")
    _label_axis(ax, wavenumbers)
    ax.set_ylabel("intensity")
    ax.figure.tight_layout()
    return ax


def plot_saliency(spectrum, relevance, wavenumbers=None, *, ax=None, cmap="Reds"):
    """A spectrum with a relevance map (e.g. Grad-CAM) shaded beneath it.

    Parameters
    ----------
    spectrum : array-like of shape (n_points,)
        The spectrum.
    relevance : array-like of shape (n_points,)
        Relevance per point, such as a row of
        :func:`sklearn_raman.inspection.grad_cam`.
    wavenumbers : array-like of shape (n_points,), default=None
        The grid; None numbers the points.
    ax : matplotlib Axes, default=None
        Where to draw; None: a new figure.
    cmap : str, default="Reds"
        Colour map of the relevance.

    Returns
    -------
    ax : matplotlib Axes
    """
    plt = _pyplot()
    spectrum = np.asarray(spectrum, dtype=float).ravel()
    relevance = np.asarray(relevance, dtype=float).ravel()
    if relevance.shape != spectrum.shape:
        raise ValueError(
            f"relevance has {relevance.size} points; the spectrum has {spectrum.size}"
        )
    x = _axis(wavenumbers, spectrum.size)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    low, high = spectrum.min(), spectrum.max()
    pad = 0.05 * (high - low or 1.0)
    image = ax.imshow(
        relevance[None, :],
        extent=(x[0], x[-1], low - pad, high + pad),
        aspect="auto",
        cmap=cmap,
        vmin=0,
        vmax=max(relevance.max(), 1e-12),
        alpha=0.8,
        origin="lower",
        interpolation="bilinear",
    )
    ax.plot(x, spectrum, color="black", lw=1.0)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, label="relevance")
    _label_axis(ax, wavenumbers)
    ax.set_ylabel("intensity")
    ax.figure.tight_layout()
    return ax


def plot_training_history(estimator, ax=None):
    """Training and validation loss per epoch (and validation accuracy, if kept).

    Parameters
    ----------
    estimator : SpectrumNetClassifier or skorch.History
        A fitted deep classifier (its ``history_``) or a skorch history.
    ax : matplotlib Axes, default=None
        Where to draw; None: a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The loss axes; validation accuracy, when recorded, is on a twin axis.
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


def plot_embedding(coordinates, y, ax=None):
    """Scatter plot of a 2-D map of spectra (e.g. t-SNE of CNN embeddings).

    Parameters
    ----------
    coordinates : array-like of shape (n_samples, 2)
        The map, e.g. from :func:`sklearn_raman.inspection.tsne_embedding`.
    y : array-like of shape (n_samples,)
        Class labels, one colour each.
    ax : matplotlib Axes, default=None
        Where to draw; None: a new figure.

    Returns
    -------
    ax : matplotlib Axes
    """
    plt = _pyplot()
    coordinates = np.asarray(coordinates, dtype=float)
    y = np.asarray(y)
    if coordinates.ndim != 2 or coordinates.shape[1] != 2:
        raise ValueError(f"coordinates must be (n_samples, 2); got {coordinates.shape}")
    if y.shape != (len(coordinates),):
        raise ValueError(f"y has shape {y.shape}; there are {len(coordinates)} points")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    classes = np.unique(y)
    for label in classes:
        rows = coordinates[y == label]
        ax.scatter(rows[:, 0], rows[:, 1], s=12, label=str(label))
    if len(classes) <= 20:
        ax.legend(title="class", fontsize="small", markerscale=1.5)
    ax.set(xticks=[], yticks=[])
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
