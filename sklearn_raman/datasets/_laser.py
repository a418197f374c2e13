"""The laser wavelength of each spectrum, for :func:`convert_spectra`.

``laser_wavelength_nm=`` is a number (every file), a mapping (file path,
file name, group or glob -> nm), a callable (file path -> nm) or a metadata
key; a file that records its laser (``metadata["laser_wavelength_nm"]``)
always uses its own.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from fnmatch import fnmatchcase
from numbers import Real
from pathlib import Path

from ._errors import SpectrumFileError

#: what ``convert_spectra(laser_wavelength_nm=)`` accepts
LaserWavelength = (
    float | Mapping[str, float] | Callable[[Path], float | None] | str | None
)

FIX = (
    "pass laser_wavelength_nm= (a number in nm; a mapping from file path, "
    "file name, group or glob to nm, e.g. {'*532*': 532, '*785*': 785}; a "
    "callable of the file path; or the metadata key that holds it)"
)


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _valid(value) -> bool:
    return _is_number(value) and math.isfinite(value) and value > 0


def check_laser(laser: LaserWavelength) -> None:
    """Refuse a ``laser_wavelength_nm=`` of the wrong type or a bad number.

    Examples
    --------
    >>> from sklearn_raman.datasets._laser import check_laser
    >>> check_laser({"*532*": 532, "*785*": 785})
    >>> check_laser(0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: laser_wavelength_nm must be a positive number of nm, ...; got 0
    """
    if laser is None or isinstance(laser, str) or callable(laser):
        return
    if isinstance(laser, Mapping):
        bad = {k: v for k, v in laser.items() if not _valid(v)}
        if bad:
            raise ValueError(
                "laser_wavelength_nm maps every key to a positive number of nm; "
                f"got {bad}"
            )
        return
    if not _valid(laser):
        raise ValueError(
            f"laser_wavelength_nm must be a positive number of nm, a mapping, a "
            f"callable or a metadata key; got {laser!r}"
        )


def laser_for(laser: LaserWavelength, meta: dict, name, group) -> tuple:
    """The laser wavelength (nm) of one spectrum, and why it is None if it is.

    ``name`` is the spectrum's file path (``data.filenames``), ``group`` its
    group or None. A laser value that is no positive number raises naming the
    file.

    Examples
    --------
    >>> from sklearn_raman.datasets._laser import laser_for
    >>> laser_for({"*_785nm_*": 785}, {}, "PE_785nm_1.csv", None)
    (785.0, '')
    >>> laser_for(532, {"laser_wavelength_nm": 633.0}, "a.txt", None)  # its own
    (633.0, '')
    """
    own = meta.get("laser_wavelength_nm")
    if own is not None:  # the file's own value wins
        return float(own), ""
    missing = ""
    if laser is None:
        value = None
    elif isinstance(laser, str):
        value = meta.get(laser)
        if value is None:
            missing = f"its metadata has no {laser!r}"
            if _number(laser) is not None:
                missing += f" (for {laser} nm, pass a number, not a string)"
        else:
            value = _number(value)
            if value is None:
                raise SpectrumFileError(
                    f"{name}: its metadata {laser!r} is {meta[laser]!r}, not a "
                    f"laser wavelength in nm; {FIX}"
                )
    elif isinstance(laser, Mapping):
        value, missing = _from_mapping(laser, name, group)
    elif callable(laser):
        value = laser(Path(os.fspath(name)))
        missing = "the laser_wavelength_nm callable returned None for it"
    else:
        value = laser
    if value is None:
        return None, missing
    if not _valid(value):
        raise SpectrumFileError(
            f"{name}: its laser wavelength {value!r} is not a positive number of "
            f"nm; {FIX}"
        )
    return float(value), ""


def _number(value) -> float | None:
    """A number, or a string of one with an optional 'nm' ('532 nm')."""
    if _is_number(value):
        return float(value)
    text = str(value).strip().lower().removesuffix("nm").strip()
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _from_mapping(laser: Mapping, name, group) -> tuple[float | None, str]:
    path = Path(os.fspath(name))
    keys = {os.fspath(k): v for k, v in laser.items()}
    for key, value in keys.items():  # exact: the path, the file name, the group
        if (
            Path(key) == path
            or key == path.name
            or (group is not None and key == group)
        ):
            return value, ""
    hits = {
        key: value
        for key, value in keys.items()
        if fnmatchcase(path.name, key) or fnmatchcase(path.as_posix(), key)
    }
    if len(set(hits.values())) > 1:
        found = ", ".join(f"{k!r} ({v:g} nm)" for k, v in hits.items())
        raise SpectrumFileError(
            f"{name}: the laser_wavelength_nm mapping matches it by {found}: make "
            "the patterns exclusive, or add its file name as a key"
        )
    if hits:
        return next(iter(hits.values())), ""
    shown = ", ".join(repr(k) for k in list(keys)[:5])
    more = f", ... ({len(keys)} in all)" if len(keys) > 5 else ""
    return None, (
        f"no key of the laser_wavelength_nm mapping ({shown}{more}) matches its "
        f"path, its file name {path.name!r}"
        + (f" or its group {group!r}" if group is not None else "")
    )
