"""X, y, groups of the data a command names: RRUFF, a folder, or synthetic."""

from __future__ import annotations

import numpy as np
from sklearn.pipeline import make_pipeline

from ..datasets import load_rruff_sang2021, read_spectra
from ..identification._checks import axis_kind
from ..preprocessing import MinMaxPerSpectrum, SpectrumResampler, native_steps


def load_rruff(args):
    """X, y, groups, axis and description of ``--rruff`` (``--subset``)."""
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
    data = read_spectra(args.data, label_from=args.label_from, progress=progress)
    names = [str(f) for f in data.filenames]
    axis_kind(data.metadata, names, f"folder {args.data}")
    resampler = SpectrumResampler(start=args.start, stop=args.stop, step=args.step)
    prep = make_pipeline(*native_steps(args.baseline), resampler, MinMaxPerSpectrum())
    X = prep.fit_transform(data.spectra, spectrumresampler__names=names)
    return X, data.y, data.groups, resampler.grid_, f"folder {args.data}"


def synthetic(args):
    """X, y, groups (the instruments) and description of the synthetic data."""
    from ..datasets import make_spectra

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
