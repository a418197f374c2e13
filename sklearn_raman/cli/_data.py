"""X, y, groups of the data a command names: RRUFF, a folder, or synthetic."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.pipeline import make_pipeline
from sklearn.utils import Bunch

from ..datasets import (
    SpectrumFileError,
    convert_spectra,
    load_rruff_sang2021,
    read_spectra,
)
from ..datasets._folder import _MixedAxesWarning
from ..identification._checks import axis_kind
from ..preprocessing import MinMaxPerSpectrum, SpectrumResampler, native_steps
from . import _args

LASER_FIX = (
    "give the excitation wavelength: --laser NM for all files, or --laser "
    "PATTERN=NM for each group of files (e.g. --laser '*532*=532' --laser "
    "'*785*=785')"
)


def _in_nm(meta: dict) -> bool:
    return meta.get("x_kind") == "wavelength" and meta.get("x_unit") == "nm"


def to_raman_shift(data: Bunch, lasers, *, demand: bool = True) -> Bunch:
    """``data`` with its wavelength (nm) axes converted to Raman shift.

    Only spectra whose axis is a wavelength in nm are converted, each with its
    file's own laser if it records one, else with ``lasers`` (what
    ``convert_spectra``'s ``laser_wavelength_nm`` takes). Other axes (Raman
    shift, wavenumbers of FTIR files, unrecorded) stay as read: an absolute
    wavenumber axis is no sure sign of a Raman spectrum. With ``demand``, a
    wavelength axis without a laser raises naming the file and ``--laser``;
    without it and without ``lasers``, nothing is converted (a model fitted on
    wavelengths takes them as they are).
    """
    names = [str(f) for f in data.filenames]
    todo = [i for i, meta in enumerate(data.metadata) if _in_nm(meta)]
    if lasers is not None and not todo:
        print("--laser: no spectrum has a wavelength axis in nm; none converted")
    if not todo or (lasers is None and not demand):
        return data
    if lasers is None:
        missing = [i for i in todo if "laser_wavelength_nm" not in data.metadata[i]]
        if missing:
            more = f" (and {len(missing) - 1} more files)" if len(missing) > 1 else ""
            raise SpectrumFileError(
                f"{names[missing[0]]}{more}: its axis is a wavelength in nm, which "
                f"no grid of Raman shifts holds; {LASER_FIX}"
            )
    part = Bunch(
        spectra=[data.spectra[i] for i in todo],
        metadata=[data.metadata[i] for i in todo],
        filenames=np.asarray(data.filenames)[todo],
    )
    if data.get("groups") is not None:
        part.groups = np.asarray(data.groups)[todo]
    try:
        part = convert_spectra(part, x_kind="raman_shift", laser_wavelength_nm=lasers)
    except SpectrumFileError as exc:
        if "laser" not in str(exc):
            raise
        raise SpectrumFileError(f"{exc}; on the command line: {LASER_FIX}") from exc
    spectra, metadata = list(data.spectra), list(data.metadata)
    for j, i in enumerate(todo):
        spectra[i], metadata[i] = part.spectra[j], part.metadata[j]
    used = sorted({m["laser_wavelength_nm"] for m in part.metadata})
    print(
        f"converted {len(todo)} spectra from wavelength (nm) to Raman shift, "
        f"laser {', '.join(f'{nm:g}' for nm in used)} nm"
    )
    return Bunch(**{**data, "spectra": spectra, "metadata": metadata})


def read_converted(source, lasers, *, demand: bool = True, **kwargs) -> Bunch:
    """``read_spectra(source, **kwargs)``, then :func:`to_raman_shift`.

    read_spectra's warning that the axes are of several kinds is kept back
    when the conversion leaves them of one; its other warnings are passed on.
    """
    converted, caught = None, []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data = read_spectra(source, **kwargs)
        converted = to_raman_shift(data, lasers, demand=demand)
    finally:  # also when reading or converting raised: its warnings explain it
        kinds = {
            (m["x_kind"], m.get("x_unit"))
            for m in (converted.metadata if converted is not None else [])
            if "x_kind" in m
        }
        mixed = converted is None or len(kinds) > 1
        for w in caught:
            if mixed or not issubclass(w.category, _MixedAxesWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return converted


def read_folder(args, *, progress=None) -> Bunch:
    """``read_spectra`` of ``--data``, wavelength axes converted (``--laser``)."""
    return read_converted(
        args.data, _args.lasers(args), label_from=args.label_from, progress=progress
    )


def refuse_laser(args, what: str) -> None:
    """Raise if ``--laser`` is given with data that are not a ``--data`` folder."""
    if getattr(args, "laser", None):
        raise ValueError(
            f"--laser converts the files of a --data folder; {what} has Raman "
            "shift axes already: leave --laser out"
        )


def load_rruff(args):
    """X, y, groups, axis and description of ``--rruff`` (``--subset``)."""
    refuse_laser(args, f"RRUFF ({args.rruff})")
    data = load_rruff_sang2021(args.rruff, subset=args.subset)
    return (
        data.X,
        data.y,
        data.groups,
        data.wavenumbers,
        f"RRUFF Dataset_{args.subset} ({args.rruff})",
    )


def load_folder(args, *, progress=None):
    """X, y, groups, grid and description of ``--data``, on the grid asked for.

    The spectra are cleaned on their own axes (``--baseline``), resampled onto
    ``--start/--stop/--step`` (by default the range they all cover and their
    median spacing) and min-max normalised.
    """
    data = read_folder(args, progress=progress)
    names = [str(f) for f in data.filenames]
    axis_kind(data.metadata, names, f"folder {args.data}")
    resampler = SpectrumResampler(start=args.start, stop=args.stop, step=args.step)
    prep = make_pipeline(*native_steps(args.baseline), resampler, MinMaxPerSpectrum())
    try:
        X = prep.fit_transform(data.spectra, spectrumresampler__names=names)
    except ValueError as exc:
        if "no common range" not in str(exc):
            raise
        raise ValueError(
            f"folder {args.data}: {exc}; on the command line: --start and --stop "
            "inside the range of every file, or leave out the files outside it"
        ) from exc
    return X, data.y, data.groups, resampler.grid_, f"folder {args.data}"


def synthetic(args):
    """X, y, groups (the instruments) and description of the synthetic data."""
    from ..datasets import make_spectra

    refuse_laser(args, "the synthetic data")
    params = {
        "n_classes": args.n_classes,
        "n_samples_per_class": args.n_samples_per_class,
        "n_points": args.n_points,
        "n_families": min(args.n_families, args.n_classes),
        "family_spread": args.family_spread,
        "n_instruments": args.n_instruments,
        "instrument_shift": args.instrument_shift,
        "snr_db": args.snr_db,
        "random_state": args.seed,
    }
    X, y, instrument = make_spectra(**params, return_groups=True)
    X = MinMaxPerSpectrum().fit_transform(X).astype(np.float32)
    groups = np.char.add("instrument ", instrument.astype(str))
    desc = "synthetic make_spectra(" + ", ".join(f"{k}={v}" for k, v in params.items())
    return X, y, groups, desc + "); groups: the instruments"
