"""Hyperspectral maps: identify every pixel of a filter scan, find the particles.

A map (:class:`SpectralMap`) is a pixel grid of spectra on one axis, read
from a map file (:func:`read_map`) or built from arrays, in memory, as a
memory map or as a ``dask.array``. :func:`identify_map` applies a fitted
model to every pixel in bounded-memory chunks (on a Dask cluster for a dask
map), gates out background pixels, joins connected pixels of one material
into particles, re-identifies each particle's mean spectrum and measures it
(area, Feret diameters)::

    from sklearn_raman.identification import SpectrumIdentifier
    from sklearn_raman.maps import identify_map, read_map

    model = SpectrumIdentifier.load("plastics.skops")
    result = identify_map(model, read_map("filter.hdr"))
    result.particles_frame()          # one row per particle
    result.counts()                   # per material and size class
"""

from ._background import signal_to_noise, total_intensity
from ._evaluate import match_particles, score_particles
from ._identify import identify_map
from ._map import NpyRows, SpectralMap, open_npy_map
from ._particles import (
    BACKGROUND,
    SIZE_CLASSES_UM,
    UNKNOWN,
    label_particles,
    measure_particles,
    size_class_names,
    size_class_of,
)
from ._predict import PixelModel
from ._read import maps_from_spectra, read_map
from ._result import MapIdentification, write_particle_csv

__all__ = [
    "BACKGROUND",
    "SIZE_CLASSES_UM",
    "UNKNOWN",
    "MapIdentification",
    "NpyRows",
    "PixelModel",
    "SpectralMap",
    "identify_map",
    "label_particles",
    "maps_from_spectra",
    "match_particles",
    "measure_particles",
    "open_npy_map",
    "read_map",
    "score_particles",
    "signal_to_noise",
    "size_class_names",
    "size_class_of",
    "total_intensity",
    "write_particle_csv",
]
