"""Axis and signal units: nm -> Raman shift, µm -> cm⁻¹, transmittance -> absorbance.

For single arrays, and for the spectra :func:`read_spectra` returns (using
their metadata).
"""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch

from ._formats import ascending
from ._laser import FIX, LaserWavelength, check_laser, laser_for
from ._text import SpectrumFileError

_NM_PER_CM = 1e7  # a wavenumber in cm-1 is 1e7 / (wavelength in nm)


def _positive(values, what: str) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if not np.all(values > 0):
        raise ValueError(f"{what} must be positive; got {values[values <= 0][:3]}")
    return values


def wavelength_to_raman_shift(wavelength_nm, laser_wavelength_nm: float) -> np.ndarray:
    """Raman shift (cm⁻¹) of light scattered at ``wavelength_nm``.

    ``shift = 1e7 / laser_nm - 1e7 / wavelength_nm``: positive on the Stokes
    side (wavelengths longer than the laser's).

    Parameters
    ----------
    wavelength_nm : float or array-like
        Wavelengths of the scattered light, in nm.
    laser_wavelength_nm : float
        Excitation wavelength, in nm.

    Returns
    -------
    shift : ndarray
        Raman shift in cm⁻¹, of the shape of ``wavelength_nm``.

    Examples
    --------
    >>> from sklearn_raman.datasets import wavelength_to_raman_shift
    >>> round(float(wavelength_to_raman_shift(561.9, 532.0)), 1)  # polystyrene
    1000.2
    """
    laser = float(_positive(laser_wavelength_nm, "laser_wavelength_nm"))
    wavelength = _positive(wavelength_nm, "wavelength_nm")
    return _NM_PER_CM / laser - _NM_PER_CM / wavelength


def raman_shift_to_wavelength(shift_cm, laser_wavelength_nm: float) -> np.ndarray:
    """Wavelength (nm) of light scattered with Raman shift ``shift_cm`` (cm⁻¹).

    The inverse of :func:`wavelength_to_raman_shift`.

    Parameters
    ----------
    shift_cm : float or array-like
        Raman shifts, in cm⁻¹.
    laser_wavelength_nm : float
        Excitation wavelength, in nm.

    Returns
    -------
    wavelength : ndarray
        Wavelength in nm, of the shape of ``shift_cm``.

    Examples
    --------
    >>> from sklearn_raman.datasets import raman_shift_to_wavelength
    >>> round(float(raman_shift_to_wavelength(1001.4, 532.0)), 2)
    561.94
    """
    laser = float(_positive(laser_wavelength_nm, "laser_wavelength_nm"))
    absolute = _NM_PER_CM / laser - np.asarray(shift_cm, dtype=np.float64)
    return _NM_PER_CM / _positive(absolute, "the absolute wavenumber of the shift")


def microns_to_wavenumbers(microns) -> np.ndarray:
    """Wavenumbers (cm⁻¹) of wavelengths in µm: ``1e4 / microns``.

    Parameters
    ----------
    microns : float or array-like
        Wavelengths in µm, all positive.

    Returns
    -------
    wavenumbers : ndarray
        Wavenumbers in cm⁻¹, of the shape of ``microns``.

    Examples
    --------
    >>> from sklearn_raman.datasets import microns_to_wavenumbers
    >>> microns_to_wavenumbers([2.5, 10.0])
    array([4000., 1000.])
    """
    return 1e4 / _positive(microns, "wavelengths in µm")


def transmittance_to_absorbance(transmittance, *, percent: bool) -> np.ndarray:
    """Absorbance ``-log10(T)`` of a transmittance (a fraction, or % with ``percent``).

    Raises ``ValueError`` for a transmittance of 0 or below (no finite
    absorbance), and for a fraction above 1.5 (most likely %: pass
    ``percent=True``).

    Parameters
    ----------
    transmittance : float or array-like
        Transmittance values, all positive.
    percent : bool
        Whether ``transmittance`` is in % (else a fraction).

    Returns
    -------
    absorbance : ndarray
        Absorbance, of the shape of ``transmittance``.

    Examples
    --------
    >>> from sklearn_raman.datasets import transmittance_to_absorbance
    >>> transmittance_to_absorbance([100.0, 10.0, 1.0], percent=True)
    array([0., 1., 2.])
    """
    t = np.asarray(transmittance, dtype=np.float64)
    if percent:
        t = t / 100.0
    elif t.size and t.max() > 1.5:
        raise ValueError(
            f"transmittance up to {t.max():g} as a fraction: it looks like "
            "percent; pass percent=True"
        )
    if not np.all(t > 0):
        bad = int(np.sum(~(t > 0)))
        raise ValueError(
            f"{bad} transmittance value(s) <= 0 have no finite absorbance; "
            "correct the baseline or crop those points first"
        )
    return 0.0 - np.log10(t)  # 0.0 - x: no -0.0 at T = 1


def convert_spectra(
    data: Bunch,
    *,
    x_kind: str | None = None,
    y_kind: str | None = None,
    laser_wavelength_nm: LaserWavelength = None,
    percent: bool | None = None,
) -> Bunch:
    """Spectra read by :func:`read_spectra` brought to one axis kind / signal.

    Uses each spectrum's metadata (``x_kind``, ``x_unit``, ``y_kind``,
    ``y_unit``, ``laser_wavelength_nm``); a spectrum whose units are not
    recorded, or a conversion that needs a value neither the file nor the
    call gives, raises naming the file and the fix. Each spectrum is
    converted on its own: a folder mixing wavelength and Raman-shift files,
    or files of several lasers, gives each file its own conversion. Axes
    come back ascending.

    Parameters
    ----------
    data : Bunch
        What :func:`read_spectra` returned (``spectra``, ``metadata``,
        ``filenames``, optionally ``groups``). It is not modified.
    x_kind : {"raman_shift", "wavenumber"} or None, default=None
        ``"raman_shift"``: wavelengths (nm, µm) and absolute wavenumbers
        become Raman shift with the laser wavelength. ``"wavenumber"``:
        wavelengths (nm, µm) become wavenumbers. None: axes as read. An axis
        in cm-1 whose file does not say whether it is a Raman shift or an
        absolute wavenumber (a bare ``wavenumber`` header) raises.
    y_kind : {"absorbance"} or None, default=None
        ``"absorbance"``: transmittance becomes ``-log10(T)``.
    laser_wavelength_nm : float, mapping, callable, str or None, default=None
        The excitation wavelength (nm) of files that do not record it; a
        file's own ``metadata["laser_wavelength_nm"]`` always wins. Only the
        spectra that need a laser (a wavelength or absolute wavenumber axis
        to Raman shift) look it up:

        - a number: every such file;
        - a mapping: a key equal to the file's path, its file name or its
          group (``data.groups``) gives its laser; else the keys that match
          its file name or whole path as an ``fnmatch`` glob (case
          sensitive), e.g. ``{"*532*": 532, "*785*": 785}``; globs that match
          one file with different lasers raise;
        - a callable: called with the file's path (a :class:`~pathlib.Path`),
          returns the laser in nm (None: not known);
        - a str: the metadata key that holds it (a number, or text such as
          ``"532 nm"``), e.g. a header field of the files.

        A spectrum that needs a laser and gets none raises naming its file,
        its axis unit, and this parameter.
    percent : bool or None, default=None
        Whether a transmittance is in %, for files that do not say.

    Returns
    -------
    data : Bunch
        A copy with converted ``spectra`` and metadata that say the new units
        (``laser_wavelength_nm`` set on the spectra converted with a laser).

    Examples
    --------
    A spectrum recorded against wavelength (as :func:`read_spectra` returns
    it), with the laser wavelength its file did not record:

    >>> import numpy as np
    >>> from sklearn.utils import Bunch
    >>> from sklearn_raman.datasets import convert_spectra
    >>> data = Bunch(
    ...     spectra=[(np.array([540.0, 550.0, 560.0]), np.array([1.0, 3.0, 2.0]))],
    ...     metadata=[{"x_kind": "wavelength", "x_unit": "nm"}],
    ...     filenames=["sample.txt"],
    ... )
    >>> shifted = convert_spectra(data, x_kind="raman_shift", laser_wavelength_nm=532.0)
    >>> shifted.spectra[0][0].round(1)
    array([278.5, 615.2, 939.8])
    >>> shifted.metadata[0]["x_unit"]
    'cm-1'

    Files of two lasers, told apart by their names:

    >>> data.filenames = ["PE_785nm_01.txt"]
    >>> lasers = {"*_532nm_*": 532.0, "*_785nm_*": 785.0}
    >>> convert_spectra(data, x_kind="raman_shift", laser_wavelength_nm=lasers).metadata
    [{'x_kind': 'raman_shift', 'x_unit': 'cm-1', 'laser_wavelength_nm': 785.0}]
    """
    if x_kind not in (None, "raman_shift", "wavenumber"):
        raise ValueError(
            f"x_kind must be 'raman_shift', 'wavenumber' or None; got {x_kind!r}"
        )
    if y_kind not in (None, "absorbance"):
        raise ValueError(f"y_kind must be 'absorbance' or None; got {y_kind!r}")
    check_laser(laser_wavelength_nm)
    groups = data.get("groups")
    groups = [None] * len(data.spectra) if groups is None else groups
    spectra, metadata = [], []
    for (axis, values), meta, name, group in zip(
        data.spectra, data.metadata, data.filenames, groups
    ):
        meta = dict(meta)
        if x_kind is not None:
            axis = _convert_axis(axis, meta, x_kind, laser_wavelength_nm, name, group)
        if y_kind is not None:
            values = _convert_signal(values, meta, percent, name)
        spectra.append(ascending(np.asarray(axis), np.asarray(values)))
        metadata.append(meta)
    return Bunch(**{**data, "spectra": spectra, "metadata": metadata})


def _convert_axis(axis, meta: dict, target: str, laser, name, group) -> np.ndarray:
    kind, unit = meta.get("x_kind"), meta.get("x_unit")
    if kind == target:
        return np.asarray(axis, dtype=np.float64)
    if kind is None and unit == "cm-1":
        raise SpectrumFileError(
            f"{name}: its axis is in cm-1, but the file does not say whether it "
            "is a Raman shift or an absolute wavenumber (a header such as "
            "'wavenumber' or 'cm-1'): head its axis column 'Raman shift (cm-1)' "
            "or 'absolute wavenumber (cm-1)', or set its metadata['x_kind'] to "
            "'raman_shift' or 'wavenumber'"
        )
    if kind is None:
        raise SpectrumFileError(
            f"{name}: the file does not record its axis unit; convert its "
            "spectra yourself (wavelength_to_raman_shift, microns_to_wavenumbers)"
        )
    if kind == "wavelength" and unit not in ("nm", "um"):
        raise SpectrumFileError(
            f"{name}: its axis is a wavelength in {unit or 'a unit it does not say'}"
            ", not nm or µm: head its axis column 'Wavelength (nm)' or "
            "'Wavelength (um)', or set its metadata['x_unit'] to 'nm' or 'um'"
        )
    if target == "raman_shift" and kind in ("wavelength", "wavenumber"):
        nm, why = laser_for(laser, meta, name, group)
        if nm is None:
            what = "absolute wavenumber" if kind == "wavenumber" else "wavelength"
            raise SpectrumFileError(
                f"{name}: its axis is a{'n' * (what[0] == 'a')} {what} in {unit}, "
                "and its Raman shift needs the laser wavelength, which the file "
                f"does not record{'; ' + why if why else ''}: {FIX}"
            )
        if kind == "wavelength":
            scale = 1e3 if unit == "um" else 1.0
            shift = wavelength_to_raman_shift(np.asarray(axis) * scale, nm)
        else:
            shift = _NM_PER_CM / nm - np.asarray(axis, dtype=np.float64)
        meta.update(x_kind="raman_shift", x_unit="cm-1", laser_wavelength_nm=nm)
        return shift
    if target == "wavenumber" and kind == "wavelength":
        microns = np.asarray(axis) / (1e3 if unit == "nm" else 1.0)
        meta.update(x_kind="wavenumber", x_unit="cm-1")
        return microns_to_wavenumbers(microns)
    raise SpectrumFileError(f"{name}: no conversion from {kind} [{unit}] to {target}")


def _convert_signal(values, meta: dict, percent, name) -> np.ndarray:
    kind = meta.get("y_kind")
    if kind == "absorbance":
        return np.asarray(values, dtype=np.float64)
    if kind != "transmittance":
        raise SpectrumFileError(
            f"{name}: its signal is {kind or 'not recorded'}, not transmittance: "
            "no conversion to absorbance"
        )
    in_percent = meta.get("y_unit") == "%" if percent is None else percent
    if percent is None and "y_unit" not in meta:
        raise SpectrumFileError(
            f"{name}: the file does not say whether its transmittance is a "
            "fraction or in %: pass percent=True or percent=False"
        )
    try:
        absorbance = transmittance_to_absorbance(values, percent=in_percent)
    except ValueError as exc:
        raise SpectrumFileError(f"{name}: {exc}") from exc
    meta.update(y_kind="absorbance")
    meta.pop("y_unit", None)
    return absorbance
