"""Plots of an identified hyperspectral map: its materials and particle sizes.

A map identified pixel by pixel is an integer image of ``codes`` (``-2``
background, ``-1`` unknown material, ``k >= 0`` the class ``classes[k]``) and,
optionally, an image of ``particle_labels`` (``0`` no particle, ``1..n`` a
particle: connected pixels of one material).

Both plots colour a material by its rank among the sorted names of the
materials they show (:func:`_material_colours`), so that a material map and
the size distribution of its particles give a material the same colour.
"""

from __future__ import annotations

import numpy as np

from .._utils import _same
from ._base import _pyplot

#: colour of the background pixels (no signal) and of unknown material
BACKGROUND_COLOUR = (0.95, 0.95, 0.95, 1.0)
UNKNOWN_COLOUR = (0.25, 0.25, 0.25, 1.0)


def _material_colours(n: int) -> np.ndarray:
    """RGBA of ``n`` materials: tab10, then tab20's light tones, tab20b, tab20c.

    The greys of the tab maps are left out (they are the background's and the
    unknown's); the sequence does not depend on ``n`` (material ``i`` has one
    colour however many there are), and repeats past its 54 colours.
    """
    from matplotlib import colormaps

    tab20 = colormaps["tab20"].colors
    sequence = [
        *(c for i, c in enumerate(tab20[0::2]) if i != 7),  # tab10 less its grey
        *(c for i, c in enumerate(tab20[1::2]) if i != 7),  # its light tones
        *colormaps["tab20b"].colors,
        *colormaps["tab20c"].colors[:16],  # less its four greys
    ]
    rgb = np.asarray(sequence, dtype=float)[np.arange(n) % len(sequence)]
    return np.column_stack([rgb, np.ones(n)])


def _outline(particle_labels: np.ndarray) -> np.ndarray:
    """Boundary pixels of every particle: a 4-neighbour is not of that particle.

    Outside the image counts as not of the particle, so a particle on the
    border is closed there; two touching particles both have their outline.
    """
    padded = np.pad(particle_labels, 1)
    inner = padded[1:-1, 1:-1]
    differs = (
        (padded[:-2, 1:-1] != inner)
        | (padded[2:, 1:-1] != inner)
        | (padded[1:-1, :-2] != inner)
        | (padded[1:-1, 2:] != inner)
    )
    return (inner > 0) & differs


def _check_pixel_size(pixel_size_um) -> tuple[float, float]:
    try:
        dx, dy = (float(v) for v in pixel_size_um)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"pixel_size_um must be two numbers (x, y) in µm; got {pixel_size_um!r}"
        ) from exc
    if not (np.isfinite([dx, dy]).all() and dx > 0 and dy > 0):
        raise ValueError(
            f"pixel_size_um must be two positive numbers (x, y) in µm; "
            f"got {pixel_size_um!r}"
        )
    return dx, dy


def _check_integer_image(image, name: str) -> np.ndarray:
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"{name} must be 2-D (ny, nx); got shape {image.shape}")
    if image.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an integer array; got dtype {image.dtype}")
    return image


def plot_material_map(
    codes,
    classes,
    *,
    particle_labels=None,
    pixel_size_um: tuple[float, float] = (1.0, 1.0),
    ax=None,
    title: str | None = None,
):
    """Image of the material of every pixel of a map, with particle outlines.

    Each material present gets a colour of a qualitative map (tab10, and more
    for more materials) by its rank among the sorted names of the materials
    present, the order :func:`plot_size_distribution` colours them in; the
    background is light grey and unknown material dark grey. The outlines of
    all particles are one overlay image of their boundary pixels in black.

    Parameters
    ----------
    codes : array-like of int, shape (ny, nx)
        Per pixel: ``-2`` background (no signal), ``-1`` unknown material,
        ``k >= 0`` the material ``classes[k]``.
    classes : array-like of shape (n_classes,)
        The material names (str or int) the codes index.
    particle_labels : array-like of int, shape (ny, nx), default=None
        Per pixel: ``0`` no particle, ``1..n`` the particle it belongs to; the
        boundary pixels of each particle are drawn in black. None: no
        outlines.
    pixel_size_um : tuple of float, default=(1.0, 1.0)
        Pixel size ``(x, y)`` in µm: the axes are in µm, row 0 at the top.
    ax : matplotlib Axes, default=None
        Where to draw; None: a new figure.
    title : str, default=None
        Title of the axes; None: none.

    Returns
    -------
    ax : matplotlib Axes
        The map: ``ax.images[0]`` the materials (RGBA), ``ax.images[1]`` the
        outlines when ``particle_labels`` is given; the legend names each
        material present with its pixel count.

    See Also
    --------
    plot_size_distribution : Particle counts per size class and material.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.plotting import plot_material_map
    >>> codes = np.full((40, 60), -2)
    >>> codes[5:15, 5:20] = 0
    >>> codes[20:35, 30:50] = 1
    >>> codes[25:30, 10:15] = -1
    >>> labels = np.zeros_like(codes)
    >>> labels[5:15, 5:20], labels[20:35, 30:50], labels[25:30, 10:15] = 1, 2, 3
    >>> ax = plot_material_map(codes, ["calcite", "quartz"],
    ...                        particle_labels=labels, pixel_size_um=(5.0, 5.0))
    >>> ax.images[0].get_extent()
    [0.0, 300.0, 200.0, 0.0]
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['calcite (150 px)', 'quartz (300 px)', 'unknown (25 px)', 'background (1925 px)']
    """  # noqa: E501
    plt = _pyplot()
    codes = _check_integer_image(codes, "codes")
    classes = np.asarray(classes)
    if classes.ndim != 1:
        raise ValueError(f"classes must be 1-D; got shape {classes.shape}")
    n_classes = len(classes)
    low, high = (int(codes.min()), int(codes.max())) if codes.size else (0, 0)
    if low < -2 or high >= n_classes:
        bad = low if low < -2 else high
        row, col = np.argwhere(codes == bad)[0]
        raise ValueError(
            f"codes holds {bad} (row {row}, column {col}); a code is -2 "
            f"(background), -1 (unknown) or an index into the {n_classes} "
            f"classes (0..{n_classes - 1})"
        )
    if particle_labels is not None:
        particle_labels = _check_integer_image(particle_labels, "particle_labels")
        if particle_labels.shape != codes.shape:
            raise ValueError(
                f"particle_labels has shape {particle_labels.shape}; codes has "
                f"{codes.shape}"
            )
        if particle_labels.size and particle_labels.min() < 0:
            raise ValueError(
                f"particle_labels holds {int(particle_labels.min())}; a label is 0 "
                "(no particle) or a particle id 1..n"
            )
    dx, dy = _check_pixel_size(pixel_size_um)

    counts = np.bincount(codes.ravel() + 2, minlength=n_classes + 2)
    class_counts = counts[2:]
    present = np.flatnonzero(class_counts)
    # one colour per name (a name twice in classes is one material)
    names = np.unique(classes[present])
    palette = _material_colours(len(names))
    lookup = np.empty((n_classes + 2, 4))
    lookup[0], lookup[1] = BACKGROUND_COLOUR, UNKNOWN_COLOUR
    lookup[2:] = BACKGROUND_COLOUR  # classes absent from the map: never drawn
    if len(names):
        lookup[2 + present] = palette[np.searchsorted(names, classes[present])]
    rgba = (lookup[codes + 2] * 255).round().astype(np.uint8)

    ny, nx = codes.shape
    extent = (0.0, nx * dx, ny * dy, 0.0)
    if ax is None:
        width = 6.0 * min(1.0, max(0.5, (nx * dx) / max(ny * dy, 1e-12)))
        _, ax = plt.subplots(figsize=(width + 2.5, 6.0))
    ax.imshow(rgba, extent=extent, origin="upper", interpolation="nearest")
    if particle_labels is not None:
        overlay = np.zeros((ny, nx, 4), dtype=np.uint8)
        overlay[_outline(particle_labels), 3] = 255  # black, opaque
        # antialiased: shrunk to the screen, an outline fades instead of breaking
        ax.imshow(overlay, extent=extent, origin="upper", interpolation="antialiased")

    from matplotlib.patches import Patch

    handles = []
    for name, colour in zip(names, palette):
        n_pixels = int(class_counts[present[classes[present] == name]].sum())
        handles.append(Patch(color=colour, label=f"{name} ({n_pixels} px)"))
    for code, label in ((1, "unknown"), (0, "background")):
        if counts[code]:
            handles.append(
                Patch(
                    facecolor=lookup[code],
                    edgecolor="0.6",
                    label=f"{label} ({counts[code]} px)",
                )
            )
    if handles:
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.02, 1.0),
            fontsize="small",
            ncols=1 + (len(handles) - 1) // 25,
            frameon=False,
        )
    ax.set(xlabel="x (µm)", ylabel="y (µm)")
    if title is not None:
        ax.set_title(title)
    ax.figure.tight_layout()
    return ax


def _check_size_classes(size_classes) -> np.ndarray:
    edges = np.asarray(size_classes)
    if (
        edges.ndim != 1
        or not len(edges)
        or edges.dtype.kind not in "iuf"
        or not np.isfinite(edges).all()
    ):
        raise ValueError(
            "size_classes must be a 1-D sequence of finite numbers (µm); got "
            f"{size_classes!r}"
        )
    if edges[0] <= 0 or np.any(np.diff(edges) <= 0):
        raise ValueError(
            f"size_classes must be positive and strictly increasing; got "
            f"{edges.tolist()}"
        )
    return edges.astype(float)


def _size_labels(edges: np.ndarray) -> list[str]:
    """Bin names, those of the particle tables (bins closed on the left)."""
    from ..maps import size_class_names

    return size_class_names(edges)


def plot_size_distribution(
    materials,
    feret_max_um,
    *,
    size_classes=(20, 50, 100, 500),
    unknown_label="unknown",
    ax=None,
    title: str | None = None,
):
    """Grouped bar chart: particle counts per size class, one bar per material.

    The size classes are the bins of the maximum Feret diameter between the
    edges ``size_classes``, closed on the left: with the default edges
    ``< 20``, ``20-50``, ``50-100``, ``100-500`` and ``>= 500`` µm, and a
    particle of exactly 20 µm in ``20-50``. Materials are coloured in the
    order of their sorted names, as :func:`plot_material_map` colours the
    materials of a map; the unknown particles are dark grey, last.

    Parameters
    ----------
    materials : array-like of shape (n_particles,)
        The material (name, str or int) of each particle.
    feret_max_um : array-like of float, shape (n_particles,)
        The maximum Feret diameter of each particle in µm (finite, >= 0).
    size_classes : sequence of float, default=(20, 50, 100, 500)
        The edges between the size classes in µm: positive and strictly
        increasing; ``k`` edges make ``k + 1`` classes.
    unknown_label : str, int or None, default="unknown"
        The material of unidentified particles (``-1`` for integer classes,
        as :class:`~sklearn_raman.open_set.OpenSetClassifier` predicts): drawn
        in the map's unknown grey, after the other materials. None: no
        material is the unknown.
    ax : matplotlib Axes, default=None
        Where to draw; None: a new figure.
    title : str, default=None
        Title of the axes; None: none.

    Returns
    -------
    ax : matplotlib Axes
        The chart: the size classes on x, the particle count on y; the bars
        of a material are one container of ``ax.containers``, in the order of
        the legend.

    See Also
    --------
    plot_material_map : The map the particles come from.

    Examples
    --------
    >>> from sklearn_raman.plotting import plot_size_distribution
    >>> ax = plot_size_distribution(
    ...     ["quartz", "calcite", "quartz", "unknown", "quartz"],
    ...     [12.0, 20.0, 35.5, 80.0, 640.0])
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['< 20', '20-50', '50-100', '100-500', '>= 500']
    >>> [int(bar.get_height()) for bar in ax.containers[1]]  # quartz
    [1, 1, 0, 0, 1]
    """
    plt = _pyplot()
    materials = np.asarray(materials)
    feret = np.asarray(feret_max_um)
    if materials.ndim != 1:
        raise ValueError(f"materials must be 1-D; got shape {materials.shape}")
    if feret.shape != materials.shape:
        raise ValueError(
            f"feret_max_um has shape {feret.shape}; materials has "
            f"{materials.shape} (one size per particle)"
        )
    if feret.dtype.kind not in "iuf":
        raise TypeError(f"feret_max_um must be numbers; got dtype {feret.dtype}")
    feret = feret.astype(float)
    bad = ~np.isfinite(feret) | (feret < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"feret_max_um[{i}] is {feret[i]}; a size is a finite number >= 0"
        )
    edges = _check_size_classes(size_classes)
    labels = _size_labels(edges)
    size_bin = np.searchsorted(edges, feret, side="right")  # left-closed bins

    names = np.unique(materials)
    is_unknown = np.array([_same(n, unknown_label) for n in names.tolist()], bool)
    known = names[~is_unknown]
    colours = list(_material_colours(len(known)))
    order = [*known, *names[is_unknown]]
    colours += [UNKNOWN_COLOUR] * int(is_unknown.sum())

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    x = np.arange(len(labels))
    width = 0.8 / max(len(order), 1)
    for i, (name, colour) in enumerate(zip(order, colours)):
        count = np.bincount(size_bin[materials == name], minlength=len(labels))
        offset = (i - (len(order) - 1) / 2) * width
        ax.bar(x + offset, count, width, color=colour, label=str(name))
    ax.set_xticks(x, labels)
    ax.set(xlabel="maximum Feret diameter (µm)", ylabel="particles")
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if order:
        ax.legend(
            title="material",
            fontsize="small",
            ncols=1 + (len(order) - 1) // 15,
        )
    if title is not None:
        ax.set_title(title)
    ax.figure.tight_layout()
    return ax
