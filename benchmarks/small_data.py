"""Small data: learning curves of deep (from scratch, pre-trained) and classical models.

Top-1 accuracy against the number of training spectra per class, on spectra of
physical samples (or substances) that no training spectrum comes from, for
the recommended CNN from scratch, the same CNN started from a pre-trained
encoder (``init_from``), library search, a random forest and PCA + LinearSVC.

Usage::

    python benchmarks/small_data.py rruff --rruff ../shared/data/rruff_sang2021.npz
    python benchmarks/small_data.py mmpsd --modality ftir --data ../shared/data
    python benchmarks/small_data.py mmpsd --modality raman --data ../shared/data
    python benchmarks/small_data.py primpke --data ../shared/data

Common options: ``--shots 2 5 10`` (training spectra per class), ``--repeats
3`` (splits and seeds), ``--models scratch pretrained library rf pca_linsvc``,
``--threads N``, ``--json FILE`` (every score, for ``--plot``), ``--encoder
FILE`` (the pre-trained weights; made here first when the file is missing).

The split of repeat ``r`` (seed ``r``): in each class the sample ids (RRUFF
R-numbers, MMPSD file stems, Primpke substances) are shuffled, the last
``--test-share`` of them (at least one where a class has two) are the test
samples, and the training spectra of ``k`` shots are the first ``k`` of a
shuffled list of the other spectra, so the sets of a repeat are nested and
every model of a repeat sees the same spectra. A class of a single sample is
trained on, never tested. An encoder made here (``--encoder`` missing) is
``pretrain``'s default: the recommended net with a cosine output layer and no
label smoothing, pre-trained on:

- rruff: RRUFF Dataset_2 without the 192 minerals of Dataset_1 (3,286 spectra
  of 1,140 minerals), so no test mineral is seen in pre-training;
- mmpsd ftir: the FTIR library of Primpke et al. (2018), 270 spectra, by
  substance, on the common range 1250 to 3600 cm-1;
- mmpsd raman: RRUFF Dataset_2 without Dataset_1 (minerals), 500 to 1599 cm-1;
- primpke: the MMPSD FTIR spectra (4 polymers), 1250 to 3600 cm-1.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import accuracy_score

from sklearn_raman import MinMaxPerSpectrum, SpectrumResampler
from sklearn_raman.benchmark import make_models
from sklearn_raman.datasets import (
    SpectrumFileWarning,
    load_rruff_sang2021,
    read_spectra,
)
from sklearn_raman.neural import CompactResNet1DClassifier, pretrain

CLASSICAL = ("library", "rf", "pca_linsvc")
DEEP = ("scratch", "pretrained")


def few_shot_splits(y, groups, shots, *, test_share: float, seed: int):
    """The test rows and, for each ``k`` of ``shots``, the training rows.

    Per class: sample ids shuffled, the last ``test_share`` of them (at least
    one of two or more) held out; the other spectra shuffled and the first
    ``k`` taken, so the training sets of one seed are nested.
    """
    rng = np.random.default_rng(seed)
    test, pools = [], []
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        ids = rng.permutation(np.unique(groups[rows]))
        n_test = 0 if len(ids) < 2 else max(1, round(test_share * len(ids)))
        held = np.isin(groups[rows], ids[len(ids) - n_test :])
        test.extend(rows[held])
        pools.append(rng.permutation(rows[~held]))
    train = {k: np.sort(np.concatenate([p[:k] for p in pools])) for k in shots}
    return np.sort(np.asarray(test)), train


def deep_model(name: str, seed: int, encoder: str, recipe: dict):
    """The recommended CNN, from scratch or from ``encoder``."""
    start = {"init_from": encoder} if name == "pretrained" else {}
    return CompactResNet1DClassifier(random_state=seed, **start, **recipe)


def learning_curve(X, y, groups, args, encoder, *, label: str) -> list[dict]:
    """Fit and score every model on every (repeat, shots); print as it goes."""
    recipe = json.loads(args.recipe) if args.recipe else {}
    rows = []
    for seed in args.seeds or range(args.repeats):
        test, train = few_shot_splits(
            y, groups, args.shots, test_share=args.test_share, seed=seed
        )
        for k in args.shots:
            tr = train[k]
            for name in args.models:
                model = (
                    deep_model(name, seed, encoder, recipe)
                    if name in DEEP
                    else make_models([name], random_state=seed)[name]
                )
                start = time.perf_counter()
                model.fit(X[tr], y[tr])
                fit_s = time.perf_counter() - start
                top1 = accuracy_score(y[test], model.predict(X[test]))
                row = {
                    "data": label,
                    "model": name,
                    "shots": k,
                    "repeat": seed,
                    "n_train": len(tr),
                    "n_test": len(test),
                    "top1": top1,
                    "fit_s": fit_s,
                }
                rows.append(row)
                print(
                    f"{label} repeat {seed} k={k:<3d} {name:<11s} top-1 {top1:.4f} "
                    f"(train {len(tr)}, test {len(test)}, fit {fit_s:.0f} s)",
                    flush=True,
                )
    return rows


def summary(rows: list[dict]) -> None:
    """Mean +- std over repeats, one line per shots, one column per model."""
    models = list(dict.fromkeys(r["model"] for r in rows))
    shots = sorted({r["shots"] for r in rows})
    print("\nshots | " + " | ".join(models))
    for k in shots:
        cells = []
        for m in models:
            v = [r["top1"] for r in rows if r["shots"] == k and r["model"] == m]
            cells.append(f"{np.mean(v):.3f} +- {np.std(v):.3f}" if v else "")
        print(f"{k} | " + " | ".join(cells))
    if {"scratch", "pretrained"} <= set(models):
        top1 = {(r["model"], r["shots"], r["repeat"]): r["top1"] for r in rows}
        print("\npre-trained minus scratch, per repeat (paired):")
        for k in shots:
            d = [
                v - top1[("scratch", k, rep)]
                for (m, kk, rep), v in top1.items()
                if m == "pretrained" and kk == k
            ]
            print(f"k={k}: {np.mean(d):+.4f} (per repeat {np.round(d, 4)})")


# -- data --------------------------------------------------------------------
def _on_grid(spectra, start, stop, step):
    grid = SpectrumResampler(start=start, stop=stop, step=step)
    return MinMaxPerSpectrum().fit_transform(grid.fit_transform(spectra))


def _made(encoder: str | None, default: str) -> str:
    return encoder or os.path.join("benchmarks", "_encoders", default)


def _pretrain(path, X, y, description):
    if os.path.isfile(path):
        print(f"encoder: {path} (kept from an earlier run)")
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    pretrain(X, y, path, description=description)
    print(
        f"encoder: pre-trained on {description} in "
        f"{time.perf_counter() - start:.0f} s -> {path}"
    )


def rruff(args):
    d1 = load_rruff_sang2021(args.rruff, subset=1)
    encoder = _made(args.encoder, "rruff_d2_not_d1.safetensors")
    if "pretrained" in args.models:
        d2 = load_rruff_sang2021(args.rruff, subset=2)
        keep = ~np.isin(d2.y, np.unique(d1.y))
        _pretrain(
            encoder,
            d2.X[keep],
            d2.y[keep],
            f"RRUFF Dataset_2 without Dataset_1: {keep.sum()} spectra of "
            f"{len(np.unique(d2.y[keep]))} minerals",
        )
    return learning_curve(d1.X, d1.y, d1.groups, args, encoder, label="rruff_d1")


def _mmpsd(data: Path, modality: str, start, stop, step):
    folder = data / "mmpsd" / {"ftir": "FTIR", "raman": "Raman"}[modality]
    with warnings.catch_warnings(record=True) as caught:
        # 30 PP FTIR files hold a stray third value on line 1, read as warned
        warnings.simplefilter("always", SpectrumFileWarning)
        read = read_spectra(folder)
    if caught:
        print(f"{folder}: {len(caught)} reader warnings, e.g. {caught[0].message}")
    return _on_grid(read.spectra, start, stop, step), read.y, read.groups


def _primpke(data: Path, start, stop, step, label_column):
    path = data / "primpke2018" / "primpke2018esm5.csv"
    read = read_spectra(path, label_column=label_column)
    substance = np.asarray([m["Substance"] for m in read.metadata])
    return _on_grid(read.spectra, start, stop, step), read.y.astype(str), substance


FTIR_GRID = (1250.0, 3600.0, 4.0)
RAMAN_GRID = (500.0, 1599.0, 1.0)


def mmpsd(args):
    data = Path(args.data)
    grid = FTIR_GRID if args.modality == "ftir" else RAMAN_GRID
    X, y, groups = _mmpsd(data, args.modality, *grid)
    encoder = _made(args.encoder, f"for_mmpsd_{args.modality}.safetensors")
    if "pretrained" in args.models:
        if args.modality == "ftir":
            Xp, yp, _ = _primpke(data, *grid, label_column="Substance")
            what = f"Primpke 2018 FTIR library: {len(yp)} spectra by substance"
        else:
            d2 = load_rruff_sang2021(data / "rruff_sang2021.npz", subset=2)
            d1 = np.unique(load_rruff_sang2021(data / "rruff_sang2021.npz").y)
            keep = ~np.isin(d2.y, d1)
            cols = (d2.wavenumbers >= grid[0]) & (d2.wavenumbers <= grid[1])
            Xp = MinMaxPerSpectrum().fit_transform(d2.X[keep][:, cols])
            yp = d2.y[keep]
            what = f"RRUFF Dataset_2 without Dataset_1, {grid[0]:g}-{grid[1]:g} cm-1"
        _pretrain(encoder, Xp, yp, what)
    return learning_curve(X, y, groups, args, encoder, label=f"mmpsd_{args.modality}")


def primpke(args):
    data = Path(args.data)
    X, y, groups = _primpke(data, *FTIR_GRID, label_column="Cluster Autoanalysis")
    encoder = _made(args.encoder, "for_primpke.safetensors")
    if "pretrained" in args.models:
        Xp, yp, _ = _mmpsd(data, "ftir", *FTIR_GRID)
        _pretrain(encoder, Xp, yp, f"MMPSD FTIR: {len(yp)} spectra of 4 polymers")
    return learning_curve(X, y, groups, args, encoder, label="primpke")


def plot(paths, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for p in paths for r in json.loads(Path(p).read_text())]
    sets = list(dict.fromkeys(r["data"] for r in rows))
    fig, axes = plt.subplots(1, len(sets), figsize=(4 * len(sets), 3.4), squeeze=False)
    for ax, name in zip(axes[0], sets):
        mine = [r for r in rows if r["data"] == name]
        for model in dict.fromkeys(r["model"] for r in mine):
            shots = sorted({r["shots"] for r in mine if r["model"] == model})
            v = [
                [r["top1"] for r in mine if r["model"] == model and r["shots"] == k]
                for k in shots
            ]
            ax.errorbar(
                shots, [np.mean(a) for a in v], [np.std(a) for a in v],
                marker="o", capsize=3, label=model,
            )  # fmt: skip
        ax.set(title=name, xlabel="training spectra per class", ylabel="top-1")
        ax.set_xscale("log", base=2)
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", choices=["rruff", "mmpsd", "primpke", "plot"])
    parser.add_argument("--rruff", default="../shared/data/rruff_sang2021.npz")
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--modality", choices=["ftir", "raman"], default="ftir")
    parser.add_argument("--shots", type=int, nargs="+", default=[2, 5, 10])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seeds", type=int, nargs="+", help="instead of --repeats")
    parser.add_argument("--test-share", type=float, default=0.3)
    parser.add_argument("--models", nargs="+", default=[*DEEP, *CLASSICAL])
    parser.add_argument("--encoder", help="pre-trained weights (made if missing)")
    parser.add_argument(
        "--recipe", help="JSON of training parameters of both CNNs, for studies"
    )
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--json", help="write every score here")
    parser.add_argument("--inputs", nargs="*", default=[], help="plot: JSON files")
    parser.add_argument("--out", default="small_data.png", help="plot: image")
    args = parser.parse_args()
    if args.dataset == "plot":
        return plot(args.inputs, args.out)
    if args.threads:
        torch.set_num_threads(args.threads)
    # few spectra per class are the point here, not a regression target
    warnings.filterwarnings("ignore", message="The number of unique classes")
    rows = {"rruff": rruff, "mmpsd": mmpsd, "primpke": primpke}[args.dataset](args)
    summary(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
