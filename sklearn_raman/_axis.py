"""Helpers for spectral axes (wavenumbers) shared by readers and transformers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def as_axis(wavenumbers, name: str = "wavenumbers") -> np.ndarray:
    """Return ``wavenumbers`` as a finite 1D float64 array, or raise a clear error."""
    try:
        axis = np.asarray(wavenumbers, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric; got {wavenumbers!r:.80}") from exc
    if axis.ndim != 1:
        raise ValueError(f"{name} must be 1D; got an array of shape {axis.shape}")
    if axis.size == 0:
        raise ValueError(f"{name} is empty")
    bad = ~np.isfinite(axis)
    if bad.any():
        raise ValueError(
            f"{name} holds non-finite values (NaN or inf) at index "
            f"{int(np.flatnonzero(bad)[0])}"
        )
    return axis


def feature_axis(owner: str, wavenumbers, feature_names, n_features: int) -> np.ndarray:
    """Axis of the columns of X, resolved at fit time.

    ``wavenumbers`` wins; otherwise numeric column names seen in fit (e.g. a
    DataFrame from ``SpectrumResampler().set_output(transform="pandas")``) give the
    axis; otherwise the column index ``0 .. n_features - 1``. ``owner`` names the
    estimator in error messages.
    """
    if wavenumbers is not None:
        axis = as_axis(wavenumbers)
        if axis.size != n_features:
            raise ValueError(
                f"{owner}: wavenumbers has {axis.size} values "
                f"but X has {n_features} columns"
            )
        return axis
    if feature_names is not None:
        try:
            return as_axis([float(n) for n in feature_names])
        except ValueError:
            pass
    return np.arange(n_features, dtype=np.float64)


def sorted_unique(axis: np.ndarray, values: np.ndarray):
    """Sort ``axis`` ascending and average ``values`` (last axis) at repeated points.

    Returns ``(axis, values)`` with a strictly increasing axis, as interpolation
    routines require. ``values`` may be 1D or 2D (samples along the first axis).
    """
    order = np.argsort(axis, kind="stable")
    axis = axis[order]
    values = values[..., order]
    uniq, inverse, counts = np.unique(axis, return_inverse=True, return_counts=True)
    if uniq.size == axis.size:
        return axis, values
    summed = np.zeros(values.shape[:-1] + (uniq.size,), dtype=np.float64)
    np.add.at(summed, (..., inverse), values)
    return uniq, summed / counts


def is_ragged(X) -> bool:
    """True if ``X`` is a sequence of ``(wavenumbers, intensities)`` pairs."""
    if isinstance(X, np.ndarray) and X.dtype != object:
        return False
    if not isinstance(X, Sequence | np.ndarray) or len(X) == 0:
        return False
    first = X[0]
    try:
        return len(first) == 2 and np.ndim(first[0]) == 1 and np.ndim(first[1]) == 1
    except TypeError:
        return False


def check_ragged(X, name: str = "X") -> list[tuple[np.ndarray, np.ndarray]]:
    """Validate ragged spectra; return float64 ``(axis, values)`` pairs."""
    spectra = []
    for i, pair in enumerate(X):
        if len(pair) != 2:
            raise ValueError(
                f"{name}[{i}] must be a (wavenumbers, intensities) pair; "
                f"got {len(pair)} items"
            )
        axis = as_axis(pair[0], name=f"{name}[{i}] wavenumbers")
        try:
            values = np.asarray(pair[1], dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name}[{i}] intensities must be numeric") from exc
        if values.shape != axis.shape:
            raise ValueError(
                f"{name}[{i}]: {axis.size} wavenumbers but intensities of "
                f"shape {values.shape}"
            )
        bad = ~np.isfinite(values)
        if bad.any():
            raise ValueError(
                f"{name}[{i}] intensities hold NaN or inf at index "
                f"{int(np.flatnonzero(bad)[0])}"
            )
        spectra.append((axis, values))
    return spectra


def reject_ragged(X, owner: str) -> None:
    """Raise a clear error for spectra that are not yet on one grid.

    ``(wavenumbers, intensities)`` pairs (what the readers return) and rows of
    different lengths would otherwise fail with numpy's "inhomogeneous shape"
    or "dim 3" messages; both are told to go through ``SpectrumResampler``.
    Only lists, tuples and object arrays are inspected; regular arrays pass
    at no cost.
    """
    if isinstance(X, np.ndarray) and X.dtype != object:
        return
    if not isinstance(X, Sequence | np.ndarray):
        return
    if is_ragged(X):
        raise ValueError(
            f"{owner}: X holds (wavenumbers, intensities) pairs, each spectrum on "
            "its own axis; put them on one grid first with SpectrumResampler "
            "(e.g. make_pipeline(SpectrumResampler(), ...)), which gives an "
            "array of shape (n_spectra, n_points)"
        )
    lengths = {}
    for i, row in enumerate(X):
        try:
            lengths.setdefault(len(row), i)
        except TypeError:  # scalars: not rows of points
            return
        if len(lengths) > 1:
            (a, i_a), (b, i_b) = list(lengths.items())[:2]
            raise ValueError(
                f"{owner}: X is ragged (row {i_a} has {a} points, row {i_b} has "
                f"{b}) and carries no wavenumber axes; put the spectra on one "
                "grid with SpectrumResampler, giving (wavenumbers, intensities) "
                "pairs"
            )
