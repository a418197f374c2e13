"""The map type: spectra on one axis arranged as an image, in memory or not."""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterator

import numpy as np

from .._axis import as_axis


def _is_dask(data) -> bool:
    return type(data).__module__.startswith("dask.")


def _pixel_size(value) -> tuple[float, float] | None:
    if value is None:
        return None
    size = np.broadcast_to(np.asarray(value, dtype=float), (2,))
    if not np.all(np.isfinite(size)) or np.any(size <= 0):
        raise ValueError(
            f"pixel_size_um must be a positive number or (x, y); got {value!r}"
        )
    return float(size[0]), float(size[1])


class SpectralMap:
    """Spectra on one axis arranged as an image: ``(ny, nx, n_points)``.

    What a filter scan is (an FPA-FTIR tile or mosaic, a Raman map): a pixel
    grid whose every pixel holds a spectrum on the map's one axis. The data
    are kept as given, not copied: a NumPy array, a memory map
    (``np.load(path, mmap_mode="r")``, read chunk by chunk with plain file
    reads so that a map larger than memory holds one chunk in memory at a
    time) or a ``dask.array`` (identified block by block, on a Dask cluster
    where a ``dask.distributed`` client is active).

    An own small class rather than an ``xarray.DataArray``: a map needs two
    pixel coordinates, a pixel size and one spectral axis, and the package
    reads no more than that; xarray would add a dependency for it. The
    pixel arrays convert both ways (:meth:`to_X`, :meth:`from_X`).

    Parameters
    ----------
    data : array-like of shape (ny, nx, n_points)
        The pixels' spectra: an ndarray, ``np.memmap`` or ``dask.array``.
    wavenumbers : array-like of shape (n_points,)
        The map's spectral axis (cm-1, or the unit of ``x_kind``).
    pixel_size_um : float, (float, float) or None, default=None
        Pixel size ``(x, y)`` in µm; None: unknown (particle sizes are then
        given in pixels).
    x_kind : str or None, default=None
        Axis kind (``"wavenumber"``, ``"raman_shift"``, ...), as the readers'
        metadata records it.
    name : str or None, default=None
        The map's name (its file), for results and errors.

    Attributes
    ----------
    shape : tuple of int
        ``(ny, nx)``.
    n_points : int
        Points per spectrum.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.maps import SpectralMap
    >>> data = np.random.default_rng(0).random((4, 5, 30))
    >>> smap = SpectralMap(data, np.linspace(400, 1800, 30), pixel_size_um=10)
    >>> smap.shape, smap.n_pixels, smap.to_X().shape
    ((4, 5), 20, (20, 30))
    >>> smap.x_um[:2].tolist(), smap.pixel_size_um
    ([5.0, 15.0], (10.0, 10.0))
    """

    def __init__(
        self,
        data,
        wavenumbers,
        *,
        pixel_size_um=None,
        x_kind: str | None = None,
        name: str | None = None,
    ) -> None:
        if not (_is_dask(data) or isinstance(data, np.ndarray)):
            data = np.asarray(data)
        if data.ndim != 3:
            raise ValueError(
                f"a map's data must be 3D (ny, nx, n_points); got shape {data.shape}"
            )
        if not np.issubdtype(data.dtype, np.number):
            raise ValueError(f"a map's data must be numeric; got dtype {data.dtype}")
        wavenumbers = as_axis(wavenumbers, name="wavenumbers")
        if wavenumbers.size != data.shape[2]:
            raise ValueError(
                f"{wavenumbers.size} wavenumbers for spectra of {data.shape[2]} "
                f"points (data of shape {data.shape})"
            )
        self.data = data
        self.wavenumbers = wavenumbers
        self.pixel_size_um = _pixel_size(pixel_size_um)
        self.x_kind = x_kind
        self.name = name

    @property
    def shape(self) -> tuple[int, int]:
        """``(ny, nx)``, the pixel grid."""
        return int(self.data.shape[0]), int(self.data.shape[1])

    @property
    def n_pixels(self) -> int:
        """Number of pixels, ``ny * nx``."""
        return self.shape[0] * self.shape[1]

    @property
    def n_points(self) -> int:
        """Points per spectrum."""
        return int(self.data.shape[2])

    @property
    def is_lazy(self) -> bool:
        """Whether the data are a ``dask.array``."""
        return _is_dask(self.data)

    def _coordinates(self, n: int, axis: int) -> np.ndarray | None:
        if self.pixel_size_um is None:
            return None
        return (np.arange(n) + 0.5) * self.pixel_size_um[axis]

    @property
    def x_um(self) -> np.ndarray | None:
        """Pixel-centre x coordinates (µm) of the columns (None: no pixel size)."""
        return self._coordinates(self.shape[1], 0)

    @property
    def y_um(self) -> np.ndarray | None:
        """Pixel-centre y coordinates (µm) of the rows, row 0 first."""
        return self._coordinates(self.shape[0], 1)

    def __repr__(self) -> str:
        kind = type(self.data).__name__
        size = "" if self.pixel_size_um is None else f", {self.pixel_size_um} µm"
        name = "" if self.name is None else f"{self.name!r}, "
        return (
            f"SpectralMap({name}{self.shape[0]} x {self.shape[1]} pixels x "
            f"{self.n_points} points, {kind}{size})"
        )

    def to_X(self):
        """The pixels as rows: ``(ny * nx, n_points)``, row by row.

        Returns
        -------
        X : ndarray or dask.array of shape (n_pixels, n_points)
            A view of the data where it can be one (a dask array stays lazy).
        """
        return self.data.reshape(self.n_pixels, self.n_points)

    @classmethod
    def from_X(cls, X, shape, wavenumbers, **kwargs) -> SpectralMap:
        """A map from pixel rows, as :meth:`to_X` gives them.

        Parameters
        ----------
        X : array-like of shape (ny * nx, n_points)
            Pixel spectra, row by row.
        shape : (int, int)
            ``(ny, nx)``.
        wavenumbers : array-like of shape (n_points,)
            The spectral axis.
        **kwargs
            ``pixel_size_um``, ``x_kind``, ``name``.

        Returns
        -------
        smap : SpectralMap
            The map; a view of ``X`` where it can be one.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_raman.maps import SpectralMap
        >>> X = np.arange(24.0).reshape(6, 4)
        >>> SpectralMap.from_X(X, (2, 3), [1, 2, 3, 4]).data[1, 0].tolist()
        [12.0, 13.0, 14.0, 15.0]
        """
        if not _is_dask(X):
            X = np.asarray(X)
        ny, nx = (int(s) for s in shape)
        if X.ndim != 2 or X.shape[0] != ny * nx:
            raise ValueError(
                f"X of shape {X.shape} is not {ny} x {nx} = {ny * nx} pixel rows"
            )
        return cls(X.reshape(ny, nx, X.shape[1]), wavenumbers, **kwargs)

    def rows(self, start: int, stop: int) -> np.ndarray:
        """Pixel rows ``start:stop`` of the image in memory, ``(n, n_points)``.

        A memory map is read with a plain file read (its pages are not kept
        mapped, so the memory held stays one chunk), a dask array computed.

        Parameters
        ----------
        start, stop : int
            Image rows (``0 <= start < stop <= ny``).

        Returns
        -------
        X : ndarray of shape ((stop - start) * nx, n_points)
            The rows' pixels, row by row.
        """
        data = self.data
        block = data[start:stop]
        if _whole_file_memmap(data):
            block = _read_rows(
                data.filename, data.offset, data.shape, data.dtype, start, stop
            )
        elif self.is_lazy:
            block = block.compute()
        return np.asarray(block).reshape(-1, self.n_points)

    def iter_rows(self, rows_per_chunk: int) -> Iterator[tuple[int, int, np.ndarray]]:
        """``(start, stop, X)`` for consecutive chunks of image rows.

        Parameters
        ----------
        rows_per_chunk : int
            Image rows per chunk.

        Yields
        ------
        start, stop : int
            The chunk's image rows.
        X : ndarray of shape ((stop - start) * nx, n_points)
            Its pixels (:meth:`rows`).
        """
        ny = self.shape[0]
        step = max(1, int(rows_per_chunk))
        for start in range(0, ny, step):
            stop = min(ny, start + step)
            yield start, stop, self.rows(start, stop)


def _whole_file_memmap(data) -> bool:
    """A C-ordered memory map of a whole file, as ``np.load(mmap_mode=...)`` gives."""
    return (
        isinstance(data, np.memmap)
        and isinstance(data.base, mmap.mmap)
        and data.flags.c_contiguous
        and bool(getattr(data, "filename", None))
    )


def _read_rows(path, offset: int, shape, dtype, start: int, stop: int) -> np.ndarray:
    """Image rows ``start:stop`` of a C-ordered (ny, nx, n_points) array in a file.

    A plain read, so no page of the file stays mapped in this process.
    """
    row = shape[1] * shape[2]
    with open(path, "rb") as handle:
        handle.seek(offset + start * row * np.dtype(dtype).itemsize)
        out = np.fromfile(handle, dtype=dtype, count=(stop - start) * row)
    return out.reshape(stop - start, shape[1], shape[2])


class NpyRows:
    """Rows of a ``.npy`` map read from its file: what a dask block reads.

    It pickles as its path, so a Dask worker reads its own rows from shared
    storage; ``dask.array.from_array`` of a memory map would instead send
    the whole map through the scheduler.

    Parameters
    ----------
    path : str or path-like
        A C-ordered ``.npy`` file of shape (ny, nx, n_points).

    Examples
    --------
    >>> import os, pickle, tempfile
    >>> import numpy as np
    >>> from sklearn_raman.maps import NpyRows
    >>> path = os.path.join(tempfile.mkdtemp(), "map.npy")
    >>> np.save(path, np.arange(24.0).reshape(2, 3, 4))
    >>> rows = pickle.loads(pickle.dumps(NpyRows(path)))
    >>> rows.shape, rows[1:2, 0].tolist()
    ((2, 3, 4), [[12.0, 13.0, 14.0, 15.0]])
    """

    def __init__(self, path) -> None:
        self.path = os.fspath(path)
        mapped = np.load(self.path, mmap_mode="r")
        if mapped.ndim != 3 or not mapped.flags.c_contiguous:
            raise ValueError(
                f"{self.path}: a map is a C-ordered (ny, nx, n_points) array; got "
                f"shape {mapped.shape}"
            )
        self.shape, self.dtype, self.offset = mapped.shape, mapped.dtype, mapped.offset
        self.ndim = 3
        del mapped

    def __getitem__(self, key):
        rows = key[0] if isinstance(key, tuple) else key
        start, stop, step = (
            rows.indices(self.shape[0])
            if isinstance(rows, slice)
            else (int(rows), int(rows) + 1, 1)
        )
        if step != 1:
            raise IndexError("NpyRows reads contiguous rows only")
        block = _read_rows(self.path, self.offset, self.shape, self.dtype, start, stop)
        rest = key[1:] if isinstance(key, tuple) else ()
        return block[(slice(None), *rest)] if rest else block


def open_npy_map(path, wavenumbers, *, chunks=None, **kwargs) -> SpectralMap:
    """A map stored as a ``.npy`` file of shape (ny, nx, n_points), not loaded.

    Parameters
    ----------
    path : str or path-like
        The ``.npy`` file (``np.save`` or ``np.lib.format.open_memmap``).
    wavenumbers : array-like of shape (n_points,)
        The spectral axis.
    chunks : int, tuple or None, default=None
        None: a read-only memory map, read chunk by chunk with plain file
        reads. Else a ``dask.array`` of chunks of this many image rows (or
        these dask chunks), each read from the file by the worker that needs
        it (:class:`NpyRows`): for a Dask cluster that sees the same storage.
    **kwargs
        ``pixel_size_um``, ``x_kind``, ``name`` of :class:`SpectralMap`.

    Returns
    -------
    smap : SpectralMap
        Nothing is read until identified.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from sklearn_raman.maps import open_npy_map
    >>> path = os.path.join(tempfile.mkdtemp(), "map.npy")
    >>> np.save(path, np.ones((3, 4, 10), dtype=np.float32))
    >>> smap = open_npy_map(path, np.arange(10.0), pixel_size_um=5)
    >>> smap.rows(1, 3).shape
    (8, 10)
    >>> lazy = open_npy_map(path, np.arange(10.0), chunks=2)
    >>> lazy.is_lazy, lazy.data.chunks[0]
    (True, (2, 1))
    """
    kwargs.setdefault("name", os.fspath(path))
    if chunks is None:
        return SpectralMap(np.load(path, mmap_mode="r"), wavenumbers, **kwargs)
    import dask.array as da

    rows = NpyRows(path)
    if isinstance(chunks, int):
        chunks = (chunks, -1, -1)
    data = da.from_array(
        rows, chunks=chunks, asarray=True, meta=np.empty((0, 0, 0), rows.dtype)
    )
    return SpectralMap(data, wavenumbers, **kwargs)
