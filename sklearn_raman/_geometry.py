"""Feret diameters of a pixel region: the one geometry of particles and their truth.

A pixel is a square of its own size, so a region is the union of its pixel
squares and its Feret diameters are those of the convex hull of the pixel
corners: one pixel has a maximum Feret diameter of sqrt(2) and a minimum of 1
pixel. scikit-image's ``feret_diameter_max`` measures the hull of the
pixel-centre contour instead (one pixel: 0), which is why this module
exists; both the particle list of a map and the ground truth of
``make_map`` are measured here, so they agree by construction.
"""

import numpy as np
from scipy.spatial import ConvexHull


def _outline_corners(mask: np.ndarray) -> np.ndarray:
    """(y, x) corners of the pixels on the region's outline (the hull needs no more)."""
    padded = np.pad(mask, 1)
    inner = (
        padded[1:-1, 1:-1]
        & padded[:-2, 1:-1]
        & padded[2:, 1:-1]
        & padded[1:-1, :-2]
        & padded[1:-1, 2:]
    )
    rows, cols = np.nonzero(mask & ~inner)
    corners = np.array([(0, 0), (0, 1), (1, 0), (1, 1)], dtype=float)
    points = np.stack([rows, cols], axis=1)[:, None, :] + corners[None, :, :]
    return np.unique(points.reshape(-1, 2), axis=0)


def feret_diameters(mask, pixel_size=(1.0, 1.0)) -> tuple[float, float]:
    """Maximum and minimum Feret diameter of a region of pixels.

    Parameters
    ----------
    mask : array-like of bool, shape (ny, nx)
        The region's pixels (need not be connected).
    pixel_size : tuple of float, default=(1.0, 1.0)
        Pixel size ``(x, y)`` (e.g. in µm; the package's ``pixel_size_um``).

    Returns
    -------
    feret_max, feret_min : float
        Longest and shortest caliper width of the region, in the unit of
        ``pixel_size`` (0 for an empty mask).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman._geometry import feret_diameters
    >>> mask = np.zeros((5, 5), bool)
    >>> mask[1:3, 1:4] = True  # 2 rows x 3 columns
    >>> [round(d, 3) for d in feret_diameters(mask)]
    [3.606, 2.0]
    >>> feret_diameters(mask, pixel_size=(10.0, 10.0))[1]
    20.0
    """
    mask = np.asarray(mask, dtype=bool)
    if mask.ndim != 2:
        raise ValueError(f"mask must be 2D (ny, nx); got shape {mask.shape}")
    if not mask.any():
        return 0.0, 0.0
    size_x, size_y = (float(s) for s in pixel_size)
    points = _outline_corners(mask) * np.array([size_y, size_x])
    hull = points[ConvexHull(points).vertices]
    gaps = hull[:, None, :] - hull[None, :, :]
    feret_max = float(np.sqrt((gaps**2).sum(axis=-1)).max())
    # the minimum width of a convex polygon lies across one of its edges
    edges = np.roll(hull, -1, axis=0) - hull
    normals = np.stack([-edges[:, 1], edges[:, 0]], axis=1)
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    widths = np.abs((hull[None, :, :] - hull[:, None, :]) @ normals[:, :, None])
    feret_min = float(widths[..., 0].max(axis=1).min())
    return feret_max, feret_min
