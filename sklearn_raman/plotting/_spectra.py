"""Plots of spectra: as drawn, with a relevance map, as a 2-D embedding."""

from __future__ import annotations

import numpy as np

from ._base import _axis, _label_axis, _pyplot


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
        The plot.

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
        The plot.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.plotting import plot_saliency
    >>> x = np.linspace(-1, 1, 100)
    >>> ax = plot_saliency(np.exp(-(x**2) / 0.01), np.abs(x) < 0.2)
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
        The scatter plot.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.plotting import plot_embedding
    >>> points = np.random.default_rng(0).normal(size=(20, 2))
    >>> ax = plot_embedding(points, np.repeat(["calcite", "quartz"], 10))
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
