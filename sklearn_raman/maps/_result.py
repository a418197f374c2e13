"""What identifying a map gives: pixels, particles, counts."""

from __future__ import annotations

import csv
import os

import numpy as np

from ._particles import BACKGROUND, size_class_names, size_class_of


class MapIdentification:
    r"""The identification of a map: every pixel, every particle, the counts.

    Made by :func:`identify_map`. Pixel codes: a class index (``>= 0``),
    ``-1`` unknown, ``-2`` background.

    Parameters
    ----------
    name : str or None
        The map's name (its file).
    classes : array-like of shape (n_classes,)
        The model's materials.
    codes, scores, novelty : ndarray of shape (ny, nx)
        Per pixel: code, top match score, known-ness.
    particle_labels : ndarray of int, shape (ny, nx)
        0: no particle; else the particle's id.
    particle_codes, particle_top_codes, particle_pixel_codes : ndarray
        Per particle (int, shape (n_particles,)): the verdict of its mean
        spectrum, its best match (also where the verdict is unknown), the
        commonest verdict of its pixels.
    particle_scores, particle_novelty : ndarray of shape (n_particles,)
        Per particle: top match score and known-ness of its mean spectrum.
    particle_spectra : ndarray of shape (n_particles, n_points)
        The mean spectra.
    properties : dict of ndarray
        :func:`measure_particles`' measures of the particles.
    pixel_size_um : (float, float) or None
        Pixel size ``(x, y)``; None: sizes in pixels.
    wavenumbers : ndarray of shape (n_points,)
        The map's axis.
    size_classes : sequence of float
        Edges (µm) of the size classes.
    novelty_score : str or None
        The known-ness score's name (open-set models).
    threshold : float or None
        Unknown below this known-ness (open-set models).

    Attributes
    ----------
    name : str or None
        The map's name (its file).
    classes : ndarray of shape (n_classes,)
        The model's materials.
    codes : ndarray of int16, shape (ny, nx)
        Per pixel: class index, -1 (unknown) or -2 (background).
    scores : ndarray of float32, shape (ny, nx)
        Top match score of each pixel (NaN for background).
    novelty : ndarray of float32, shape (ny, nx)
        Known-ness score of each pixel (NaN for background, or without an
        open-set model).
    particle_labels : ndarray of int32, shape (ny, nx)
        0: no particle; else the particle's id.
    particles : dict of ndarray
        The particle table, one entry per particle (see :meth:`records`).
    particle_spectra : ndarray of shape (n_particles, n_points)
        Mean spectrum of each particle on the map's axis.
    unit : str
        ``"um"`` where the map records its pixel size, else ``"px"``: the
        unit of the particles' sizes.

    Examples
    --------
    >>> from sklearn_raman.datasets import make_map
    >>> from sklearn_raman.identification import SpectrumIdentifier
    >>> from sklearn_raman.maps import SpectralMap, identify_map
    >>> scan = make_map(shape=(40, 40), n_particles=5, particle_size=(3, 12),
    ...                 random_state=1)
    >>> model = SpectrumIdentifier(model="library_pearson").fit(
    ...     [(scan.wavenumbers, r) for r in scan.references], scan.reference_y)
    >>> result = identify_map(model, SpectralMap(
    ...     scan.data, scan.wavenumbers, pixel_size_um=scan.pixel_size_um))
    >>> result.n_particles, result.unit, result.codes.shape
    (5, 'um', (40, 40))
    >>> sorted(result.records()[0])[:4]
    ['area_um2', 'centroid_x_um', 'centroid_y_um', 'feret_max_um']
    """

    def __init__(
        self,
        *,
        name,
        classes,
        codes,
        scores,
        novelty,
        particle_labels,
        particle_codes,
        particle_top_codes,
        particle_pixel_codes,
        particle_scores,
        particle_novelty,
        particle_spectra,
        properties,
        pixel_size_um,
        wavenumbers,
        size_classes,
        novelty_score,
        threshold,
    ) -> None:
        self.name = name
        self.classes = np.asarray(classes)
        self.codes = codes
        self.scores = scores
        self.novelty = novelty
        self.particle_labels = particle_labels
        self.particle_spectra = particle_spectra
        self.pixel_size_um = pixel_size_um
        self.wavenumbers = wavenumbers
        self.size_classes = tuple(float(e) for e in size_classes)
        self.novelty_score = novelty_score
        self.threshold = threshold
        self.unit = "px" if pixel_size_um is None else "um"
        u = self.unit
        area = "area_px" if u == "px" else "area_um2"
        table = {
            "particle_id": properties["particle_id"],
            "material": self.names(particle_codes),
            "top_match": self.names(particle_top_codes),
            "score": np.asarray(particle_scores, float),
            "novelty": np.asarray(particle_novelty, float),
            "pixel_material": self.names(particle_pixel_codes),
            "n_pixels": properties["n_pixels"],
            area: properties["area"],
            f"feret_max_{u}": properties["feret_max"],
            f"feret_min_{u}": properties["feret_min"],
            f"centroid_x_{u}": properties["centroid_x"],
            f"centroid_y_{u}": properties["centroid_y"],
        }
        if u == "um":
            table["size_class"] = size_class_of(
                properties["feret_max"], self.size_classes
            )
        self.particles = table

    def names(self, codes) -> np.ndarray:
        """The material names of codes: class names, "unknown", "background".

        Parameters
        ----------
        codes : array-like of int
            Pixel or particle codes.

        Returns
        -------
        names : ndarray of object, the shape of ``codes``
            A class name, ``"unknown"`` (-1) or ``"background"`` (-2) each.
        """
        codes = np.asarray(codes, dtype=int)
        lookup = np.array(
            [*(str(c) for c in self.classes), "background", "unknown"], dtype=object
        )
        # -2 -> len(classes), -1 -> len(classes) + 1
        index = np.where(codes >= 0, codes, len(self.classes) + (codes - BACKGROUND))
        return lookup[index]

    @property
    def materials(self) -> np.ndarray:
        """Per pixel the material name (``"unknown"``, ``"background"``)."""
        return self.names(self.codes)

    @property
    def n_particles(self) -> int:
        """Number of particles."""
        return len(self.particles["particle_id"])

    def records(self) -> list[dict]:
        """The particle table as one dict per particle.

        Keys: ``particle_id``; ``material`` (the verdict of the particle's
        mean spectrum: a class or "unknown"), ``top_match`` (its best match,
        a class even where the verdict is unknown), ``score`` (that match's
        score), ``novelty`` (its known-ness), ``pixel_material`` (the verdict
        of its pixels), ``n_pixels``, ``area_um2``, ``feret_max_um``,
        ``feret_min_um``, ``centroid_x_um``, ``centroid_y_um`` and
        ``size_class`` (``_px`` and no size class where the map has no pixel
        size).

        Returns
        -------
        records : list of dict
            One per particle, in id order.
        """
        keys = list(self.particles)
        columns = [self.particles[k].tolist() for k in keys]
        return [dict(zip(keys, row)) for row in zip(*columns)]

    def particles_frame(self):
        """The particle table as a pandas DataFrame (pandas needed).

        Returns
        -------
        frame : pandas.DataFrame
            One row per particle, the columns of :meth:`records`.
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover
            raise ImportError(
                "particles_frame needs pandas: pip install pandas"
            ) from exc
        return pd.DataFrame(self.particles)

    def to_csv(self, path, *, map_name: bool = False) -> None:
        """Write the particle table as CSV (one row per particle).

        Parameters
        ----------
        path : str or path-like
            The file; its folder is created.
        map_name : bool, default=False
            Prepend a ``map`` column with the map's name.
        """
        write_particle_csv(path, [self], map_name=map_name)

    def counts(self) -> list[dict]:
        """Particles per material and size class.

        Returns
        -------
        rows : list of dict
            One per material (sorted): ``material``, a count per size class
            (``"< 20"``, ``"20-50"``, ...; only where the map has a pixel
            size) and ``total``.
        """
        materials = self.particles["material"]
        classes = size_class_names(self.size_classes) if self.unit == "um" else []
        rows = []
        for material in sorted(set(materials.tolist())):
            mine = materials == material
            row = {"material": material}
            for name in classes:
                row[name] = int(np.sum(mine & (self.particles["size_class"] == name)))
            row["total"] = int(mine.sum())
            rows.append(row)
        return rows

    def pixel_counts(self) -> dict:
        """Pixels per material (with ``"unknown"`` and ``"background"``).

        Returns
        -------
        counts : dict of str to int
            Material name to its number of pixels.
        """
        names, counts = np.unique(self.materials, return_counts=True)
        return {str(n): int(c) for n, c in zip(names, counts)}

    def summary(self) -> str:
        """One paragraph: pixels, particles per material.

        Returns
        -------
        text : str
            E.g. ``"map.hdr: 13 x 16 pixels (120 background, 3 unknown); 4
            particles: PE 3, unknown 1"``.
        """
        pixels = self.pixel_counts()
        ny, nx = self.codes.shape
        per = ", ".join(f"{r['material']} {r['total']}" for r in self.counts())
        return (
            f"{self.name or 'map'}: {ny} x {nx} pixels ({pixels.get('background', 0)} "
            f"background, {pixels.get('unknown', 0)} unknown); "
            f"{self.n_particles} particles" + (f": {per}" if per else "")
        )

    def save_pixels(self, path) -> None:
        """Write the per-pixel results as a ``.npz`` file.

        Arrays: ``codes``, ``scores``, ``novelty``, ``particle_labels``,
        ``classes`` (str), ``pixel_size_um`` (NaN where unknown).

        Parameters
        ----------
        path : str or path-like
            The file; its folder is created.
        """
        folder = os.path.dirname(os.fspath(path))
        if folder:
            os.makedirs(folder, exist_ok=True)
        size = self.pixel_size_um or (np.nan, np.nan)
        np.savez_compressed(
            path,
            codes=self.codes,
            scores=self.scores,
            novelty=self.novelty,
            particle_labels=self.particle_labels,
            classes=np.asarray([str(c) for c in self.classes]),
            pixel_size_um=np.asarray(size, float),
        )

    def plot_map(self, ax=None, title=None):
        """The material map with particle outlines and a legend (matplotlib).

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw (None: a new figure).
        title : str, default=None
            The title (None: the map's name).

        Returns
        -------
        ax : matplotlib Axes
            The material map.
        """
        from ..plotting import plot_material_map

        return plot_material_map(
            self.codes,
            self.classes,
            particle_labels=self.particle_labels,
            pixel_size_um=self.pixel_size_um or (1.0, 1.0),
            ax=ax,
            title=self.name if title is None else title,
        )

    def plot_sizes(self, ax=None, title=None):
        """Particles per size class and material (matplotlib).

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw (None: a new figure).
        title : str, default=None
            The title.

        Returns
        -------
        ax : matplotlib Axes
            The bar chart.
        """
        from ..plotting import plot_size_distribution

        if self.unit != "um":
            raise ValueError(
                f"{self.name or 'the map'} records no pixel size: no sizes in µm "
                "to plot (give SpectralMap(pixel_size_um=...))"
            )
        return plot_size_distribution(
            self.particles["material"],
            self.particles["feret_max_um"],
            size_classes=self.size_classes,
            ax=ax,
            title=title,
        )


def write_particle_csv(path, results, *, map_name: bool = True) -> None:
    """Write the particle tables of one or more maps to one CSV file.

    Parameters
    ----------
    path : str or path-like
        The file; its folder is created.
    results : sequence of MapIdentification
        Their particles, one after the other.
    map_name : bool, default=True
        A first column ``map`` with each map's name.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_raman.datasets import make_map
    >>> from sklearn_raman.identification import SpectrumIdentifier
    >>> from sklearn_raman.maps import SpectralMap, identify_map, write_particle_csv
    >>> scan = make_map(shape=(32, 32), n_particles=3, particle_size=(3, 10),
    ...                 random_state=0)
    >>> model = SpectrumIdentifier(model="library_pearson").fit(
    ...     [(scan.wavenumbers, r) for r in scan.references], scan.reference_y)
    >>> results = [identify_map(model, SpectralMap(scan.data, scan.wavenumbers,
    ...     pixel_size_um=10, name=name)) for name in ("a", "b")]
    >>> path = os.path.join(tempfile.mkdtemp(), "particles.csv")
    >>> write_particle_csv(path, results)
    >>> lines = open(path).read().splitlines()
    >>> len(lines), lines[0].split(",")[:3], lines[-1].split(",")[0]
    (7, ['map', 'particle_id', 'material'], 'b')
    """
    folder = os.path.dirname(os.fspath(path))
    if folder:
        os.makedirs(folder, exist_ok=True)
    keys = [] if not map_name else ["map"]
    for result in results:  # maps with and without pixel sizes: all columns
        keys += [k for k in result.particles if k not in keys]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=keys, restval="")
        writer.writeheader()
        for result in results:
            for row in result.records():
                writer.writerow({"map": result.name, **row} if map_name else row)
