"""Agilent Resolutions Pro / Cary 600 FPA images: tiles and mosaics.

A tile is a ``.bsp`` header and a ``.dat`` cube; a mosaic a ``.dmt`` header
and one ``<stem>_XXXX_YYYY.dmd`` cube per tile.

The package's own reader: the maintained ``agilent-format`` (Orange's reader)
accepts only the square sizes of whole detectors (64², 128², ...) and
refuses the crops that uFTIR ships (20 × 20 and 10 × 10 pixels). The layout,
as ``agilent-format`` and uFTIR read it (and checked on those files):

- header (``.bsp``, ``.dmt``): the wavenumber step (float64 at byte 2216), the
  index of the first point (int32 at 2228) and the point count (int32 at
  2236), little-endian; wavenumber ``i`` = step × (first + i);
- cube (``.dat``, ``.dmd``): 255 float32 of preamble, then the absorbances
  band after band, each band an image whose columns run fastest and whose
  rows run from the bottom of the field up;
- a mosaic's tile ``<stem>_XXXX_YYYY.dmd`` is tile column ``XXXX`` (from the
  left) and tile row ``YYYY`` (from the top); its tiles are placed by that.

Spectra come in row-major order of the whole image, ``y`` counted from the
top (as ENVI's lines), ``x`` from the left: ``values.reshape(ny, nx, -1)`` is
the image, ``map_shape`` = ``(ny, nx)``.
"""

from __future__ import annotations

import re
import struct
from datetime import datetime
from pathlib import Path

import numpy as np

from ._formats import FileSpectra, sibling
from ._text import SpectrumFileError

_PREAMBLE = 255  # float32 values before a cube's data
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the header files are OLE documents
_TILE_NAME = re.compile(r"_(\d{4})_(\d{4})$")
_DATE = re.compile(rb"[A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{4} \d{2}:\d{2}:\d{2}")
_Y_UNITS = {
    "Absorbance": "absorbance",
    "Transmittance": "transmittance",
    "Reflectance": "reflectance",
}


def _header(path: Path) -> tuple[np.ndarray, dict]:
    """The wavenumber axis of an Agilent header file, and its metadata."""
    blob = path.read_bytes()
    if not blob.startswith(_OLE) or len(blob) < 2240:
        raise SpectrumFileError(
            f"{path}: not an Agilent FPA header (an OLE document of at least "
            "2240 bytes)"
        )
    (step,) = struct.unpack_from("<d", blob, 2216)
    (first,) = struct.unpack_from("<i", blob, 2228)
    (count,) = struct.unpack_from("<i", blob, 2236)
    if not (0 < step < 100 and first >= 0 and count > 0):
        raise SpectrumFileError(
            f"{path}: bytes 2216-2240 give no wavenumber axis (step {step}, "
            f"first point {first}, {count} points); is it an FPA image header?"
        )
    axis = step * (first + np.arange(count, dtype=np.float64))
    meta = {"x_kind": "wavenumber", "x_unit": "cm-1", "instrument": "Agilent FPA"}
    units = _units(blob)
    if units and units[0] != "Wavenumber":
        meta.update(x_kind="other", x_unit=units[0])
    if len(units) > 1:
        meta["y_kind"] = _Y_UNITS.get(units[1], "arbitrary")
    date = _DATE.search(blob)
    if date:
        stamp = datetime.strptime(date.group().decode(), "%A, %B %d, %Y %H:%M:%S")
        meta["acquired"] = stamp.isoformat()
    pixel = _double_property(blob, b"FPA Pixel Size")
    if pixel:  # µm, times the pixels binned into one
        aggregation = _string_property(blob, b"PixelAggregationSize")
        size = pixel * (int(aggregation) if (aggregation or "").isdigit() else 1)
        meta["pixel_size_um"] = (round(size, 9), round(size, 9))
    return axis, meta


def _units(blob: bytes) -> list[str]:
    """The x and y unit words of the ``Parms`` block (``Wavenumber``, ...)."""
    start = blob.find(b"Parms")
    if start < 0:
        return []
    return [
        m.group().decode()
        for m in re.finditer(rb"[A-Za-z]{4,}", blob[start + 5 : start + 120])
    ][:2]


def _double_property(blob: bytes, name: bytes) -> float | None:
    """A float64 property: after its name, ``1.00``, then (len 8) the value."""
    at = blob.find(name)
    version = blob.find(b"1.00", at) if at >= 0 else -1
    if version < 0 or version - at > 80 or len(blob) < version + 24:
        return None
    (size,) = struct.unpack_from("<i", blob, version + 12)
    if size != 8:
        return None
    (value,) = struct.unpack_from("<d", blob, version + 16)
    return value if np.isfinite(value) and value > 0 else None


def _string_property(blob: bytes, name: bytes) -> str | None:
    """A text property: the first ``<len><len><text>`` after its name."""
    at = blob.find(name)
    if at < 0:
        return None
    for k in range(at + len(name), at + len(name) + 120):
        a, b = struct.unpack_from("<ii", blob, k)
        text = blob[k + 8 : k + 8 + a]
        if a == b and 0 < a < 100 and text.isascii() and text.decode().isprintable():
            return text.decode()
    return None


def _cube(path: Path, n_points: int) -> np.ndarray:
    """A tile's absorbances as stored: (bands, rows from the bottom, columns)."""
    data = np.fromfile(path, dtype="<f4")
    pixels, rest = divmod(data.size - _PREAMBLE, n_points)
    side = int(round(np.sqrt(pixels))) if pixels > 0 else 0
    if rest or side * side != pixels or path.stat().st_size % 4:
        raise SpectrumFileError(
            f"{path}: {path.stat().st_size} bytes are not {_PREAMBLE} float32 of "
            f"preamble plus a square tile of {n_points} bands (the point count "
            "of its header); is it the header's own data file?"
        )
    return data[_PREAMBLE:].reshape(n_points, side, side)


def _image(tiles: dict[tuple[int, int], np.ndarray], base: dict, path: Path):
    """The spectra of tiles placed by (column, row), in row-major image order."""
    n_points, side, _ = next(iter(tiles.values())).shape
    columns = 1 + max(c for c, _ in tiles)
    rows = 1 + max(r for _, r in tiles)
    image = np.empty((rows * side, columns * side, n_points), dtype=np.float32)
    for (column, row), cube in tiles.items():
        # stored rows run bottom-up: flip them so that y counts from the top
        block = np.transpose(cube, (1, 2, 0))[::-1]
        image[row * side : (row + 1) * side, column * side : (column + 1) * side] = (
            block
        )
    ny, nx = image.shape[:2]
    values = image.reshape(ny * nx, n_points)
    metadata = []
    for i in range(len(values)):
        meta = dict(base, index=i, x=i % nx, y=i // nx, map_shape=(ny, nx))
        if len(tiles) > 1:
            meta["tile"] = ((i % nx) // side, (i // nx) // side)
        metadata.append(meta)
    return values, metadata


def read_agilent_tile(path: Path) -> FileSpectra:
    """Every pixel of an FPA tile (``.bsp`` header, ``.dat`` cube)."""
    path = Path(path)
    found = {}
    for suffix in (".bsp", ".dat"):
        found[suffix] = sibling(path, path.stem + suffix)
        if found[suffix] is None:
            raise SpectrumFileError(
                f"{path}: an FPA tile is a .bsp header and a .dat cube; "
                f"{path.stem + suffix} is missing beside it"
            )
    header, data = found[".bsp"], found[".dat"]
    axis, base = _header(header)
    values, metadata = _image({(0, 0): _cube(data, len(axis))}, base, data)
    return FileSpectra(header, [axis] * len(values), list(values), metadata)


def mosaic_tiles(path: Path) -> dict[tuple[int, int], Path]:
    """The ``.dmd`` tiles of a mosaic header, by (tile column, tile row)."""
    path = Path(path)
    stem = path.stem.lower()
    tiles = {}
    for candidate in path.parent.iterdir():
        match = _TILE_NAME.search(candidate.stem)
        if (
            match
            and candidate.suffix.lower() == ".dmd"
            and candidate.stem[: match.start()].lower() == stem
        ):
            tiles[int(match.group(1)), int(match.group(2))] = candidate
    return tiles


def read_agilent_mosaic(path: Path) -> FileSpectra:
    """Every pixel of an FPA mosaic (``.dmt`` header, ``.dmd`` tiles), placed."""
    path = Path(path)
    if path.suffix.lower() == ".dmd":  # a tile named: the mosaic's header
        match = _TILE_NAME.search(path.stem)
        stem = path.stem[: match.start()] if match else path.stem
        path = sibling(path, stem + ".dmt") or path.with_name(stem + ".dmt")
    if not path.is_file():
        raise SpectrumFileError(f"{path}: the mosaic's .dmt header is missing")
    axis, base = _header(path)
    found = mosaic_tiles(path)
    if not found:
        raise SpectrumFileError(
            f"{path}: no tile {path.stem}_XXXX_YYYY.dmd beside this mosaic header"
        )
    columns = 1 + max(c for c, _ in found)
    rows = 1 + max(r for _, r in found)
    missing = [
        f"{path.stem}_{c:04d}_{r:04d}.dmd"
        for r in range(rows)
        for c in range(columns)
        if (c, r) not in found
    ]
    if missing:
        raise SpectrumFileError(
            f"{path}: a mosaic of {columns} × {rows} tiles lacks {len(missing)}: "
            f"{', '.join(missing[:4])}; copy the whole mosaic folder"
        )
    tiles = {key: _cube(tile, len(axis)) for key, tile in found.items()}
    sides = {cube.shape[1] for cube in tiles.values()}
    if len(sides) > 1:
        raise SpectrumFileError(
            f"{path}: its tiles are of different sizes ({sorted(sides)} pixels a side)"
        )
    values, metadata = _image(tiles, base, path)
    return FileSpectra(path, [axis] * len(values), list(values), metadata)
