"""Renishaw WiRE ``.wdf`` files (single spectra, maps, line scans, series).

Read with Renishaw's own package ``renishaw-wdf`` (import name ``wdf``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._formats import FileSpectra, require
from ._text import SpectrumFileError

#: WiRE x-list units -> (x_kind, x_unit)
_X_UNITS = {
    "RamanShift": ("raman_shift", "cm-1"),
    "Wavenumber": ("wavenumber", "cm-1"),
    "Nanometre": ("wavelength", "nm"),
    "Micron": ("wavelength", "um"),
    "ElectronVolt": ("energy", "eV"),
}
#: WiRE data units -> y_kind
_Y_UNITS = {"Counts": "counts", "Intensity": "intensity", "Electrons": "counts"}
_POSITIONS = {"Spatial_X": "x", "Spatial_Y": "y", "Spatial_Z": "z"}
_LENGTH_UM = {"Micron": 1.0, "Millimetres": 1e3, "Metres": 1e6}


def read_wdf(path: Path) -> FileSpectra:
    """Every collected spectrum of a WiRE file, with positions and times."""
    wdf = require("wdf", "renishaw-wdf", path, "Renishaw WiRE .wdf")
    with wdf.Wdf(str(path)) as handle:
        header = handle.hdr
        if int(header.flags) & int(wdf.WdfFlags.Multitrack):
            raise SpectrumFileError(
                f"{path} is a multitrack WiRE file (one x-axis per track); "
                "export its tracks from WiRE as separate files"
            )
        n = int(header.ncollected)  # an aborted map holds fewer than nspectra
        xlist = handle.xlist()
        axis = np.asarray(xlist, dtype=np.float64)
        values = np.asarray(handle.spectrum(slice(0, n)), dtype=np.float64)
        values = values.reshape(n, header.npoints)
        try:
            origins = dict(handle.origins.items())
        except EOFError:  # a file without an origin block
            origins = {}
        base = {"measurement": header.type.name, "accumulations": int(header.naccum)}
        if header.title:
            base["title"] = header.title
        if header.time_start.year > 1601:  # FILETIME 0: not recorded
            base["acquired"] = header.time_start.isoformat()
        if header.appname:
            base["instrument"] = f"{header.appname} {header.appversion}"
        x_kind, x_unit = _X_UNITS.get(xlist.units.name, ("other", xlist.units.name))
        base.update(x_kind=x_kind, x_unit=x_unit)
        base["y_kind"] = _Y_UNITS.get(header.units.name, "arbitrary")
        if header.laser_wavenumber > 0:
            base["laser_wavelength_nm"] = round(1e7 / header.laser_wavenumber, 3)
        metadata = [dict(base, index=i) for i in range(n)]
        _spectrum_origins(origins, metadata, n)
        try:
            area = handle.map_area
        except EOFError:  # no map: a single spectrum or a series
            area = None
        if area is not None:
            _map_pixels(area, wdf.MapAreaFlags, metadata)
    return FileSpectra(path, [axis] * n, list(values), metadata)


def _map_pixels(area, flags, metadata: list[dict]) -> None:
    """Pixel ``x``, ``y`` (and ``z``) and ``map_shape`` of a map's spectra.

    From the stage positions where they lie on the map's grid, else from the
    collection order (row by row, or as the map's flags say).
    """
    if int(area.flags) & int(flags.RandomPoints):
        return  # no grid
    count, start, step = area.count, area.start, area.step
    if int(area.flags) & int(flags.XYLine):  # a line, at any angle: one row
        # (one row per depth of a depth slice)
        nx, depths = int(count.x), max(1, int(count.z))
        for i, meta in enumerate(metadata):
            meta.update(x=i % nx, y=i // nx, map_shape=(depths, nx))
        return
    axes = [a for a in "zyx" if a != "z" or int(count.z) > 1]
    shape = tuple(int(getattr(count, a)) for a in axes)
    pixels = []
    for meta in metadata:
        where = meta.get("position_um", {})
        pixel = {}
        for a in axes:
            if a in where and getattr(step, a):
                k = (where[a] - getattr(start, a)) / getattr(step, a)
                if abs(k - round(k)) < 0.05:
                    pixel[a] = round(k)
        pixels.append(pixel if len(pixel) == len(axes) else None)
    extra = {}
    if not _on_grid(pixels, axes, shape):
        pixels = [_raster(i, shape, int(area.flags), flags) for i in range(len(pixels))]
    else:
        # the stage positions (µm) fell on the grid of start + k * step: the
        # step is in µm too, and is the pixel size
        extra["pixel_size_um"] = (abs(float(step.x)), abs(float(step.y)))
    for meta, pixel in zip(metadata, pixels):
        meta.update(pixel, map_shape=shape, **extra)


def _on_grid(pixels: list, axes: list, shape: tuple) -> bool:
    """Whether stage-position pixels are each on the map's grid, once."""
    if any(p is None for p in pixels):
        return False
    seen = set()
    for pixel in pixels:
        key = tuple(pixel[a] for a in axes)
        if key in seen or any(not 0 <= k < n for k, n in zip(key, shape)):
            return False
        seen.add(key)
    return True


def _raster(i: int, shape: tuple, value: int, flags) -> dict:
    """Pixel of the ``i``-th spectrum of a map collected row by row."""
    ny, nx = shape[-2:]
    if value & int(flags.ColumnMajor):
        x, y = divmod(i % (nx * ny), ny)
        if value & int(flags.Alternating) and x % 2:
            y = ny - 1 - y
    else:
        y, x = divmod(i % (nx * ny), nx)
        if value & int(flags.Alternating) and y % 2:
            x = nx - 1 - x
    pixel = {"x": x, "y": y}
    if len(shape) == 3:
        pixel["z"] = i // (nx * ny)
    return pixel


def _spectrum_origins(origins: dict, metadata: list[dict], n: int) -> None:
    """Stage positions (µm) and times (s from the first) of each spectrum."""
    for datatype, origin in origins.items():
        if datatype.name in _POSITIONS and origin.dataunit.name in _LENGTH_UM:
            scale = _LENGTH_UM[origin.dataunit.name]
            for meta, value in zip(metadata, origin[0:n]):
                meta.setdefault("position_um", {})[_POSITIONS[datatype.name]] = (
                    float(value) * scale
                )
        elif datatype.name == "Time" and origin.dataunit.name == "FileTime":
            times = list(origin[0:n])
            for meta, value in zip(metadata, times):
                meta["time_s"] = (value - times[0]).total_seconds()
