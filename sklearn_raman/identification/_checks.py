"""Checks of the spectra an identifier is fitted on or identifies."""

from __future__ import annotations

import warnings

import numpy as np

from .._axis import is_ragged
from ..datasets import SpectrumFileError

#: a query spectrum covering less of the model's grid than this is warned about
MIN_COVERAGE = 0.9


def _unpack(spectra, y=None, groups=None, names=None):
    """(spectra, y, groups, names, metadata) of arrays or of a read_spectra Bunch."""
    if hasattr(spectra, "spectra"):  # what read_spectra returns
        data = spectra
        y = data.y if y is None else y
        groups = data.get("groups") if groups is None else groups
        names = [str(f) for f in data.filenames] if names is None else names
        return data.spectra, y, groups, names, list(data.get("metadata") or [])
    return spectra, y, groups, names, []


def axis_kind(metadata, names, what: str) -> str | None:
    """The axis kind the spectra's metadata records (None if none does).

    Spectra of different kinds (a Raman shift and a wavelength) raise: one
    grid cannot hold both.

    Parameters
    ----------
    metadata : sequence of dict
        Per spectrum, its metadata (``read_spectra(...).metadata``); the key
        ``"x_kind"`` is read.
    names : sequence of str
        Per spectrum, its name (its file), for the error.
    what : str
        What the spectra are, for the error (e.g. ``"folder refs/"``).

    Returns
    -------
    x_kind : str or None
        The one kind recorded, or None if no spectrum records one.

    Examples
    --------
    >>> from sklearn_raman.identification._checks import axis_kind
    >>> axis_kind([{"x_kind": "raman_shift"}, {}], ["a.spc", "b.txt"], "refs")
    'raman_shift'
    """
    kinds = {}
    for name, meta in zip(names, metadata):
        if meta.get("x_kind") is not None:
            kinds.setdefault(meta["x_kind"], name)
    if len(kinds) > 1:
        listed = ", ".join(f"{k} ({p})" for k, p in kinds.items())
        raise SpectrumFileError(
            f"the {what} mixes axes of different kinds: {listed}. Convert them "
            "to one (sklearn_raman.datasets.convert_spectra, e.g. "
            "wavelength_to_raman_shift) and write them out first"
        )
    return next(iter(kinds), None)


def _check_cover(spectra, names, start: float, stop: float, step: float, source):
    """Every spectrum spans the grid ``start``..``stop`` (to a step) of ``source``."""
    for name, (axis, _) in zip(names, spectra):
        if axis.min() > start + step or axis.max() < stop - step:
            raise ValueError(
                f"{name} covers {axis.min():g} to {axis.max():g}, not the grid of "
                f"{source} ({start:g} to {stop:g}): pre-train on the range your "
                "spectra cover (pretrain start / stop)"
            )


def check_queries(spectra, names, metadata, grid, x_kind) -> None:
    """Refuse axes of another kind; warn about spectra that miss the grid."""
    if not is_ragged(spectra):
        return  # rows of a 2D X: on the axis seen in fit
    for i, (axis, _) in enumerate(spectra):
        meta = metadata[i] if metadata else {}
        kind = meta.get("x_kind")
        if x_kind and kind and kind != x_kind:
            raise SpectrumFileError(
                f"{names[i]}: its axis is a {kind}, the model's a "
                f"{x_kind}; convert it first "
                "(sklearn_raman.datasets.convert_spectra)"
            )
        covered = np.mean((grid >= axis.min()) & (grid <= axis.max()))
        if covered < MIN_COVERAGE:
            warnings.warn(
                f"{names[i]}: {meta.get('name', '')} covers {covered:.0%} of "
                f"the model's grid ({axis.min():g} to {axis.max():g} against "
                f"{grid[0]:g} to {grid[-1]:g}); the rest is filled with 0 and "
                "its identification is unreliable",
                UserWarning,
                stacklevel=3,
            )
