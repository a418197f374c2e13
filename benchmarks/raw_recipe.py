"""Raw spectra from a folder: does the raw-spectra recipe beat the naive pipeline?

Usage::

    python benchmarks/raw_recipe.py [--data ../shared/data] [--repeats 3]

Reads real raw files as a lab has them (``read_spectra`` defaults, each file
on its own axis) and scores 1-NN and library search (cosine) on:

- ``naive``: ``SpectrumResampler()`` (the range every spectrum covers) and
  min-max scaling;
- ``recipe``: the docs' recipe on each spectrum's own axis, before resampling
  (``OnNativeAxis``: despike -> arPLS baseline -> Savitzky-Golay), then the
  same resampling and scaling;
- ``CLI --baseline arpls``: what ``train`` / ``benchmark --data`` do with
  that option (despike and arPLS with pybaselines' defaults on native axes);
- ``recipe, zero-filled union``: the old default: resampled onto the union of
  the axes with zeros outside each spectrum, then the same recipe, which then
  fits the step at the filled ends;
- ``processed`` (RRUFF only): RRUFF's own baseline-corrected files, naive
  pipeline: the reference the recipe tries to reach.

Data: ``rruff_raw`` (192 ``Raman_Data_RAW`` files of 17 samples of 6
minerals; leave-one-sample-out, grouped by RRUFF id: every spectrum is
predicted by a model that never saw its sample) and ``mmpsd/Raman`` (122
plastic samples of 4 polymers, one file each; stratified 5-fold, ``--repeats``
shuffles). Prints top-1 accuracy over all spectra per data set, pipeline and
model (the mean over the shuffles for MMPSD).
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score
from sklearn.model_selection import (
    LeaveOneGroupOut,
    StratifiedKFold,
    cross_val_predict,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline

from sklearn_raman import (
    BaselineCorrector,
    CosmicRayRemover,
    LibrarySearchClassifier,
    MinMaxPerSpectrum,
    OnNativeAxis,
    SavitzkyGolay,
    SpectrumResampler,
    read_spectra,
)
from sklearn_raman.datasets import SpectrumFileWarning
from sklearn_raman.preprocessing import native_steps

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def recipe_steps(lam: float):
    """The docs' raw-spectra recipe: despike, arPLS baseline, Savitzky-Golay."""
    return (
        CosmicRayRemover(),
        BaselineCorrector(method="arpls", method_params={"lam": lam}),
        SavitzkyGolay(window_length=9, polyorder=3),
    )


def pipelines(lam: float, step: float) -> dict:
    models = {
        "1-NN": lambda: KNeighborsClassifier(n_neighbors=1),
        "library": lambda: LibrarySearchClassifier(),
    }
    preps = {
        "naive": lambda: [SpectrumResampler(step=step)],
        "recipe": lambda: [
            OnNativeAxis(make_pipeline(*recipe_steps(lam))),
            SpectrumResampler(step=step),
        ],
        "CLI --baseline arpls": lambda: [
            *native_steps("arpls"),
            SpectrumResampler(step=step),
        ],
        "recipe, zero-filled union": lambda: [
            SpectrumResampler(span="union", step=step, fill_value=0),
            *recipe_steps(lam),
        ],
    }
    return {
        (prep, model): make_pipeline(*p(), MinMaxPerSpectrum(), m())
        for prep, p in preps.items()
        for model, m in models.items()
    }


def rruff_raw(data: Path):
    folder = data / "rruff_raw"
    raw = read_spectra(folder, label_from="rruff_name", pattern="*Raman_Data_RAW*")
    done = read_spectra(
        folder, label_from="rruff_name", pattern="*Raman_Data_Processed*"
    )
    return raw, done


def mmpsd_raman(data: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpectrumFileWarning)
        return read_spectra(data / "mmpsd" / "Raman")


def score(pipe, spectra, y, groups, cvs) -> float:
    """Top-1 over every spectrum, each predicted once per CV run; mean of runs."""
    return float(
        np.mean(
            [
                accuracy_score(
                    y, cross_val_predict(pipe, spectra, y, groups=groups, cv=cv)
                )
                for cv in cvs
            ]
        )
    )


def run(name, read, cvs, args, processed=None) -> list[dict]:
    print(
        f"{name}: {len(read.spectra)} spectra, {len(np.unique(read.y))} classes, "
        f"{len(np.unique(read.groups))} samples",
        flush=True,
    )
    rows = []
    for (prep, model), pipe in pipelines(args.lam, args.step).items():
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            top1 = score(pipe, read.spectra, read.y, read.groups, cvs)
        baseline_warnings = sum("baseline" in str(w.message) for w in caught)
        rows.append({"data": name, "prep": prep, "model": model, "top1": top1})
        print(
            f"  {prep:<27} {model:<8} top-1 {top1:.3f}  "
            f"({time.perf_counter() - start:.0f} s, {baseline_warnings} "
            "baseline warnings)",
            flush=True,
        )
    if processed is not None:
        for model, pipe in pipelines(args.lam, args.step).items():
            if model[0] != "naive":
                continue
            top1 = score(pipe, processed.spectra, processed.y, processed.groups, cvs)
            rows.append(
                {"data": name, "prep": "processed", "model": model[1], "top1": top1}
            )
            print(f"  {'processed (RRUFF)':<27} {model[1]:<8} top-1 {top1:.3f}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeats", type=int, default=3, help="MMPSD 5-fold repeats")
    parser.add_argument("--lam", type=float, default=1e6, help="arPLS smoothness")
    parser.add_argument("--step", type=float, default=2.0, help="grid step, cm-1")
    args = parser.parse_args()
    if not (args.data / "rruff_raw").is_dir():
        raise SystemExit(f"no rruff_raw in {args.data}: pass --data ../shared/data")
    raw, processed = rruff_raw(args.data)
    rows = run("rruff_raw", raw, [LeaveOneGroupOut()], args, processed=processed)
    cvs = [
        StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
        for seed in range(args.repeats)
    ]
    rows += run("mmpsd_raman", mmpsd_raman(args.data), cvs, args)
    print("\ndata | prep | 1-NN | library")
    for data in ("rruff_raw", "mmpsd_raman"):
        for prep in dict.fromkeys(r["prep"] for r in rows if r["data"] == data):
            got = {
                r["model"]: r["top1"]
                for r in rows
                if (r["data"], r["prep"]) == (data, prep)
            }
            print(f"{data} | {prep} | {got['1-NN']:.3f} | {got['library']:.3f}")


if __name__ == "__main__":
    main()
