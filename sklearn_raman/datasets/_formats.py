"""Instrument file formats: which reader reads a file, and what a reader returns.

A file's format is found from its extension, then (for a file of another or no
extension) from its first bytes. Vendor formats are read by maintained packages,
declared in the ``formats`` extra; a missing one raises an ``ImportError``
naming the ``pip install`` that fixes it.

Every reader returns a :class:`FileSpectra`: the file's spectra, with one
metadata dict per spectrum in the package's vocabulary (see
:data:`METADATA_KEYS`).
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from ._text import SpectrumFileError

#: the metadata vocabulary shared by every reader (keys a file does not hold
#: are absent, never guessed)
METADATA_KEYS = {
    "format": "file format, e.g. 'renishaw_wdf', 'galactic_spc', 'envi', 'text'",
    "x_kind": "'raman_shift', 'wavenumber', 'wavelength', 'energy', or 'other'",
    "x_unit": "'cm-1', 'nm', 'um', 'eV', or the file's own word",
    "y_kind": (
        "'counts', 'intensity', 'absorbance', 'transmittance', 'reflectance', "
        "'log(1/R)', 'kubelka-munk', 'single_beam', 'interferogram', 'arbitrary'"
    ),
    "y_unit": "'%' for percent transmittance / reflectance, else absent",
    "laser_wavelength_nm": "excitation wavelength of a Raman spectrum, in nm",
    "instrument": "instrument or source the file names",
    "acquired": "acquisition date and time, ISO 8601",
    "title": "the file's or the spectrum's title",
    "index": "position of the spectrum in its file (0, 1, ...)",
    "position_um": "dict of stage coordinates ('x', 'y', 'z') in µm (maps, scans)",
    "time_s": "seconds since the earliest spectrum of the file (series)",
    "x": "pixel column of a map's spectrum (0-based)",
    "y": "pixel row of a map's spectrum (0-based)",
    "z": "pixel plane of a 3D map's spectrum (0-based), where it has planes",
    "map_shape": "the map's image shape: (rows, columns), or (planes, rows, columns)",
    "pixel_size_um": "pixel size (x, y) in µm, where the file records it",
}


def ascending(axis: np.ndarray, values: np.ndarray):
    """``axis`` sorted ascending, and ``values`` (last axis) in its order."""
    order = np.argsort(axis, kind="stable")
    return axis[order], values[..., order]


@dataclass
class FileSpectra:
    """The spectra of one instrument file.

    ``axes[i]`` and ``values[i]`` are spectrum ``i`` in file order (an axis
    may be shared by all); ``metadata[i]`` its metadata (vocabulary of
    :data:`METADATA_KEYS`, plus format-specific keys); ``names[i]`` its name.
    """

    path: Path
    axes: list[np.ndarray]
    values: list[np.ndarray]
    metadata: list[dict]
    names: list[str] = field(default_factory=list)

    def __post_init__(self):
        n = len(self.values)
        if not self.names:
            stem = self.path.stem
            self.names = [stem] if n == 1 else [f"{stem}[{i}]" for i in range(n)]
        for i, (axis, values) in enumerate(zip(self.axes, self.values)):
            if axis.shape != values.shape or axis.ndim != 1:
                raise SpectrumFileError(
                    f"{self.path}: spectrum {i} has {values.shape} values on an "
                    f"axis of {axis.shape} points"
                )
            if not (np.isfinite(axis).all() and np.isfinite(values).all()):
                raise SpectrumFileError(
                    f"{self.path}: spectrum {i} holds NaN or infinite values"
                )

    @property
    def n_spectra(self) -> int:
        """Number of spectra in the file."""
        return len(self.values)

    def spectrum(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Spectrum ``index`` as float64 ``(axis, values)``, axis ascending."""
        axis = np.asarray(self.axes[index], dtype=np.float64)
        return ascending(axis, np.asarray(self.values[index], dtype=np.float64))


@dataclass(frozen=True)
class Format:
    """A file format: how to recognise it and which function reads it."""

    name: str
    description: str
    extensions: tuple[str, ...]
    reader: str  # "module:function" inside sklearn_raman.datasets
    package: str | None = None  # the maintained package behind it (pip name)
    sniff: Callable[[bytes], bool] | None = None

    def read(self, path: Path) -> FileSpectra:
        module, function = self.reader.split(":")
        module = importlib.import_module(f"sklearn_raman.datasets.{module}")
        return getattr(module, function)(path)


def require(module: str, package: str, path: Path, what: str):
    """Import an optional reader, or raise an ImportError naming its install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"reading {path} ({what}) needs the package {package!r}: "
            f"pip install 'sklearn-raman[formats]' (or pip install {package})"
        ) from exc


def _starts(*magics: bytes) -> Callable[[bytes], bool]:
    return lambda head: any(head.startswith(m) for m in magics)


def _spc_head(head: bytes) -> bool:
    # version byte 'K' (new), 'L' (new, big-endian) or 'M' (old); binary only, so
    # a text line starting with "OK" is no SPC file
    return len(head) >= 2 and head[1] in b"KLM" and b"\x00" in head


#: the formats, in the order content sniffing tries them
FORMATS = (
    Format(
        "renishaw_wdf",
        "Renishaw WiRE",
        (".wdf",),
        "_wdf:read_wdf",
        "renishaw-wdf",
        _starts(b"WDF1"),
    ),
    Format(
        "thermo_omnic",
        "Thermo OMNIC",
        (".spa", ".spg"),
        "_omnic:read_omnic",
        "spectrochempy-omnic",
        _starts(b"Spectral Data File", b"Spectral Exported File"),
    ),
    Format(
        "bruker_opus",
        "Bruker OPUS",
        (),  # numbered extensions (.0, .1, .0000): recognised by content
        "_opus:read_opus",
        "brukeropus",
        _starts(b"\x0a\x0a\xfe\xfe"),
    ),
    Format(
        "jcamp_dx",
        "JCAMP-DX",
        (".jdx", ".dx", ".jcm"),
        "_jcamp:read_jcamp",
        None,
        lambda head: head.lstrip().startswith(b"##TITLE") or b"##JCAMP" in head,
    ),
    Format(
        "ocean_optics",
        "Ocean Optics text",
        (".scope",),
        "_oceanoptics:read_ocean_optics",
        None,
        lambda head: b"OOIBase32" in head or b">>>>>Begin" in head,
    ),
    Format(
        "perkinelmer_sp",
        "PerkinElmer .sp",
        (".sp",),
        "_perkinelmer:read_perkinelmer",
        None,
        _starts(b"PEPE"),
    ),
    Format(
        "witec_project",
        "WITec Project",
        (".wip", ".wid"),
        "_witec:read_witec",
        "witio",
        _starts(b"WIT_PR", b"WIT_DA"),
    ),
    Format(
        "labspec_xml",
        "Horiba LabSpec XML",
        (".xml",),
        "_labspec:read_labspec_xml",
        "rosettasciio",
        lambda head: b"<LSX_Data" in head,
    ),
    Format(
        "galactic_spc",
        "Galactic / Thermo GRAMS SPC",
        (".spc",),
        "_spc:read_spc",
        "spc-io",
        _spc_head,
    ),
    Format(
        "envi",
        "ENVI image (.hdr + data file)",
        (".hdr",),
        "_envi:read_envi",
        None,  # spectral (SPy) refuses headers without "byte order"
        _starts(b"ENVI\r\n", b"ENVI\n"),
    ),
    Format(
        "agilent_fpa_tile",
        "Agilent FPA tile (.bsp + .dat)",
        (".bsp",),
        "_agilent:read_agilent_tile",
        None,  # agilent-format refuses tiles that are not whole detectors
        None,  # an OLE document, as many others: by extension only
    ),
    Format(
        "agilent_fpa_mosaic",
        "Agilent FPA mosaic (.dmt + .dmd tiles)",
        (".dmt",),
        "_agilent:read_agilent_mosaic",
        None,
        None,
    ),
    Format(
        "agilent_asp",
        "Agilent .asp text",
        (".asp",),
        "_asp:read_asp",
        None,
        None,  # bare numbers, one a line: recognised by extension only
    ),
)

_BY_EXTENSION = {ext: fmt for fmt in FORMATS for ext in fmt.extensions}


#: extensions an ENVI image's data file may have next to its ``.hdr``
_ENVI_DATA = (".dat", ".img", ".raw", ".bsq", ".bil", ".bip", "")
#: an FPA mosaic's tile: ``<mosaic>_<column>_<row>.dmd``
_MOSAIC_TILE = re.compile(r"^(.*)_\d{4}_\d{4}$")


def _is_envi_header(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(6).rstrip(b"\r\n") == b"ENVI"
    except OSError:  # unreadable: no header of ours (its own read says why)
        return False


@lru_cache(maxsize=32)
def _listing(folder: str, mtime_ns: int) -> dict[str, str]:
    """Lower-cased file name -> file name of a folder (as of ``mtime_ns``)."""
    return {name.lower(): name for name in os.listdir(folder)}


def sibling(path: str | Path, name: str) -> Path | None:
    """The file ``name`` beside ``path``, its case ignored (None: there is none).

    An image's partner files are found whatever their case (``MAP.HDR`` with
    ``map.dat``, ``TILE.BSP`` with ``TILE.DAT``): instruments and copies
    between file systems change it.

    Parameters
    ----------
    path : str or path-like
        A file of the folder.
    name : str
        The partner's name.

    Returns
    -------
    partner : Path or None
        The partner, exactly named where it exists so.
    """
    path = Path(path)
    exact = path.with_name(name)
    if exact.is_file():
        return exact
    folder = path.parent
    try:
        found = _listing(str(folder), os.stat(folder).st_mtime_ns).get(name.lower())
    except OSError:
        return None
    if found is None or not (folder / found).is_file():
        return None
    return folder / found


def companion_header(path: str | Path) -> Path | None:
    """The header file that reads data file ``path``, or None if it is none.

    An image is two files (or more): ENVI's ``x.hdr`` + ``x.dat`` (or
    ``.img``, ...), an FPA tile's ``x.bsp`` + ``x.dat``, a mosaic's ``x.dmt``
    + ``x_0000_0000.dmd``, ... Its reader starts from the header, so a data
    file is read through it, and a folder reads each image once.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".dmd":
        match = _MOSAIC_TILE.match(path.stem)
        return sibling(path, f"{match.group(1)}.dmt") if match else None
    if suffix == ".dat":
        tile = sibling(path, path.stem + ".bsp")
        if tile is not None:
            return tile
    if suffix in _ENVI_DATA:
        for name in (path.stem + ".hdr", path.name + ".hdr"):
            header = sibling(path, name)
            if header is not None and header != path and _is_envi_header(header):
                return header
    return None


def vendor_format(path: Path) -> Format | None:
    """The vendor format of ``path``, or None for a text file."""
    header = companion_header(path)
    if header is not None:  # an image's data file: its header's reader
        return vendor_format(header)
    fmt = _BY_EXTENSION.get(path.suffix.lower())
    if fmt is not None:
        return fmt
    with open(path, "rb") as handle:
        head = handle.read(2048)
    for fmt in FORMATS:
        if fmt.sniff is not None and fmt.sniff(head):
            return fmt
    if b"\x00" in head:
        known = ", ".join(sorted(_BY_EXTENSION))
        raise SpectrumFileError(
            f"{path} is a binary file of no format this package reads (it "
            f"reads text files and {known}, and Bruker OPUS by content)"
        )
    return None


def read_vendor(path: Path, fmt: Format) -> FileSpectra:
    """``path`` read by ``fmt``'s reader, errors naming the file."""
    try:
        data = fmt.read(path)
    except (SpectrumFileError, ImportError):
        raise
    except Exception as exc:  # the vendor reader's own failure
        raise SpectrumFileError(
            f"{path}: the {fmt.description} reader ({fmt.package}) failed: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    if data.n_spectra == 0:
        raise SpectrumFileError(f"{path} holds no spectrum ({fmt.description})")
    for meta in data.metadata:
        meta.setdefault("format", fmt.name)
    return data
