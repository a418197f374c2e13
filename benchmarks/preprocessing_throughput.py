"""Throughput of the readers and preprocessing transformers on this machine.

Usage: python benchmarks/preprocessing_throughput.py [--n 5000] [--rruff-raw DIR]

Prints spectra per second for each step on RRUFF-sized spectra (1570 points),
and the time to read the native RRUFF files when they are present.
"""

import argparse
import time
from pathlib import Path

import numpy as np

from sklearn_raman import (
    BaselineCorrector,
    CosmicRayRemover,
    MinMaxPerSpectrum,
    SavitzkyGolay,
    ShiftNoiseAugmenter,
    SpectrumResampler,
    StandardNormalVariate,
    make_spectra,
    read_spectra,
)

DEFAULT_RAW = Path(__file__).resolve().parents[2] / "shared" / "data" / "rruff_raw"


def rate(fn, n, repeat=3):
    best = min(_timed(fn) for _ in range(repeat))
    return n / best, best


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--rruff-raw", default=str(DEFAULT_RAW))
    args = parser.parse_args()

    X, y, wn = make_spectra(
        n_classes=10,
        n_samples_per_class=args.n // 10,
        n_points=1570,
        wavenumber_range=(30, 1599),
        return_wavenumbers=True,
        random_state=0,
    )
    ragged, _ = make_spectra(
        n_classes=10,
        n_samples_per_class=args.n // 10,
        n_points=1570,
        ragged=True,
        random_state=0,
    )
    n = len(X)
    print(f"{n} spectra of {X.shape[1]} points\n")
    print(f"{'step':<44} {'spectra/s':>12} {'seconds':>9}")
    steps = [
        (
            "SpectrumResampler, ragged -> grid (linear)",
            SpectrumResampler(start=30, stop=1599, step=1),
            ragged,
        ),
        (
            "SpectrumResampler, ragged -> grid (cubic)",
            SpectrumResampler(start=30, stop=1599, step=1, kind="cubic"),
            ragged,
        ),
        (
            "SpectrumResampler, 2D -> grid (linear)",
            SpectrumResampler(start=30, stop=1599, step=0.5, wavenumbers=wn),
            X,
        ),
        ("MinMaxPerSpectrum", MinMaxPerSpectrum(), X),
        ("StandardNormalVariate", StandardNormalVariate(), X),
        ("SavitzkyGolay(11, 3)", SavitzkyGolay(), X),
        ("CosmicRayRemover", CosmicRayRemover(), X),
        (
            "BaselineCorrector(asls)",
            BaselineCorrector(method="asls", wavenumbers=wn),
            X[:500],
        ),
        (
            "BaselineCorrector(snip)",
            BaselineCorrector(method="snip", wavenumbers=wn),
            X[:500],
        ),
        (
            "BaselineCorrector(modpoly)",
            BaselineCorrector(
                method="modpoly", method_params={"poly_order": 3}, wavenumbers=wn
            ),
            X[:500],
        ),
    ]
    for name, est, data in steps:
        est.fit(data)
        r, t = rate(lambda est=est, data=data: est.transform(data), len(data))
        print(f"{name:<44} {r:>12,.0f} {t:>9.3f}")
    aug = ShiftNoiseAugmenter(multiplier=2, wavenumbers=wn, random_state=0)
    r, t = rate(lambda: aug.fit_resample(X, y), n)
    print(f"{'ShiftNoiseAugmenter(multiplier=2), copies':<44} {r:>12,.0f} {t:>9.3f}")

    raw = Path(args.rruff_raw)
    if raw.is_dir():
        files = sorted(raw.iterdir())
        r, t = rate(lambda: read_spectra(raw, label_from="rruff_name"), len(files), 1)
        print(
            f"\nread_spectra on {len(files)} RRUFF files: {t:.2f} s ({r:,.0f} files/s)"
        )
    else:
        print(f"\n{raw} not found: reader timing skipped")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
