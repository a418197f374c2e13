"""Particles: connected pixels of one material, measured."""

from __future__ import annotations

import numpy as np

from .._geometry import feret_diameters

#: pixel codes of a map's identification that are no material of the model
BACKGROUND, UNKNOWN = -2, -1

#: size classes (µm, by maximum Feret diameter) of the counts by default
SIZE_CLASSES_UM = (20.0, 50.0, 100.0, 500.0)


def _skimage_measure():
    try:
        from skimage import measure
    except ImportError as exc:  # pragma: no cover - the maps extra installs it
        raise ImportError(
            "finding particles needs scikit-image: pip install scikit-image "
            "(or pip install 'sklearn_raman[maps]')"
        ) from exc
    return measure


#: how pixels are joined into particles
GROUPINGS = ("signal", "material")


def label_particles(
    codes,
    *,
    grouping: str = "signal",
    connectivity: int = 2,
    min_pixels: int = 1,
    unknown: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Connected pixels, labelled 1, 2, ... (0: no particle).

    Two pixels belong to one particle when they touch, along an edge
    (``connectivity=1``) or an edge or a corner (``connectivity=2``, the
    default: a thin fibre at 45 degrees stays one particle), and are both
    signal (``grouping="signal"``: any code but background, as Open Specy
    joins a map's features; a particle's material is then that of its mean
    spectrum, and a stray pixel verdict inside it splits nothing) or carry
    the same code (``grouping="material"``: touching particles of different
    materials stay apart, at the price of fragments where pixel verdicts
    are noisy). Particles of fewer than ``min_pixels`` pixels are dropped
    (their pixels keep their verdicts).

    Parameters
    ----------
    codes : array-like of int, shape (ny, nx)
        Per pixel: a class index (>= 0), ``UNKNOWN`` (-1) or ``BACKGROUND``
        (-2).
    grouping : {"signal", "material"}, default="signal"
        Join touching signal pixels, or touching pixels of one verdict.
    connectivity : {1, 2}, default=2
        Neighbourhood of a pixel: 4 (edges) or 8 (edges and corners).
    min_pixels : int, default=1
        Smallest particle kept, in pixels.
    unknown : bool, default=True
        Whether connected unknown pixels are particles too (of material
        "unknown"): a particle of a material the model does not know is
        still a particle.

    Returns
    -------
    labels : ndarray of int32, shape (ny, nx)
        0 where no particle is, else the particle's id (1..n, in raster order
        of each particle's first pixel).
    particle_codes : ndarray of int, shape (n,)
        The code of each particle's pixels (``particle_codes[i - 1]`` for id
        ``i``): with ``grouping="signal"`` the commonest known code among
        them (ties: the lowest), -1 where all are unknown.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.maps import label_particles
    >>> codes = np.array([[0, 0, -2, 1],
    ...                   [-2, 0, -2, 1],
    ...                   [-2, -2, 0, -2]])
    >>> labels, which = label_particles(codes, grouping="material")
    >>> labels.tolist(), which.tolist()
    ([[1, 1, 0, 2], [0, 1, 0, 2], [0, 0, 1, 0]], [0, 1])
    >>> label_particles(codes, grouping="material", connectivity=1)[0][2].tolist()
    [0, 0, 3, 0]
    >>> labels, which = label_particles(codes)  # "signal": corners touch
    >>> labels.tolist(), which.tolist()
    ([[1, 1, 0, 1], [0, 1, 0, 1], [0, 0, 1, 0]], [0])
    """
    codes = np.asarray(codes)
    if codes.ndim != 2 or not np.issubdtype(codes.dtype, np.integer):
        raise ValueError(
            f"codes must be a 2D integer array; got {codes.dtype} of shape "
            f"{codes.shape}"
        )
    if grouping not in GROUPINGS:
        raise ValueError(f"grouping must be one of {GROUPINGS}; got {grouping!r}")
    if connectivity not in (1, 2):
        raise ValueError(f"connectivity must be 1 or 2; got {connectivity!r}")
    if int(min_pixels) != min_pixels or min_pixels < 1:
        raise ValueError(f"min_pixels must be an integer >= 1; got {min_pixels!r}")
    lowest = UNKNOWN if unknown else 0
    # skimage labels connected pixels of equal value: shift so that
    # non-particle pixels are its background 0
    shifted = np.where(codes >= lowest, codes.astype(np.int64) - lowest + 1, 0)
    if grouping == "signal":
        shifted = (shifted > 0).astype(np.int64)
    labels = _skimage_measure().label(shifted, background=0, connectivity=connectivity)
    n = int(labels.max())
    sizes = np.bincount(labels.ravel(), minlength=n + 1)
    keep = sizes >= int(min_pixels)
    keep[0] = False
    new_ids = np.zeros(n + 1, dtype=np.int32)
    new_ids[keep] = np.arange(1, int(keep.sum()) + 1, dtype=np.int32)
    labels = new_ids[labels]
    n_kept = int(keep.sum())
    flat, pixel_codes = labels.ravel(), codes.ravel().astype(np.int64)
    inside = flat > 0
    # the commonest known code of each particle (-1 where none is known)
    known = inside & (pixel_codes >= 0)
    n_codes = int(pixel_codes.max()) + 1 if known.any() else 1
    votes = np.bincount(
        (flat[known] - 1) * n_codes + pixel_codes[known], minlength=n_kept * n_codes
    ).reshape(n_kept, n_codes)
    particle_codes = np.where(votes.any(axis=1), votes.argmax(axis=1), UNKNOWN)
    return labels.astype(np.int32), particle_codes.astype(int)


def measure_particles(labels, pixel_size=(1.0, 1.0)) -> dict:
    """Area, Feret diameters and centroid of each labelled particle.

    Feret diameters are those of the convex hull of the particle's pixel
    squares (one pixel: sqrt(2) and 1 pixel), the same measure as the
    ground truth of :func:`~sklearn_raman.datasets.make_map`.

    Parameters
    ----------
    labels : array-like of int, shape (ny, nx)
        0: no particle, 1..n: particle ids (:func:`label_particles`).
    pixel_size : (float, float), default=(1.0, 1.0)
        Pixel size ``(x, y)``; the results are in its unit.

    Returns
    -------
    properties : dict of ndarray, each of shape (n,)
        ``particle_id``, ``n_pixels``, ``area``, ``feret_max``, ``feret_min``,
        ``centroid_x``, ``centroid_y`` (pixel centres at ``(col + 0.5) * x``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.maps import measure_particles
    >>> labels = np.zeros((4, 6), int)
    >>> labels[1:3, 1:4] = 1
    >>> props = measure_particles(labels, pixel_size=(10, 10))
    >>> props["area"].tolist(), props["feret_min"].tolist()
    ([600.0], [20.0])
    >>> props["centroid_x"].tolist(), props["centroid_y"].tolist()
    ([25.0], [20.0])
    """
    labels = np.asarray(labels)
    size_x, size_y = (float(s) for s in pixel_size)
    n = int(labels.max()) if labels.size else 0
    regions = _skimage_measure().regionprops(labels) if n else []
    out = {
        key: np.zeros(n)
        for key in ("area", "feret_max", "feret_min", "centroid_x", "centroid_y")
    }
    out["particle_id"] = np.arange(1, n + 1)
    out["n_pixels"] = np.zeros(n, dtype=int)
    for region in regions:
        i = region.label - 1
        top, left, _, _ = region.bbox
        out["n_pixels"][i] = region.area
        out["area"][i] = region.area * size_x * size_y
        out["feret_max"][i], out["feret_min"][i] = feret_diameters(
            region.image, (size_x, size_y)
        )
        row, col = region.centroid
        out["centroid_x"][i] = (col + 0.5) * size_x
        out["centroid_y"][i] = (row + 0.5) * size_y
    return out


def size_class_names(size_classes=SIZE_CLASSES_UM) -> list[str]:
    """Names of the size classes of the edges: ``["< 20", "20-50", ..., ">= 500"]``.

    Parameters
    ----------
    size_classes : sequence of float, default=SIZE_CLASSES_UM
        Increasing positive edges (µm).

    Returns
    -------
    names : list of str
        One more than the edges.

    Examples
    --------
    >>> from sklearn_raman.maps import size_class_names
    >>> size_class_names((20, 50))
    ['< 20', '20-50', '>= 50']
    """
    edges = check_size_classes(size_classes)
    text = [f"{e:g}" for e in edges]
    return [
        f"< {text[0]}",
        *(f"{a}-{b}" for a, b in zip(text, text[1:])),
        f">= {text[-1]}",
    ]


def check_size_classes(size_classes) -> np.ndarray:
    """The edges as an array, validated (increasing, positive, finite)."""
    edges = np.asarray(size_classes, dtype=float)
    if (
        edges.ndim != 1
        or edges.size == 0
        or not np.all(np.isfinite(edges))
        or np.any(edges <= 0)
        or np.any(np.diff(edges) <= 0)
    ):
        raise ValueError(
            "size_classes must be increasing positive numbers (µm); got "
            f"{size_classes!r}"
        )
    return edges


def size_class_of(feret_max, size_classes=SIZE_CLASSES_UM) -> np.ndarray:
    """The size class name of each particle (bins closed on the left).

    Parameters
    ----------
    feret_max : array-like of shape (n,)
        Maximum Feret diameters (µm).
    size_classes : sequence of float, default=SIZE_CLASSES_UM
        The edges: a particle of exactly 20 µm is in ``"20-50"``.

    Returns
    -------
    names : ndarray of str, shape (n,)
        The name of each particle's class (:func:`size_class_names`).

    Examples
    --------
    >>> from sklearn_raman.maps import size_class_of
    >>> size_class_of([5, 20, 700]).tolist()
    ['< 20', '20-50', '>= 500']
    """
    names = np.array(size_class_names(size_classes), dtype=object)
    edges = check_size_classes(size_classes)
    return names[np.searchsorted(edges, np.asarray(feret_max, float), side="right")]
