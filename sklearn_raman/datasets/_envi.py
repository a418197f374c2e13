"""ENVI hyperspectral images (``.hdr`` header + binary data file), e.g. FTIR maps.

The package's own reader (numpy): the maintained ``spectral`` (SPy) refuses a
header without ``byte order``, which ENVI itself defaults to 0
(little-endian) and which Open Specy's exports leave out.

Every pixel is one spectrum, in row-major order: line 0 from sample 0 to the
last, then line 1, ... (the order in which Open Specy numbers its pixels), so
``values.reshape(lines, samples, bands)`` is the image again. Each spectrum's
metadata holds its pixel column ``x`` and row ``y`` (0-based) and the image
shape ``map_shape`` = ``(lines, samples)``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from ._formats import _ENVI_DATA as _DATA_SUFFIXES
from ._formats import FileSpectra, sibling
from ._text import SpectrumFileError

#: ENVI data type codes -> numpy type (byte order applied after)
_DTYPES = {
    1: "u1",
    2: "i2",
    3: "i4",
    4: "f4",
    5: "f8",
    12: "u2",
    13: "u4",
    14: "i8",
    15: "u8",
}
#: axis orders of the interleaves, as stored: (lines, samples, bands) from them
_INTERLEAVES = {"bsq": (1, 2, 0), "bil": (0, 2, 1), "bip": (0, 1, 2)}
#: ``wavelength units`` -> (x_kind, x_unit, factor to that unit)
_X_UNITS = {
    "nanometers": ("wavelength", "nm", 1.0),
    "nm": ("wavelength", "nm", 1.0),
    "micrometers": ("wavelength", "um", 1.0),
    "um": ("wavelength", "um", 1.0),
    "microns": ("wavelength", "um", 1.0),
    "wavenumber": ("wavenumber", "cm-1", 1.0),
    "wavenumbers": ("wavenumber", "cm-1", 1.0),
    "cm-1": ("wavenumber", "cm-1", 1.0),
    "1/cm": ("wavenumber", "cm-1", 1.0),
    "raman shift": ("raman_shift", "cm-1", 1.0),
}
#: lengths of ``pixel size`` / ``map info`` units, in µm (ENVI's default: m)
_LENGTH_UM = {"meters": 1e6, "millimeters": 1e3, "micrometers": 1.0, "microns": 1.0}
_Y_TITLES = {
    "absorbance": "absorbance",
    "transmittance": "transmittance",
    "reflectance": "reflectance",
    "intensity": "intensity",
    "counts": "counts",
}


def read_envi_header(path: str | os.PathLike) -> dict[str, str]:
    r"""The fields of an ENVI header file, by lower-case name.

    ``{...}`` values (which may run over several lines) are kept as the text
    between the braces.

    Parameters
    ----------
    path : str or path-like
        The ``.hdr`` file.

    Returns
    -------
    fields : dict of str to str
        Every ``name = value`` of the header.

    Raises
    ------
    SpectrumFileError
        For a file that does not start with ``ENVI`` or a ``{`` never closed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_raman.datasets._envi import read_envi_header
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "m.hdr"
    >>> _ = path.write_text("ENVI\nsamples = 2\nwavelength = {1.5,\n 2.5}\n")
    >>> read_envi_header(path)
    {'samples': '2', 'wavelength': '1.5, 2.5'}
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "ENVI":
        raise SpectrumFileError(f"{path}, line 1: an ENVI header starts with 'ENVI'")
    fields: dict[str, str] = {}
    number = 1
    while number < len(lines):
        line, start = lines[number], number + 1
        number += 1
        if "=" not in line:
            continue  # blank lines and ENVI comments (';')
        key, value = (part.strip() for part in line.split("=", 1))
        if value.startswith("{"):
            while "}" not in value:
                if number >= len(lines):
                    raise SpectrumFileError(
                        f"{path}, line {start}: the '{{' of {key!r} is never "
                        "closed; end the value with '}'"
                    )
                value += " " + lines[number].strip()
                number += 1
            value = value[1 : value.index("}")].strip()
            value = re.sub(r"\s+", " ", value)
        fields[key.lower()] = value
    return fields


def header_of(path: Path) -> Path | None:
    """The ``.hdr`` of an ENVI data file (``x.dat``, ``x.img``, ``x``), or None."""
    for name in (path.stem + ".hdr", path.name + ".hdr"):
        candidate = sibling(path, name)
        if candidate is not None and candidate != path:
            return candidate
    return None


def _data_file(header: Path, fields: dict) -> Path:
    if "data file" in fields:  # not ENVI's own field, but some writers add it
        named = header.parent / fields["data file"]
        if named.is_file():
            return named
    stem = header.with_suffix("")
    found = []
    for suffix in _DATA_SUFFIXES:
        partner = sibling(header, stem.name + suffix)
        if partner is not None and partner != header and partner not in found:
            found.append(partner)
    if not found:
        tried = ", ".join(stem.name + s for s in _DATA_SUFFIXES if s)
        raise SpectrumFileError(
            f"{header}: no data file next to this ENVI header (looked for "
            f"{tried} and {stem.name}); put the image file beside it"
        )
    if len(found) > 1:
        raise SpectrumFileError(
            f"{header}: several data files could be this header's "
            f"({', '.join(p.name for p in found)}); keep only the image's"
        )
    return found[0]


def _integer(header: Path, fields: dict, key: str, default: int | None = None) -> int:
    if key not in fields:
        if default is not None:
            return default
        raise SpectrumFileError(f"{header}: the ENVI header has no {key!r}; add it")
    try:
        return int(fields[key])
    except ValueError:
        raise SpectrumFileError(
            f"{header}: {key} = {fields[key]!r} is no integer"
        ) from None


def _numbers(header: Path, fields: dict, key: str) -> list[float]:
    try:
        return [float(v) for v in fields[key].split(",") if v.strip()]
    except ValueError:
        raise SpectrumFileError(
            f"{header}: {key} = {{{fields[key][:60]}...}} holds something that "
            "is no number"
        ) from None


def read_envi(path: Path) -> FileSpectra:
    """Every pixel of an ENVI image as a spectrum, with its pixel coordinates."""
    path = Path(path)
    if path.suffix.lower() == ".hdr":
        header = path
    else:
        header = header_of(path)
        if header is None:
            raise SpectrumFileError(
                f"{path}: no ENVI header ({path.stem}.hdr) beside it"
            )
    fields = read_envi_header(header)
    data_path = path if header is not path else _data_file(header, fields)
    samples = _integer(header, fields, "samples")
    lines = _integer(header, fields, "lines")
    bands = _integer(header, fields, "bands")
    offset = _integer(header, fields, "header offset", 0)
    code = _integer(header, fields, "data type")
    if code not in _DTYPES:
        raise SpectrumFileError(
            f"{header}: data type = {code} is not a real-valued ENVI type this "
            f"package reads ({', '.join(map(str, _DTYPES))})"
        )
    order = _integer(header, fields, "byte order", 0)  # ENVI's default
    if order not in (0, 1):
        raise SpectrumFileError(f"{header}: byte order = {order} is neither 0 nor 1")
    interleave = fields.get("interleave", "bsq").lower()
    if interleave not in _INTERLEAVES:
        raise SpectrumFileError(
            f"{header}: interleave = {interleave!r} is none of bsq, bil, bip"
        )
    dtype = np.dtype(_DTYPES[code]).newbyteorder("<" if order == 0 else ">")
    stored = {"bsq": (bands, lines, samples), "bil": (lines, bands, samples)}
    shape = stored.get(interleave, (lines, samples, bands))
    expected = offset + int(np.prod(shape)) * dtype.itemsize
    size = data_path.stat().st_size
    if size != expected:
        raise SpectrumFileError(
            f"{data_path}: {size} bytes, but its header {header.name} describes "
            f"{expected} ({samples} samples × {lines} lines × {bands} bands of "
            f"{dtype.itemsize} bytes after {offset}); check samples, lines, bands, "
            "data type and header offset"
        )
    cube = np.memmap(data_path, dtype=dtype, mode="r", offset=offset, shape=shape)
    image = np.transpose(cube, _INTERLEAVES[interleave])
    values = np.array(
        image.reshape(lines * samples, bands), dtype=dtype.newbyteorder("=")
    )
    axis, base = _axis(header, fields, bands)
    base.update(_pixel_size(header, fields), map_shape=(lines, samples))
    if fields.get("description"):
        base["description"] = fields["description"]
    metadata = [
        dict(base, index=i, x=i % samples, y=i // samples) for i in range(len(values))
    ]
    return FileSpectra(header, [axis] * len(values), list(values), metadata)


def _axis(header: Path, fields: dict, bands: int) -> tuple[np.ndarray, dict]:
    """The band centres and what they (and the values) are, from the header."""
    if "wavelength" not in fields:
        raise SpectrumFileError(
            f"{header}: the ENVI header lists no band centres ('wavelength = "
            "{...}'), so the spectra have no axis; add them to the header"
        )
    axis = np.asarray(_numbers(header, fields, "wavelength"))
    if len(axis) != bands:
        raise SpectrumFileError(
            f"{header}: 'wavelength' lists {len(axis)} band centres for {bands} bands"
        )
    titles = [t.strip() for t in fields.get("z plot titles", "").split(",")]
    unit = fields.get("wavelength units", "").strip()
    if not unit and titles[0]:  # "Wavenumbers (cm-1)": the unit in brackets
        match = re.search(r"[(\[]([^)\]]+)[)\]]", titles[0])
        unit = match.group(1) if match else titles[0]
    meta: dict = {}
    if unit:
        x_kind, x_unit, factor = _X_UNITS.get(unit.lower(), ("other", unit, 1.0))
        meta.update(x_kind=x_kind, x_unit=x_unit)
        axis = axis * factor
    if len(titles) > 1 and titles[1]:
        meta["y_kind"] = _Y_TITLES.get(titles[1].lower(), "arbitrary")
    return axis, meta


def _pixel_size(header: Path, fields: dict) -> dict:
    """``pixel_size_um`` (x, y) from ``pixel size`` or ``map info``, if given."""
    if "pixel size" in fields:
        parts = [p.strip() for p in fields["pixel size"].split(",")]
        unit = "meters"  # ENVI's default unit of pixel size
        sizes = []
        for part in parts:
            if part.lower().startswith("units"):
                unit = part.split("=", 1)[1].strip().lower()
            else:
                sizes.append(float(part))
    elif "map info" in fields:
        # projection, reference pixel (x, y), its coordinates (2), pixel size
        # (x, y), ..., "units=..."; only a length unit makes a size in µm
        parts = [p.strip() for p in fields["map info"].split(",")]
        units = [p for p in parts if p.lower().startswith("units")]
        if not units or len(parts) < 7:
            return {}
        unit = units[0].split("=", 1)[1].strip().lower()
        sizes = [float(parts[5]), float(parts[6])]
    else:
        return {}
    if unit not in _LENGTH_UM or len(sizes) != 2:
        return {}
    scale = _LENGTH_UM[unit]
    return {"pixel_size_um": (round(sizes[0] * scale, 9), round(sizes[1] * scale, 9))}
