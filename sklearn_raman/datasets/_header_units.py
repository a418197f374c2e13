"""Units of a text file's header row, in the metadata vocabulary.

The column titles of a two-column (or columns-layout) text file say what its
axis and its values are: ``nm,Intensity``, ``Raman shift (cm-1)``,
``Wavenumber [1/cm]``, ``Transmittance (%)``, ``%T`` ... This module maps them
to the keys the vendor readers fill (``x_kind``, ``x_unit``, ``y_kind``,
``y_unit``; see ``METADATA_KEYS``). The rules:

- a word the vocabulary does not hold stays unknown: its key is absent,
  never guessed;
- a kind word (``Raman shift``, ``Wavelength``, ``Absorbance``) gives the
  kind; a unit (``nm``, ``µm``, ``cm-1``, ``%``) gives the unit, and a kind
  where the unit alone decides it (``nm`` and ``µm``: a wavelength);
- ``Raman shift`` (or ``shift``) is in cm-1 when no unit is written;
- a bare ``wavenumber`` or ``cm-1`` (without ``Raman`` / ``shift`` /
  ``absolute``) is a Raman shift in a Raman export and an absolute
  wavenumber in an FTIR one: it records ``x_unit="cm-1"`` and no ``x_kind``,
  as the package did before it read headers (``absolute wavenumber`` is
  ``x_kind="wavenumber"``);
- a title naming two kinds, or a kind and a unit that disagree
  (``Wavelength (cm-1)``), records nothing; :func:`axis_units` and
  :func:`signal_units` say why in their ``conflict`` result.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from ._errors import SpectrumFileWarning

# spellings of cm-1 (after lower-casing, µ -> u, superscripts -> ascii)
_CM1 = re.compile(
    r"(?:\b1\s*/\s*cm\b|(?<![\w])/\s*cm\b|\bcm\s*(?:\^|\*\*)?\s*\(?-1\)?)"
)
_X_UNITS = (
    (re.compile(r"\bnm\b|nanomet"), "nm"),
    (re.compile(r"\bum\b|\bmicrons?\b|micromet"), "um"),
    (re.compile(r"\bev\b"), "eV"),
    (re.compile(r"\bcm-1\b"), "cm-1"),
)
_X_KINDS = (
    (re.compile(r"\braman\b|\bshifts?\b"), "raman_shift"),
    (re.compile(r"\babsolute\s+wave\s*-?numbers?\b"), "wavenumber"),
    (re.compile(r"\bwave\s*-?lengths?\b|\blambda\b|λ"), "wavelength"),
    (re.compile(r"\benergy\b"), "energy"),
)
_BARE_WAVENUMBER = re.compile(r"\bwave\s*-?numbers?\b")
# the kind each unit allows (cm-1: Raman shift or absolute wavenumber)
_UNIT_KINDS = {
    "nm": ("wavelength",),
    "um": ("wavelength",),
    "eV": ("energy",),
    "cm-1": ("raman_shift", "wavenumber"),
}
_Y_KINDS = (
    (re.compile(r"\babsorbances?\b|\babs\b"), "absorbance"),
    (
        re.compile(r"\btransmittances?\b|\btransmission\b|%\s*t\b|\bt\s*%"),
        "transmittance",
    ),
    (re.compile(r"\breflectances?\b|\breflection\b|%\s*r\b|\br\s*%"), "reflectance"),
    (re.compile(r"log\s*\(?\s*1\s*/\s*r\s*\)?"), "log(1/R)"),
    (re.compile(r"kubelka"), "kubelka-munk"),
    (re.compile(r"\bcounts?\b|\bcts\b|\bcps\b"), "counts"),
    (re.compile(r"\bintensity\b|\bint\b|\bsignal\b"), "intensity"),
)
# a unit rather than a kind: "Absorbance (a.u.)" is an absorbance
_ARBITRARY = re.compile(r"\ba\.\s*u\b|\barb\.?\s*units?\b|\barbitrary\b")
_PERCENT = re.compile(r"%|\bpercent\b")


def _normalise(title: str) -> str:
    text = title.strip().lower()
    for micro in ("µ", "μ"):  # micro sign and Greek mu
        text = text.replace(micro, "u")
    text = text.replace("⁻", "-").replace("−", "-").replace("¹", "1")
    return _CM1.sub(" cm-1 ", text)


def axis_units(title: str) -> tuple[dict, str | None]:
    """``x_kind`` / ``x_unit`` of an axis column's title, and any conflict.

    Parameters
    ----------
    title : str
        The title of the axis column (the header row's first field).

    Returns
    -------
    units : dict
        ``x_kind`` and ``x_unit`` where the title says them (keys absent
        where it does not).
    conflict : str or None
        Why the title records nothing though it names units (two kinds, or a
        kind and a unit that disagree); None otherwise.

    Examples
    --------
    >>> from sklearn_raman.datasets._header_units import axis_units
    >>> axis_units("Raman shift (cm-1)")
    ({'x_kind': 'raman_shift', 'x_unit': 'cm-1'}, None)
    >>> axis_units("nm")
    ({'x_kind': 'wavelength', 'x_unit': 'nm'}, None)
    >>> axis_units("Wavenumber [1/cm]")  # Raman shift or absolute: not said
    ({'x_unit': 'cm-1'}, None)
    >>> axis_units("pixel")
    ({}, None)
    """
    text = _normalise(title)
    units = {u for pattern, u in _X_UNITS if pattern.search(text)}
    kinds = {k for pattern, k in _X_KINDS if pattern.search(text)}
    if "wavenumber" not in kinds and _BARE_WAVENUMBER.search(text):
        units.add("cm-1")
    if len(units) > 1 or len(kinds) > 1:
        return {}, f"{title!r} names several units or kinds ({sorted(units | kinds)})"
    unit = next(iter(units), None)
    kind = next(iter(kinds), None)
    if unit is not None and kind is not None and kind not in _UNIT_KINDS[unit]:
        return {}, f"{title!r} names a {kind.replace('_', ' ')} in {unit}"
    if kind is None and unit is not None and len(_UNIT_KINDS[unit]) == 1:
        kind = _UNIT_KINDS[unit][0]
    if kind in ("raman_shift", "wavenumber"):
        unit = "cm-1"
    found = {"x_kind": kind, "x_unit": unit}
    return {k: v for k, v in found.items() if v is not None}, None


def signal_units(title: str) -> tuple[dict, str | None]:
    """``y_kind`` / ``y_unit`` of a value column's title, and any conflict.

    Parameters
    ----------
    title : str
        The title of a value column.

    Returns
    -------
    units : dict
        ``y_kind`` and ``y_unit`` (``"%"``) where the title says them.
    conflict : str or None
        Why the title records nothing though it names kinds; None otherwise.

    Examples
    --------
    >>> from sklearn_raman.datasets._header_units import signal_units
    >>> signal_units("Transmittance (%)")
    ({'y_kind': 'transmittance', 'y_unit': '%'}, None)
    >>> signal_units("%T")
    ({'y_kind': 'transmittance', 'y_unit': '%'}, None)
    >>> signal_units("Intensity (a.u.)")
    ({'y_kind': 'intensity'}, None)
    >>> signal_units("PS")
    ({}, None)
    """
    text = _normalise(title)
    kinds = [k for pattern, k in _Y_KINDS if pattern.search(text)]
    if "counts" in kinds and "intensity" in kinds:
        kinds.remove("intensity")  # "Intensity (counts)": counts is the unit
    if len(kinds) > 1:
        return {}, f"{title!r} names several kinds of signal ({kinds})"
    if not kinds and _ARBITRARY.search(text):
        kinds = ["intensity"]
    found = {"y_kind": kinds[0]} if kinds else {}
    if _PERCENT.search(text):
        found["y_unit"] = "%"
    return found, None


def column_units(titles: list[str]) -> tuple[dict, list[str]]:
    """The units a header row states: its axis title's, and its value titles'.

    The value columns give ``y_kind`` / ``y_unit`` only where every one of
    them says the same (the columns of a wide table are spectra names).

    Parameters
    ----------
    titles : list of str
        The header row: the axis title, then one title per value column.

    Returns
    -------
    units : dict
        ``x_kind``, ``x_unit``, ``y_kind``, ``y_unit``, where stated.
    conflicts : list of str
        One line per title that named units it contradicts.

    Examples
    --------
    >>> from sklearn_raman.datasets._header_units import column_units
    >>> column_units(["Wavelength (nm)", "Counts"])
    ({'x_kind': 'wavelength', 'x_unit': 'nm', 'y_kind': 'counts'}, [])
    """
    if not titles:
        return {}, []
    units, conflict = axis_units(titles[0])
    conflicts = [conflict] if conflict else []
    signals = []
    for title in titles[1:]:
        found, conflict = signal_units(title)
        signals.append(found)
        if conflict:
            conflicts.append(conflict)
    if signals and all(s == signals[0] for s in signals):
        units.update(signals[0])
    return units, conflicts


def record_units(path: Path, header: dict, titles: list[str], lineno: int | None):
    """Add the units of a header row to ``header``; warn about conflicts.

    Parameters
    ----------
    path : Path
        The file, for the warning.
    header : dict
        The file's header metadata, updated in place.
    titles : list of str
        The header row.
    lineno : int or None
        The header row's line, for the warning.

    Examples
    --------
    >>> from pathlib import Path
    >>> from sklearn_raman.datasets._header_units import record_units
    >>> header = {}
    >>> record_units(Path("s.csv"), header, ["nm", "Intensity"], 1)
    >>> header
    {'x_kind': 'wavelength', 'x_unit': 'nm', 'y_kind': 'intensity'}
    """
    units, conflicts = column_units(titles)
    header.update(units)
    for conflict in conflicts:
        warnings.warn(
            f"{path}, line {lineno}: the header {conflict}; those units are not "
            "recorded. Correct the header, or set metadata['x_kind'] / "
            "['x_unit'] / ['y_kind'] / ['y_unit'] yourself",
            SpectrumFileWarning,
            stacklevel=6,
        )
