"""WITec Project files (``.wip``, ``.wid``), read with ``witio``.

Every graph (``TDGraph``: a single spectrum, a line scan or an image scan)
gives its spectra, in the axis unit the project displays, with the graph's
caption, the pixel position (µm, where the project has one) and the
excitation wavelength.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._formats import FileSpectra, require
from ._text import SpectrumFileError

_X_UNITS = {
    "nm": ("wavelength", "nm"),
    "um": ("wavelength", "um"),
    "1/cm": ("wavenumber", "cm-1"),
    "rel. 1/cm": ("raman_shift", "cm-1"),
    "eV": ("energy", "eV"),
}


def read_witec(path: Path) -> FileSpectra:
    """Every spectrum of every graph of a WITec project."""
    witio = require("witio", "witio", path, "WITec Project")
    project = witio.read(str(path))
    graphs = [d for d in project.data if d.class_name == "TDGraph"]
    if not graphs:
        raise SpectrumFileError(f"{path}: a WITec project without spectra (TDGraph)")
    axes, values, metadata, names = [], [], [], []
    for graph in graphs:
        x, unit = graph.x_axis()
        data = np.asarray(graph.array(), dtype=np.float64)
        # witio's (SizeX, SizeY, points): flattened x-major, so x = i // SizeY
        size_x, size_y = data.shape[:2] if data.ndim == 3 else (len(data), 1)
        data = data.reshape(-1, data.shape[-1])
        base = dict(zip(("x_kind", "x_unit"), _X_UNITS.get(unit, ("other", unit))))
        base.update(y_kind="counts", title=graph.caption or "")
        laser = _excitation(project, graph)
        if laser:
            base["laser_wavelength_nm"] = laser
        positions = _positions(graph, len(data))
        for i, spectrum in enumerate(data):
            meta = dict(base, index=len(values), graph_index=i)
            if positions is not None:
                meta["position_um"] = positions[i]
            if len(data) > 1:  # a line or image scan: its pixel and shape
                meta.update(x=i // size_y, y=i % size_y, map_shape=(size_y, size_x))
            axes.append(np.asarray(x, dtype=np.float64))
            values.append(spectrum)
            metadata.append(meta)
            names.append(graph.caption if len(data) == 1 else f"{graph.caption}[{i}]")
    return FileSpectra(path, axes, values, metadata, names)


def _excitation(project, graph) -> float | None:
    tag = graph.payload.find("XInterpretationID")
    interp = project.find_by_id(tag.scalar()) if tag is not None else None
    if interp is None or interp.class_name != "TDSpectralInterpretation":
        return None
    value = float(interp.payload["ExcitationWaveLength"].scalar())
    return value if value > 0 else None


def _positions(graph, n: int) -> list[dict] | None:
    try:
        grid_x, grid_y = graph.position_grid("um")
    except Exception:  # no space transformation: pixel indices only
        return None
    grid_x, grid_y = np.ravel(grid_x), np.ravel(grid_y)
    if len(grid_x) != n:
        return None
    return [{"x": float(a), "y": float(b)} for a, b in zip(grid_x, grid_y)]
