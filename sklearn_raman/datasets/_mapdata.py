"""Synthetic hyperspectral filter maps: particles of known materials, known truth."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
from scipy.ndimage import binary_dilation
from scipy.ndimage import label as _label
from sklearn.utils import Bunch, check_random_state
from threadpoolctl import threadpool_limits

from .._geometry import feret_diameters
from ._synthetic import _peaks

#: sub-pixels per pixel side for the coverage fraction of mixed edge pixels
_SUPERSAMPLE = 4
#: random corners tried per particle before a search of all of them
_PLACEMENT_TRIES = 200
#: shape redraws (orientation, sub-pixel offset) of a particle that covers no
#: pixel by half or whose pixels are not 8-connected, before it is left out
_SHAPE_TRIES = 20
#: blob outlines: orders of the Fourier terms modulating the ellipse radius
_BLOB_ORDERS = np.arange(2, 5)
#: baseline coefficients of 1, t and t² (t from -1 to 1) are uniform in +-this
_BASELINE = 0.03
#: shapes drawn for a particle that finds no room, before a fresh placement
_SHAPE_REDRAWS = 3
#: fresh placements of all particles before make_map gives up
_RESTARTS = 5
#: 8-connectivity
_EIGHT = np.ones((3, 3), dtype=bool)


def _check_int(value, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")
    return int(value)


def _check_pair(value, name: str, what: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {what}; got {value!r}") from None
    return lo, hi


def _check_arguments(
    shape,
    n_classes,
    n_particles,
    particle_size,
    n_points,
    wavenumber_range,
    pixel_size_um,
    noise,
    n_references_per_class,
):
    """Validated arguments, each error naming the bad value."""
    try:
        ok = len(shape) == 2 and all(
            isinstance(s, Integral) and not isinstance(s, bool) and s > 0 for s in shape
        )
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"shape must be two positive integers (ny, nx); got {shape!r}")
    ny, nx = int(shape[0]), int(shape[1])
    n_classes = _check_int(n_classes, "n_classes", 1)
    n_particles = _check_int(n_particles, "n_particles", 0)
    n_points = _check_int(n_points, "n_points", 1)
    n_references_per_class = _check_int(
        n_references_per_class, "n_references_per_class", 0
    )
    what = "increasing positive (min, max) diameters in pixels, 0 < min <= max"
    size_lo, size_hi = _check_pair(particle_size, "particle_size", what)
    if not (0 < size_lo <= size_hi < math.inf):
        raise ValueError(f"particle_size must be {what}; got {particle_size!r}")
    what = "an increasing (first, last) pair in cm-1"
    lo, hi = _check_pair(wavenumber_range, "wavenumber_range", what)
    if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
        raise ValueError(f"wavenumber_range must be {what}; got {wavenumber_range!r}")
    what = "a positive size in µm, or a positive (x, y) pair"
    if isinstance(pixel_size_um, Real) and not isinstance(pixel_size_um, bool):
        size_x = size_y = float(pixel_size_um)
    else:
        size_x, size_y = _check_pair(pixel_size_um, "pixel_size_um", what)
    if not (0 < size_x < math.inf and 0 < size_y < math.inf):
        raise ValueError(f"pixel_size_um must be {what}; got {pixel_size_um!r}")
    if (
        isinstance(noise, bool)
        or not isinstance(noise, Real)
        or not 0 <= noise < math.inf
    ):
        raise ValueError(f"noise must be a number >= 0; got {noise!r}")
    return (
        (ny, nx),
        n_classes,
        n_particles,
        (size_lo, size_hi),
        n_points,
        (lo, hi),
        (size_x, size_y),
        float(noise),
        n_references_per_class,
    )


def _templates(rng, wavenumbers: np.ndarray, n_classes: int) -> np.ndarray:
    """Class spectra: 3 to 10 positive bands each, the strongest of height 1.

    Each class's strongest band lies in its own slot of the axis (slots in a
    random order), so no two classes share their main band.
    """
    lo, hi = wavenumbers[0], wavenumbers[-1]
    span = max(hi - lo, 1.0)
    step = span / max(wavenumbers.size - 1, 1)
    k_max = 10
    n_bands = rng.randint(3, k_max + 1, n_classes)
    inner_lo, inner_span = lo + 0.05 * span, 0.9 * span
    centres = rng.uniform(inner_lo, inner_lo + inner_span, (n_classes, k_max))
    slot = (rng.permutation(n_classes) + rng.uniform(0.1, 0.9, n_classes)) / n_classes
    centres[:, 0] = inner_lo + slot * inner_span
    fwhm = rng.uniform(0.005, 0.02, (n_classes, k_max)) * span
    fwhm = np.maximum(fwhm, 2.5 * step)
    heights = rng.uniform(0.15, 0.8, (n_classes, k_max))
    heights[:, 0] = 1.0
    heights[np.arange(k_max)[None, :] >= n_bands[:, None]] = 0.0
    bands = _peaks(
        wavenumbers[None, None, :], centres[:, :, None], fwhm[:, :, None], "voigt"
    )
    templates = np.einsum("ck,ckp->cp", heights, bands)
    top = templates.max(axis=1, keepdims=True)
    return templates / np.where(top > 0, top, 1.0)


def _background(rng, wavenumbers: np.ndarray) -> np.ndarray:
    """The filter's own spectrum: weak and broad, at most 0.1."""
    lo, hi = wavenumbers[0], wavenumbers[-1]
    span = max(hi - lo, 1.0)
    centres = rng.uniform(lo, hi, (3, 1))
    fwhm = rng.uniform(0.2, 0.5, (3, 1)) * span
    heights = rng.uniform(0.3, 1.0, (3, 1))
    curve = 0.3 + (
        heights * _peaks(wavenumbers[None, :], centres, fwhm, "gaussian")
    ).sum(0)
    return 0.1 * curve / curve.max()


def _outline(rng, radius: float, kind: str):
    """Random particle outline: ``rho(phi) -> radius`` in pixels, and its largest.

    An ellipse (aspect ratio 1 to 3) or, for a blob, an ellipse whose radius is
    modulated by a few low-order Fourier terms; scaled so that its area is
    ``pi radius²`` (``2 radius``: the equivalent circular diameter).
    """
    aspect = rng.uniform(1.0, 3.0)
    a, b = radius * np.sqrt(aspect), radius / np.sqrt(aspect)
    if kind == "blob":
        amplitudes = rng.uniform(0.0, 0.25, _BLOB_ORDERS.size) * 2 / _BLOB_ORDERS
        phases = rng.uniform(0.0, 2 * np.pi, _BLOB_ORDERS.size)
    else:
        amplitudes = phases = np.zeros(0)

    def rho(phi):
        base = a * b / np.sqrt((b * np.cos(phi)) ** 2 + (a * np.sin(phi)) ** 2)
        if amplitudes.size:
            terms = np.cos(
                _BLOB_ORDERS[:, None] * np.asarray(phi).ravel()[None, :]
                + phases[:, None]
            )
            modulation = 1.0 + amplitudes @ terms
            base = base * modulation.reshape(np.shape(phi))
        return base

    grid = np.linspace(0.0, 2 * np.pi, 1440, endpoint=False)
    r = rho(grid)
    scale = np.sqrt(np.pi * radius**2 / (0.5 * np.mean(r**2) * 2 * np.pi))
    return (lambda phi: scale * rho(phi)), float(scale * r.max())


def _coverage_patch(rho, r_max: float, angle: float, offset) -> np.ndarray:
    """Coverage fractions of the pixels around an outline, ``_SUPERSAMPLE``² each.

    The outline's centre sits at ``m + offset`` (row, column) of a square patch
    of ``2 m + 2`` pixels, ``m = ceil(r_max) + 1``; the patch is computed in
    row chunks, so a huge particle needs no huge temporary.
    """
    m = math.ceil(r_max) + 1
    n = 2 * m + 2
    s = _SUPERSAMPLE
    sub = (np.arange(n * s) // s + (np.arange(n * s) % s + 0.5) / s).astype(float)
    dx = sub - (m + offset[1])
    cos, sin = np.cos(angle), np.sin(angle)
    coverage = np.empty((n, n))
    rows = max(1, 2**18 // (n * s * s))
    for i0 in range(0, n, rows):
        dy = sub[i0 * s : min(n, i0 + rows) * s, None] - (m + offset[0])
        u, v = dx * cos + dy * sin, -dx * sin + dy * cos
        inside = np.hypot(u, v) <= rho(np.arctan2(v, u))
        coverage[i0 : i0 + rows] = inside.reshape(-1, s, n, s).mean(axis=(1, 3))
    return coverage


def _draw_particle(rng, diameter: float):
    """Coverage fractions of one particle's bounding box, or None if unusable.

    Unusable: after ``_SHAPE_TRIES`` redraws of orientation and sub-pixel
    offset, the pixels it covers by half or more are none, or not 8-connected.
    """
    kind = "blob" if rng.uniform() < 0.5 else "ellipse"
    rho, r_max = _outline(rng, diameter / 2, kind)
    for _ in range(_SHAPE_TRIES):
        angle = rng.uniform(0.0, np.pi)
        offset = rng.uniform(0.0, 1.0, 2)
        coverage = _coverage_patch(rho, r_max, angle, offset)
        truth = coverage >= 0.5
        if truth.any() and _label(truth, structure=_EIGHT)[1] == 1:
            rows = np.flatnonzero(coverage.any(axis=1))
            cols = np.flatnonzero(coverage.any(axis=0))
            return coverage[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    return None


def _free_corner(rng, occupied: np.ndarray, support: np.ndarray):
    """A random corner where ``support`` touches nothing occupied, or None.

    ``_PLACEMENT_TRIES`` random corners first (enough on a sparse map), then
    all corners at once: their overlaps by FFT correlation, a corner drawn
    among the free ones. None: the map has no room left for this particle.
    """
    (ny, nx), (h, w) = occupied.shape, support.shape
    if h > ny or w > nx:
        return None
    rows = rng.randint(0, ny - h + 1, _PLACEMENT_TRIES)
    cols = rng.randint(0, nx - w + 1, _PLACEMENT_TRIES)
    for py, px in zip(rows, cols):
        if not (occupied[py : py + h, px : px + w] & support).any():
            return int(py), int(px)
    from scipy.signal import fftconvolve  # only for crowded maps

    overlap = fftconvolve(
        occupied.astype(float), support[::-1, ::-1].astype(float), mode="valid"
    )
    free = np.flatnonzero(overlap < 0.5)  # overlaps count pixels: 0 or >= 1
    if free.size == 0:
        return None
    py, px = divmod(int(free[rng.randint(free.size)]), nx - w + 1)
    return py, px


class _NoRoom(Exception):
    """A particle found no free corner: (its number, diameter, box, too big)."""


def _place_once(rng, shape, diameters):
    """Place the particles at random, largest first, none touching another.

    Returns the coverage map, the placement index (1-based) of the particle
    covering each pixel (0: none) and, per placed particle, its draw index and
    box (corner and size); a particle's pixels (coverage > 0) are never among
    the 8 neighbours of another's. A particle with no room left is redrawn
    (shape and orientation) ``_SHAPE_REDRAWS`` times, then raises _NoRoom.
    """
    ny, nx = shape
    coverage = np.zeros(shape, dtype=np.float32)
    owner = np.zeros(shape, dtype=np.int32)
    occupied = np.zeros(shape, dtype=bool)
    placed = []
    for number, j in enumerate(np.argsort(-diameters, kind="stable"), start=1):
        for _ in range(_SHAPE_REDRAWS):
            patch = _draw_particle(rng, diameters[j])
            if patch is None:
                break  # covers no pixel by half: no particle of the list
            support = patch > 0
            corner = _free_corner(rng, occupied, support)
            if corner is not None:
                break
        else:
            h, w = patch.shape
            raise _NoRoom(number, diameters[j], h, w, h > ny or w > nx)
        if patch is None:
            continue
        (py, px), (h, w) = corner, patch.shape
        region = (slice(py, py + h), slice(px, px + w))
        coverage[region][support] = patch[support]
        owner[region][support] = j + 1
        grown = binary_dilation(np.pad(support, 1), structure=_EIGHT)
        y0, x0 = py - 1, px - 1
        grown = grown[max(0, -y0) : ny - y0, max(0, -x0) : nx - x0]
        occupied[max(0, y0) : y0 + h + 2, max(0, x0) : x0 + w + 2] |= grown
        placed.append((j, py, px, h, w))
    return coverage, owner, placed


def _place(rng, shape, diameters, particle_size):
    """:func:`_place_once`, started afresh ``_RESTARTS`` times if need be."""
    for _ in range(_RESTARTS):
        try:
            return _place_once(rng, shape, diameters)
        except _NoRoom as no_room:
            number, diameter, h, w, too_big = no_room.args
            if too_big:
                break
    ny, nx = shape
    where = (
        "at all: it is larger than the map"
        if too_big
        else f"apart from the others ({_RESTARTS} placements tried)"
    )
    n_particles = diameters.size
    raise ValueError(
        f"could not place particle {number} of n_particles={n_particles} "
        f"(diameter {diameter:.1f} px, {h} x {w} px box) on the {ny} x {nx} "
        f"map {where}; lower n_particles={n_particles} or "
        f"particle_size={particle_size}"
    )


def _gaussian(gen, out: np.ndarray, sd: float, scratch: np.ndarray) -> None:
    """Fill float32 ``out`` with Gaussian noise of std ``sd`` (Box-Muller).

    Three times faster than ``gen.standard_normal`` in float32, which matters
    at 10^8 values; ``scratch`` (float32, at least ``2 * ceil(out.size / 2)``)
    holds the uniform draws.
    """
    flat = out.reshape(-1)
    n = flat.size
    half = (n + 1) // 2
    radius, angle = scratch[:half], scratch[half : 2 * half]
    gen.random(out=radius, dtype=np.float32)
    gen.random(out=angle, dtype=np.float32)
    np.subtract(np.float32(1), radius, out=radius)  # in (0, 1]: log is finite
    np.log(radius, out=radius)
    radius *= np.float32(-2 * sd**2)
    np.sqrt(radius, out=radius)
    angle *= np.float32(2 * np.pi)
    np.cos(angle, out=flat[:half])
    flat[:half] *= radius
    np.sin(angle[: n - half], out=flat[half:])
    flat[half:] *= radius[: n - half]


def _render(out, weights, components, noise, gen, block_rows):
    """``out = weights @ components + noise`` in blocks of rows, into ``out``.

    ``weights(i0, i1) -> (i1 - i0, n_components)`` gives a block's weights;
    the block's noise is drawn into ``out`` first, so the only temporaries are
    a block's weights, its product and the noise's uniform draws.
    """
    block_rows = max(1, min(block_rows, out.shape[0]))
    product = np.empty((block_rows, out.shape[1]), dtype=np.float32)
    scratch = np.empty(product.size + 1, dtype=np.float32)
    # one BLAS thread: the products are small, and idle BLAS threads spinning
    # between them slow the noise down (by 2 to 3 times on 2 busy cores)
    with threadpool_limits(1, user_api="blas"):
        for i0 in range(0, out.shape[0], block_rows):
            i1 = min(i0 + block_rows, out.shape[0])
            block = out[i0:i1]
            if noise > 0:
                _gaussian(gen, block, noise, scratch)
            else:
                block[...] = 0.0
            product_block = product[: i1 - i0]
            np.matmul(weights(i0, i1).astype(np.float32), components, out=product_block)
            block += product_block


def make_map(
    shape: tuple[int, int] = (128, 128),
    n_classes: int = 4,
    n_particles: int = 40,
    *,
    particle_size: tuple[float, float] = (3.0, 30.0),
    n_points: int = 400,
    wavenumber_range: tuple[float, float] = (600.0, 4000.0),
    pixel_size_um: float | tuple[float, float] = 10.0,
    noise: float = 0.02,
    n_references_per_class: int = 20,
    random_state=None,
) -> Bunch:
    """Generate a hyperspectral map of particles on a filter, with its ground truth.

    A synthetic FPA-FTIR or Raman map of a microplastics filter: each pixel is
    a spectrum; particles of ``n_classes`` materials lie on the filter, apart
    from each other, and the particle list (material, area, Feret diameters,
    centroid) is known, for tests and benchmarks of map identification.

    Particles are random ellipses (aspect ratio 1 to 3) or irregular blobs
    (an ellipse whose radius is modulated by low-order Fourier terms), in
    random orientations, of equivalent circular diameters drawn log-uniformly
    from ``particle_size`` (small particles are the more common). They are
    placed by rejection sampling, largest first, so that no pixel a particle
    touches is among the 8 neighbours of another particle's pixels. Edge pixels
    are mixed: their coverage fraction ``f`` by the particle (``4 x 4``
    sub-pixels) weighs the particle's spectrum against the filter's, and a
    pixel belongs to the particle when ``f >= 0.5``.

    A pixel's spectrum is ``f a template + (1 - f) b background + baseline +
    noise``: ``a``, the particle's intensity (uniform in [0.5, 1.5]) times a
    pixel factor within 10 %; ``b``, uniform in [0.8, 1.2] per pixel; the
    baseline, ``c0 + c1 t + c2 t²`` with ``t`` from -1 to 1 across the axis
    and each coefficient uniform in ±0.03 per pixel; the noise, Gaussian.
    Templates have 3 to 10 positive absorption-like bands, the strongest of
    height 1 and in a part of the axis of its own; the filter's spectrum is
    broad and at most 0.1.

    Parameters
    ----------
    shape : (int, int), default=(128, 128)
        Pixels of the map, ``(ny, nx)``.
    n_classes : int, default=4
        Number of materials; the particles' materials are balanced (in turn,
        in random order).
    n_particles : int, default=40
        Particles on the filter.
    particle_size : (float, float), default=(3.0, 30.0)
        Range ``(min, max)`` of the particles' equivalent circular diameter in
        pixels, ``0 < min <= max``, drawn log-uniformly. A particle that covers
        no pixel by half (diameters below about a pixel) is left out of the
        map and of the list.
    n_points : int, default=400
        Points per spectrum.
    wavenumber_range : (float, float), default=(600.0, 4000.0)
        First and last wavenumber of the axis, cm⁻¹.
    pixel_size_um : float or (float, float), default=10.0
        Pixel size in µm, or ``(x, y)`` sizes.
    noise : float, default=0.02
        Standard deviation of the Gaussian noise (the strongest band of a
        template has height 1).
    n_references_per_class : int, default=20
        Reference spectra per class, drawn like fully covered particle pixels
        (same intensity, baseline and noise variation), to train models on.
    random_state : int, RandomState instance or None, default=None
        Seed, for a reproducible map.

    Returns
    -------
    data : Bunch
        ``data``, float32 (ny, nx, n_points): the spectra; ``wavenumbers``
        (n_points,); ``pixel_size_um``, ``(x, y)`` floats; ``classes``, the
        material names ``material_0``, ... (zero-padded, so that they sort in
        index order); ``pixel_labels``, int (ny, nx): the class index of the
        particle a pixel belongs to, -1 on the filter; ``particle_ids``, int32
        (ny, nx): 0 on the filter, particles 1 to n numbered in raster order
        of their first pixel; ``coverage``, float32 (ny, nx): the fraction of
        each pixel its particle covers; ``particles``, a Bunch of 1D arrays,
        one entry per particle: ``particle_id``, ``material`` (class name),
        ``n_pixels``, ``area_um2``, ``feret_max_um``, ``feret_min_um`` (as
        ``sklearn_raman._geometry.feret_diameters`` measures them),
        ``centroid_x_um``, ``centroid_y_um`` (pixel centres at ``(col + 0.5)
        x``, ``(row + 0.5) y``); ``templates`` (n_classes, n_points);
        ``background_spectrum`` (n_points,); ``references``, float32
        (n_classes * n_references_per_class, n_points) and ``reference_y``
        their class names.

    Raises
    ------
    ValueError
        For a bad argument, or when the particles cannot all be placed apart
        (lower ``n_particles`` or ``particle_size``).

    See Also
    --------
    make_spectra : Spectra of several classes, without a map.

    Examples
    --------
    >>> from sklearn_raman import make_map
    >>> m = make_map(shape=(64, 96), n_classes=3, n_particles=12, random_state=0)
    >>> m.data.shape, m.data.dtype, m.pixel_size_um
    ((64, 96, 400), dtype('float32'), (10.0, 10.0))
    >>> m.classes.tolist()
    ['material_0', 'material_1', 'material_2']
    >>> m.particles.particle_id.size, int(m.particle_ids.max())
    (12, 12)
    >>> bool(((m.pixel_labels >= 0) == (m.particle_ids > 0)).all())
    True
    >>> m.references.shape, m.reference_y[[0, -1]].tolist()
    ((60, 400), ['material_0', 'material_2'])
    """
    (
        (ny, nx),
        n_classes,
        n_particles,
        particle_size,
        n_points,
        wavenumber_range,
        (size_x, size_y),
        noise,
        n_references_per_class,
    ) = _check_arguments(
        shape,
        n_classes,
        n_particles,
        particle_size,
        n_points,
        wavenumber_range,
        pixel_size_um,
        noise,
        n_references_per_class,
    )
    rng = check_random_state(random_state)
    # pixel draws (intensity, baseline, noise) from fast generators seeded here
    map_gen, ref_gen = (
        np.random.default_rng(rng.randint(0, 2**32, size=4, dtype=np.uint64))
        for _ in range(2)
    )
    width = len(str(n_classes))
    classes = np.array([f"material_{k:0{width}d}" for k in range(n_classes)])
    lo, hi = wavenumber_range
    wavenumbers = np.linspace(lo, hi, n_points) if n_points > 1 else np.array([lo])
    templates = _templates(rng, wavenumbers, n_classes)
    background = _background(rng, wavenumbers)
    t = (wavenumbers - lo) / (hi - lo) * 2 - 1
    components = np.vstack([templates, background, np.ones_like(t), t, t**2]).astype(
        np.float32
    )
    n_weights = components.shape[0]

    diameters = np.exp(rng.uniform(*np.log(particle_size), n_particles))
    material = rng.permutation(np.arange(n_particles) % n_classes)
    intensity = rng.uniform(0.5, 1.5, n_particles)
    coverage, owner, placed = _place(rng, (ny, nx), diameters, particle_size)

    # number the particles in raster order of their first pixel, as a labelling would
    first = []
    for j, py, px, h, w in placed:
        region = (slice(py, py + h), slice(px, px + w))
        mine = (owner[region] == j + 1) & (coverage[region] >= 0.5)
        row, col = divmod(int(np.argmax(mine)), w)
        first.append((py + row) * nx + px + col)
    order = [placed[i] for i in np.argsort(first)]
    renumber = np.zeros(n_particles + 1, dtype=np.int32)
    renumber[[j + 1 for j, *_ in order]] = np.arange(1, len(order) + 1)
    owner = renumber[owner]
    particle_ids = np.where(coverage >= 0.5, owner, 0).astype(np.int32)
    by_id = np.array([j for j, *_ in order], dtype=int)  # id - 1 -> draw index
    id_class = np.concatenate([[-1], material[by_id]]).astype(np.intp)
    id_intensity = np.concatenate([[0.0], intensity[by_id]])
    pixel_labels = id_class[particle_ids]

    particles = {key: [] for key in ("n_pixels", "feret_max_um", "feret_min_um")}
    particles.update(centroid_x_um=[], centroid_y_um=[])
    for i, (_, py, px, h, w) in enumerate(order, start=1):
        mask = particle_ids[py : py + h, px : px + w] == i
        rows, cols = np.nonzero(mask)
        feret_max, feret_min = feret_diameters(mask, (size_x, size_y))
        particles["n_pixels"].append(rows.size)
        particles["feret_max_um"].append(feret_max)
        particles["feret_min_um"].append(feret_min)
        particles["centroid_x_um"].append((px + cols.mean() + 0.5) * size_x)
        particles["centroid_y_um"].append((py + rows.mean() + 0.5) * size_y)
    n_pixels = np.asarray(particles.pop("n_pixels"), dtype=np.intp)
    particles = Bunch(
        particle_id=np.arange(1, len(order) + 1, dtype=np.int32),
        material=classes[id_class[1:]],
        n_pixels=n_pixels,
        area_um2=n_pixels * (size_x * size_y),
        **{key: np.asarray(value, dtype=float) for key, value in particles.items()},
    )

    flat_owner, flat_cov = owner.ravel(), coverage.ravel()

    def pixel_weights(i0, i1):
        own, f = flat_owner[i0:i1], flat_cov[i0:i1].astype(float)
        m = i1 - i0
        weights = np.zeros((m, n_weights))
        on = np.flatnonzero(own)
        a = id_intensity[own[on]] * map_gen.uniform(0.9, 1.1, on.size)
        weights[on, id_class[own[on]]] = f[on] * a
        weights[:, n_classes] = (1 - f) * map_gen.uniform(0.8, 1.2, m)
        weights[:, n_classes + 1 :] = map_gen.uniform(-_BASELINE, _BASELINE, (m, 3))
        return weights

    data = np.empty((ny, nx, n_points), dtype=np.float32)
    block = max(1, 2**22 // n_points)  # 16 MB of float32 a block
    _render(
        data.reshape(ny * nx, n_points),
        pixel_weights,
        components,
        noise,
        map_gen,
        block,
    )

    reference_class = np.repeat(np.arange(n_classes), n_references_per_class)

    def reference_weights(i0, i1):
        m = i1 - i0
        weights = np.zeros((m, n_weights))
        a = ref_gen.uniform(0.5, 1.5, m) * ref_gen.uniform(0.9, 1.1, m)
        weights[np.arange(m), reference_class[i0:i1]] = a
        weights[:, n_classes + 1 :] = ref_gen.uniform(-_BASELINE, _BASELINE, (m, 3))
        return weights

    references = np.empty((reference_class.size, n_points), dtype=np.float32)
    _render(references, reference_weights, components, noise, ref_gen, block)

    return Bunch(
        data=data,
        wavenumbers=wavenumbers,
        pixel_size_um=(size_x, size_y),
        classes=classes,
        pixel_labels=pixel_labels,
        particle_ids=particle_ids,
        coverage=coverage,
        particles=particles,
        templates=templates,
        background_spectrum=background,
        references=references,
        reference_y=classes[reference_class],
    )
