"""Maps from the readers: pixel positions in the metadata become an image."""

from __future__ import annotations

import os
from collections import defaultdict

import numpy as np

from ..datasets import SpectrumFileError
from ._map import SpectralMap


def _positions(metas, key: str, path: str) -> np.ndarray:
    try:
        values = np.array([float(m[key]) for m in metas])
    except (KeyError, TypeError, ValueError):
        bad = next((i for i, m in enumerate(metas) if not _is_number(m.get(key))), 0)
        raise SpectrumFileError(
            f"{path}: spectrum {bad} has no pixel position {key!r} "
            f"({metas[bad].get(key)!r}); a map's spectra each need x and y"
        ) from None
    if not np.all(np.isfinite(values)):
        raise SpectrumFileError(f"{path}: a pixel position {key!r} is not finite")
    return values


def _is_number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _grid_index(metas, key: str, path: str):
    """Column / row index of each position, and the spacing (None: indices)."""
    values = _positions(metas, key, path)
    if all(isinstance(m[key], int | np.integer) for m in metas):
        # pixel indices, as the image readers write them
        if values.min() < 0:
            raise SpectrumFileError(f"{path}: a pixel index {key} is negative")
        return values.astype(int), None
    # stage coordinates (a text map's x, y columns): a regular grid of them
    levels = np.unique(values)
    if levels.size == 1:
        return np.zeros(values.size, int), None
    steps = np.diff(levels)
    step = float(np.median(steps))
    index = np.round((values - levels[0]) / step).astype(int)
    if not np.allclose(levels[0] + index * step, values, atol=0.05 * step):
        raise SpectrumFileError(
            f"{path}: the positions {key} ({levels[0]:g} to {levels[-1]:g}) lie on "
            f"no regular grid (steps {steps.min():g} to {steps.max():g}); a map "
            "needs its pixels on one"
        )
    return index, step


def _one_map(path, spectra, metas, z=None) -> SpectralMap:
    axis = spectra[0][0]
    for i, (other, _) in enumerate(spectra):
        if other.shape != axis.shape or not np.array_equal(other, axis):
            raise SpectrumFileError(
                f"{path}: pixel {i} has another spectral axis than pixel 0; a map "
                "needs one axis (resample the spectra first)"
            )
    x, step_x = _grid_index(metas, "x", path)
    y, step_y = _grid_index(metas, "y", path)
    recorded = metas[0].get("map_shape")
    if recorded is not None:
        ny, nx = (int(s) for s in tuple(recorded)[-2:])
    else:
        ny, nx = int(y.max()) + 1, int(x.max()) + 1
    if x.max() >= nx or y.max() >= ny:
        raise SpectrumFileError(
            f"{path}: pixel positions up to x={x.max()}, y={y.max()} lie outside "
            f"the map's {ny} x {nx} pixels"
        )
    flat = y * nx + x
    unique, counts = np.unique(flat, return_counts=True)
    if (counts > 1).any():
        twice = unique[counts > 1][0]
        raise SpectrumFileError(
            f"{path}: {int((counts > 1).sum())} pixels hold more than one spectrum "
            f"(e.g. x={twice % nx}, y={twice // nx}); a map holds one per pixel"
        )
    if unique.size != ny * nx:
        raise SpectrumFileError(
            f"{path}: {ny * nx - unique.size} of the map's {ny} x {nx} pixels have "
            "no spectrum; a map needs every pixel of its grid"
        )
    data = np.empty((ny * nx, axis.size), dtype=np.result_type(spectra[0][1], "f4"))
    data[flat] = np.stack([v for _, v in spectra])
    size = metas[0].get("pixel_size_um")
    if size is None and step_x is not None and step_y is not None:
        size = (step_x, step_y)  # stage coordinates, taken to be µm
    name = str(path) if z is None else f"{path} z={z}"
    return SpectralMap(
        data.reshape(ny, nx, axis.size),
        axis,
        pixel_size_um=size,
        x_kind=metas[0].get("x_kind"),
        name=name,
    )


def maps_from_spectra(data) -> list[SpectralMap]:
    """The maps of what :func:`~sklearn_raman.datasets.read_spectra` returns.

    One map per file (per depth ``z`` of a volume), from the pixel positions
    ``x``, ``y`` in the spectra's metadata (pixel indices, or a text map's
    stage coordinates on a regular grid) and ``map_shape`` / ``pixel_size_um``
    where recorded.

    Parameters
    ----------
    data : Bunch
        ``read_spectra(...)``'s result (``spectra``, ``filenames``,
        ``metadata``).

    Returns
    -------
    maps : list of SpectralMap
        In the order of the files.

    Raises
    ------
    SpectrumFileError
        A file whose spectra carry no pixel positions (not a map), or whose
        pixels do not fill a grid once each (the message names the file).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.utils import Bunch
    >>> from sklearn_raman.maps import maps_from_spectra
    >>> axis = np.array([100.0, 200.0])
    >>> data = Bunch(
    ...     spectra=[(axis, np.array([i, i + 1.0])) for i in range(4)],
    ...     filenames=["scan.hdr"] * 4,
    ...     metadata=[{"x": i % 2, "y": i // 2, "pixel_size_um": (5.0, 5.0)}
    ...               for i in range(4)])
    >>> (smap,) = maps_from_spectra(data)
    >>> smap.shape, smap.data[1, 0].tolist()
    ((2, 2), [2.0, 3.0])
    """
    by_file = defaultdict(list)
    for i, (name, meta) in enumerate(zip(data.filenames, data.metadata)):
        by_file[(str(name), meta.get("z"))].append(i)
    maps = []
    for (path, z), rows in by_file.items():
        metas = [data.metadata[i] for i in rows]
        if all(m.get("x") is None and m.get("y") is None for m in metas):
            raise SpectrumFileError(
                f"{path}: not a map (its {len(rows)} spectra carry no pixel "
                "positions x, y); identify single spectra with identify"
            )
        maps.append(_one_map(path, [data.spectra[i] for i in rows], metas, z))
    return maps


def read_map(path, **kwargs) -> SpectralMap:
    r"""Read one map file (ENVI, Agilent FPA tile / mosaic, ``.wdf`` map, ...).

    Parameters
    ----------
    path : str or path-like
        A map file the readers read (:func:`~sklearn_raman.datasets.read_spectra`),
        or a text table with ``x``, ``y`` columns (one pixel per row).
    **kwargs
        Passed to :func:`~sklearn_raman.datasets.read_spectra` (e.g.
        ``layout``).

    Returns
    -------
    smap : SpectralMap
        The map (in memory).

    Examples
    --------
    >>> import tempfile, os
    >>> from sklearn_raman.maps import read_map
    >>> path = os.path.join(tempfile.mkdtemp(), "map.csv")
    >>> rows = ["x,y,100,200,300"] + [
    ...     f"{x * 5},{y * 5},1,{x + y},3" for y in range(2) for x in range(3)]
    >>> _ = open(path, "w").write("\n".join(rows))
    >>> smap = read_map(path, layout="rows")
    >>> smap.shape, smap.pixel_size_um, smap.data[1, 2].tolist()
    ((2, 3), (5.0, 5.0), [1.0, 3.0, 3.0])
    """
    from ..datasets import read_spectra

    if os.path.isdir(path):
        raise IsADirectoryError(
            f"{path} is a folder; read_map reads one map file "
            "(maps_from_spectra(read_spectra(folder)) reads a folder of them)"
        )
    kwargs.setdefault("label_from", lambda _: "")
    maps = maps_from_spectra(read_spectra(path, **kwargs))
    if len(maps) != 1:
        raise SpectrumFileError(
            f"{path} holds {len(maps)} maps (depths z); use "
            "maps_from_spectra(read_spectra(path)) for all of them"
        )
    return maps[0]
