"""Identify a map: every pixel in chunks (or Dask blocks), then its particles."""

from __future__ import annotations

import os
from numbers import Integral, Real

import numpy as np
from scipy import ndimage, sparse

from ._background import make_gate
from ._map import SpectralMap
from ._particles import (
    BACKGROUND,
    SIZE_CLASSES_UM,
    label_particles,
    measure_particles,
)
from ._predict import PixelModel
from ._result import MapIdentification

#: pixels per chunk by default: ~50 MB of float32 spectra of 400 points
CHUNK_PIXELS = 32768


def _predict_rows(model: PixelModel, gate, X: np.ndarray):
    """Codes, scores, novelty of pixel rows; gated-out pixels are background."""
    n = len(X)
    codes = np.full(n, BACKGROUND, dtype=np.int16)
    scores = np.full(n, np.nan, dtype=np.float32)
    novelty = np.full(n, np.nan, dtype=np.float32)
    finite = np.isfinite(X).all(axis=1)
    signal = finite if gate is None else finite & gate(np.where(finite[:, None], X, 0))
    if signal.any():
        codes[signal], scores[signal], novelty[signal] = model.predict(X[signal])
    return codes, scores, novelty, signal


def _dask_block(block, model, gate):
    """One dask block (cy, cx, n_points) -> (cy, cx, 3): code, score, novelty."""
    cy, cx, n_points = block.shape
    codes, scores, novelty, _ = _predict_rows(
        model, gate, np.asarray(block).reshape(cy * cx, n_points)
    )
    out = np.stack([codes.astype(np.float32), scores, novelty], axis=1)
    return out.reshape(cy, cx, 3)


def _progress(iterable, total, enabled, desc):
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="chunk")


def _pixels_in_memory(smap, model, gate, chunk_pixels, progress):
    ny, nx = smap.shape
    rows = max(1, int(chunk_pixels) // nx)
    codes = np.empty((ny, nx), np.int16)
    scores = np.empty((ny, nx), np.float32)
    novelty = np.empty((ny, nx), np.float32)
    chunks = _progress(
        smap.iter_rows(rows), -(-ny // rows), progress, f"pixels of {smap.name}"
    )
    for start, stop, X in chunks:
        c, s, v, _ = _predict_rows(model, gate, X)
        codes[start:stop] = c.reshape(stop - start, nx)
        scores[start:stop] = s.reshape(stop - start, nx)
        novelty[start:stop] = v.reshape(stop - start, nx)
    return codes, scores, novelty


def _pixels_on_dask(smap, model, gate, chunk_pixels, scheduler):
    import dask
    import dask.array as da

    data = smap.data
    # the user's pixel chunks stay, unless a block would exceed chunk_pixels;
    # a block needs its pixels' whole spectra
    largest = max(data.chunks[0]) * max(data.chunks[1])
    if largest > chunk_pixels:
        side = max(1, int(np.sqrt(chunk_pixels)))
        data = data.rechunk({0: side, 1: side, 2: -1})
    elif len(data.chunks[2]) > 1:
        data = data.rechunk({2: -1})
    out = da.map_blocks(
        _dask_block,
        data,
        model=model,
        gate=gate,
        dtype=np.float32,
        chunks=(data.chunks[0], data.chunks[1], (3,)),
    )
    (out,) = dask.compute(out, scheduler=scheduler)
    return out[..., 0].astype(np.int16), out[..., 1], out[..., 2]


def _reference_spectrum(smap, given, max_rows: int = 64) -> np.ndarray:
    """The background spectrum: given, or the median pixel of rows over the map."""
    if isinstance(given, str):
        if given != "median":
            raise ValueError(
                f"background_spectrum must be 'median', an array or None; got {given!r}"
            )
        ny = smap.shape[0]
        rows = np.unique(np.linspace(0, ny - 1, min(ny, max_rows)).round().astype(int))
        if smap.is_lazy:  # one computation, not one per row
            sample = np.asarray(smap.data[rows].compute())
            sample = sample.reshape(-1, smap.n_points)
        else:
            sample = np.concatenate([smap.rows(r, r + 1) for r in rows])
        sample = sample[np.isfinite(sample).all(axis=1)]
        if len(sample) == 0:
            raise ValueError(f"{smap.name or 'the map'}: no pixel holds finite values")
        return np.median(sample, axis=0)
    reference = np.asarray(given, dtype=float)
    if reference.shape != (smap.n_points,) or not np.isfinite(reference).all():
        raise ValueError(
            f"background_spectrum must be {smap.n_points} finite numbers (the "
            f"map's axis); got shape {reference.shape}"
        )
    return reference


def _particle_means(smap, labels, codes, particle_codes, chunk_pixels) -> np.ndarray:
    """Mean spectrum of each particle: one more pass over the map, in chunks.

    The mean of the particle's interior pixels (all eight neighbours in
    the particle) whose verdict is the particle's (its commonest known one):
    edge pixels mix the particle with the filter, and would blur it. A
    particle with no such pixel takes its pixels of its verdict, then all.
    """
    n = len(particle_codes)
    ny, nx = smap.shape
    ids = labels.ravel()
    own = particle_codes[np.maximum(ids - 1, 0)]
    agree = (ids > 0) & ((own < 0) | (codes.ravel() == own))
    interior = (
        (ndimage.minimum_filter(labels, 3, mode="constant") == labels)
        & (ndimage.maximum_filter(labels, 3, mode="constant") == labels)
    ).ravel() & agree
    chosen = np.zeros(ids.size, bool)
    for candidate in (interior, agree, ids > 0):  # the first that has pixels
        has = np.bincount(ids[candidate], minlength=n + 1) > 0
        pick = candidate & ~np.bincount(ids[chosen], minlength=n + 1).astype(bool)[ids]
        chosen |= pick & has[ids]
    chosen = chosen.reshape(ny, nx)
    sums = np.zeros((n, smap.n_points))
    rows = max(1, int(chunk_pixels) // nx)
    for start in range(0, ny, rows):
        stop = min(ny, start + rows)
        inside = np.flatnonzero(chosen[start:stop].ravel())
        if inside.size == 0:  # no particle here: not read at all
            continue
        X = smap.rows(start, stop)
        block = labels[start:stop].ravel()
        member = sparse.csr_matrix(
            (np.ones(inside.size), (block[inside] - 1, inside)), shape=(n, block.size)
        )
        sums += member @ np.asarray(X, dtype=np.float64)
    counts = np.bincount(labels[chosen], minlength=n + 1)[1:]
    return sums / np.maximum(counts, 1)[:, None]


def identify_map(
    model,
    smap,
    *,
    background="snr",
    background_threshold: float | None = None,
    background_spectrum="median",
    grouping: str = "signal",
    min_pixels: int = 1,
    connectivity: int = 2,
    unknown_particles: bool = True,
    size_classes=SIZE_CLASSES_UM,
    chunk_pixels: int = CHUNK_PIXELS,
    progress: bool = False,
    scheduler=None,
) -> MapIdentification:
    """Identify every pixel of a map, then its particles.

    1. **Pixels**, in chunks of ``chunk_pixels`` (a dask map: block by
       block with ``dask.array.map_blocks``, on the active
       ``dask.distributed`` client if there is one, else ``scheduler``).
       A background gate first: a pixel whose measure (``background``) is
       below the threshold, or that holds a non-finite value, is
       ``"background"`` and is not given to the model. The others get the
       model's verdict (a material or ``"unknown"``), its top score and
       known-ness.
    2. **Particles**: connected signal pixels (``grouping="signal"``), or
       connected pixels of one verdict (``"material"``), of at least
       ``min_pixels`` pixels (scikit-image ``label``; ``connectivity`` 2:
       edges and corners touch; see :func:`label_particles`).
    3. **Re-identification**: each particle's mean spectrum (far less noisy
       than a pixel's) is identified again and gives the particle's
       material, score and verdict; its pixels' material is kept as
       ``pixel_material``.
    4. **Measures**: area, maximum and minimum Feret diameter (convex hull
       of the pixel squares), centroid, in µm where the map records its
       pixel size (else in pixels), and a size class by maximum Feret
       diameter.

    Parameters
    ----------
    model : estimator
        A fitted :class:`~sklearn_raman.identification.SpectrumIdentifier`,
        :class:`~sklearn_raman.open_set.OpenSetClassifier`, pipeline or
        classifier (see :class:`PixelModel` for what each gives).
    smap : SpectralMap or path-like
        The map, or a map file (:func:`read_map`).
    background : {"snr", "intensity"}, callable or None, default="snr"
        The background gate: ``"snr"``, :func:`signal_to_noise` of the pixel
        less ``background_spectrum`` (default threshold 6: on
        :func:`~sklearn_raman.datasets.make_map`'s defaults no bare filter
        pixel reaches 5.5, no fully covered particle pixel falls below 6.5);
        ``"intensity"``, the mean absolute intensity (give
        ``background_threshold``); a callable mapping pixel rows
        ``(n, n_points)`` to one number each; None: every finite pixel
        goes to the model.
    background_threshold : float or None, default=None
        Pixels measuring below it are background (None: the gate's default).
    background_spectrum : "median", array-like of shape (n_points,) or None, \
            default="median"
        The filter's own spectrum, subtracted before the signal-to-noise is
        measured: ``"median"``, the median pixel of up to 64 image rows
        spread over the map (a filter mostly bare: its bare pixels); an
        array; None: nothing subtracted (a map mostly covered).
    grouping : {"signal", "material"}, default="signal"
        How pixels join into particles (:func:`label_particles`): touching
        signal pixels, their material from their mean spectrum (for filters
        whose particles lie apart); or touching pixels of one verdict (for
        crowded filters where particles of different materials touch).
    min_pixels : int, default=1
        Smallest particle, in pixels.
    connectivity : {1, 2}, default=2
        4- or 8-connected particles.
    unknown_particles : bool, default=True
        Whether connected unknown pixels form particles (material
        "unknown").
    size_classes : sequence of float, default=(20, 50, 100, 500)
        Edges (µm, maximum Feret diameter) of the size classes.
    chunk_pixels : int, default=32768
        Pixels identified at once: the memory held is a few copies of this
        many spectra. A dask map keeps its own chunks unless a block holds
        more pixels than this (then it is rechunked into square tiles of
        this many).
    progress : bool, default=False
        A progress bar (tqdm) over the chunks.
    scheduler : str or None, default=None
        Dask scheduler of a dask map (``"threads"``, ``"processes"``,
        ``"synchronous"``); None: the active client's, else dask's default.

    Returns
    -------
    result : MapIdentification
        Per pixel codes, scores, known-ness; the particle table and counts.

    Examples
    --------
    >>> from sklearn_raman.datasets import make_map
    >>> from sklearn_raman.identification import SpectrumIdentifier
    >>> from sklearn_raman.maps import SpectralMap, identify_map
    >>> scan = make_map(shape=(48, 48), n_particles=8, random_state=0)
    >>> model = SpectrumIdentifier(model="library_pearson").fit(
    ...     [(scan.wavenumbers, r) for r in scan.references], scan.reference_y)
    >>> smap = SpectralMap(scan.data, scan.wavenumbers,
    ...                    pixel_size_um=scan.pixel_size_um)
    >>> result = identify_map(model, smap)
    >>> result.n_particles, len(scan.particles["particle_id"])
    (8, 8)
    >>> result.counts()[0]["material"], sorted(result.counts()[0])[:2]
    ('material_0', ['100-500', '20-50'])
    """
    if not isinstance(smap, SpectralMap):
        if isinstance(smap, str | os.PathLike):
            from ._read import read_map

            smap = read_map(smap)
        else:
            raise TypeError(
                f"smap must be a SpectralMap or a map file; got {type(smap).__name__}"
            )
    if not isinstance(chunk_pixels, Integral) or chunk_pixels < 1:
        raise ValueError(f"chunk_pixels must be an integer >= 1; got {chunk_pixels!r}")
    if background_threshold is not None and not isinstance(background_threshold, Real):
        raise ValueError(
            f"background_threshold must be a number; got {background_threshold!r}"
        )
    name = smap.name or "the map"
    pixel_model = PixelModel(model, smap.wavenumbers, smap.x_kind, name)
    reference = None
    if background == "snr" and background_spectrum is not None:
        reference = _reference_spectrum(smap, background_spectrum)
    gate = make_gate(background, background_threshold, reference)
    if smap.is_lazy:
        codes, scores, novelty = _pixels_on_dask(
            smap, pixel_model, gate, chunk_pixels, scheduler
        )
    else:
        codes, scores, novelty = _pixels_in_memory(
            smap, pixel_model, gate, chunk_pixels, progress
        )
    labels, pixel_codes = label_particles(
        codes,
        grouping=grouping,
        connectivity=connectivity,
        min_pixels=min_pixels,
        unknown=unknown_particles,
    )
    n = len(pixel_codes)
    size = smap.pixel_size_um or (1.0, 1.0)
    props = measure_particles(labels, size)
    if n:
        means = _particle_means(smap, labels, codes, pixel_codes, chunk_pixels)
        codes_p, top_p, scores_p, novelty_p = pixel_model.predict_top(means)
    else:
        means = np.zeros((0, smap.n_points))
        codes_p = top_p = np.zeros(0, np.int16)
        scores_p = novelty_p = np.zeros(0, np.float32)
    return MapIdentification(
        name=smap.name,
        classes=pixel_model.classes,
        codes=codes,
        scores=scores,
        novelty=novelty,
        particle_labels=labels,
        particle_codes=codes_p.astype(int),
        particle_top_codes=top_p.astype(int),
        particle_pixel_codes=pixel_codes,
        particle_scores=scores_p,
        particle_novelty=novelty_p,
        particle_spectra=means,
        properties=props,
        pixel_size_um=smap.pixel_size_um,
        wavenumbers=smap.wavenumbers,
        size_classes=size_classes,
        novelty_score=pixel_model.novelty_score,
        threshold=pixel_model.threshold,
    )
