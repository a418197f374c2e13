"""Accuracy against added noise on RRUFF Dataset_1, with and without augmentation.

Usage: python benchmarks/noise_robustness.py [--npz ../shared/data/rruff_sang2021.npz]
       [--subset 1] [--repeat 0] [--snr 40 30 20 10 5 0] [--noise gaussian]
       [--models knn1 pca_linsvc recommended] [--augment-snr 20] [--out FILE]

Each model is fitted on the training part of one of the papers' stratified 70/30
splits, once on the spectra as they are and once inside an imbalanced-learn
pipeline whose ``ShiftNoiseAugmenter`` adds one shifted, scaled, noisy copy of
every training spectrum (noise at ``--augment-snr`` dB). The recommended CNN is
fitted with its own on-the-fly augmentation switched off in both, so that the
sampler is the only difference; its default (on-the-fly shift / noise / scale
augmentation) is a third row. Every fitted model is then scored on the test
spectra with Gaussian (or Poisson) noise at each SNR, the same noise draws for
every model (``noise_robustness``, 3 draws per level). Prints a markdown table
of top-1 accuracy per SNR.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from imblearn.pipeline import make_pipeline
from sklearn.base import clone

from sklearn_raman import ShiftNoiseAugmenter
from sklearn_raman.baselines import classical_baselines
from sklearn_raman.datasets import load_rruff_sang2021
from sklearn_raman.model_selection import PaperSplit
from sklearn_raman.neural import CompactResNet1DClassifier
from sklearn_raman.robustness import noise_robustness


def _one_copy_each(y):
    """imblearn sampling strategy: twice each class's count (a copy per spectrum)."""
    labels, counts = np.unique(y, return_counts=True)
    return {label: 2 * int(n) for label, n in zip(labels, counts)}


def _models(names, augment_snr, seed):
    base = classical_baselines(random_state=seed)
    augmenter = ShiftNoiseAugmenter(
        sampling_strategy=_one_copy_each, snr_db=augment_snr, random_state=seed
    )
    for name in names:
        if name == "recommended":
            plain = CompactResNet1DClassifier(augment=False, random_state=seed)
            yield "recommended", "none", plain
            yield (
                "recommended",
                "ShiftNoiseAugmenter",
                make_pipeline(clone(augmenter), clone(plain)),
            )
            yield (
                "recommended",
                "on-the-fly (default)",
                CompactResNet1DClassifier(random_state=seed),
            )
        else:
            yield name, "none", clone(base[name])
            yield (
                name,
                "ShiftNoiseAugmenter",
                make_pipeline(clone(augmenter), clone(base[name])),
            )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--npz", default="../shared/data/rruff_sang2021.npz")
    parser.add_argument("--subset", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=0)
    parser.add_argument("--snr", nargs="+", type=float, default=[40, 30, 20, 10, 5, 0])
    parser.add_argument("--noise", default="gaussian", choices=["gaussian", "poisson"])
    parser.add_argument(
        "--models", nargs="+", default=["knn1", "pca_linsvc", "recommended"]
    )
    parser.add_argument("--augment-snr", type=float, default=20.0)
    parser.add_argument("--out", default="noise_robustness.json")
    args = parser.parse_args()

    data = load_rruff_sang2021(args.npz, subset=args.subset)
    splits = PaperSplit(n_repeats=args.repeat + 1, random_state=0).split(data.X, data.y)
    train, test = list(splits)[args.repeat]
    records = []
    for name, augmentation, model in _models(args.models, args.augment_snr, seed=0):
        start = time.perf_counter()
        model.fit(data.X[train], data.y[train])
        fit_s = time.perf_counter() - start
        result = noise_robustness(
            model,
            data.X[test],
            data.y[test],
            snr_db=args.snr,
            noise=args.noise,
            random_state=0,
        )
        records.append(
            dict(
                model=name,
                augmentation=augmentation,
                clean=result.clean,
                snr_db=result.snr_db.tolist(),
                mean=result.mean.tolist(),
                std=result.std.tolist(),
                fit_s=fit_s,
            )
        )
        print(
            f"{name:12s} {augmentation:22s} clean {result.clean:.4f} "
            + " ".join(f"{s:g}dB {m:.4f}" for s, m in zip(result.snr_db, result.mean))
            + f"  (fit {fit_s / 60:.1f} min)",
            flush=True,
        )
        with open(args.out, "w") as f:
            json.dump(dict(vars(args), records=records), f, indent=1)

    levels = " | ".join(f"{s:g} dB" for s in args.snr)
    print(f"\n| model | augmentation | clean | {levels} | fit min |")
    print("|---|---|---|" + "---|" * len(args.snr) + "---|")
    for r in records:
        cells = " | ".join(
            f"{m:.4f} ± {s:.4f}" if s else f"{m:.4f}"
            for m, s in zip(r["mean"], r["std"])
        )
        print(
            f"| {r['model']} | {r['augmentation']} | {r['clean']:.4f} | {cells} | "
            f"{r['fit_s'] / 60:.1f} |"
        )


if __name__ == "__main__":
    main()
