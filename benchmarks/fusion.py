"""Multimodal fusion: one modality against fused models, on synthetic and real data.

Usage:
  python benchmarks/fusion.py synthetic [--samples 200] [--folds 5] [--device auto]
      [--parts cnn classical]
  python benchmarks/fusion.py mmpsd [--shared ../shared/data] [--folds 5]

``synthetic``: ``make_multimodal`` (7 aging types, ``--samples`` particles
each; 1,400 by default), stratified ``--folds``-fold CV: the spectrum alone,
the image alone, each fusion level, and PCA + LinearSVC on the concatenated,
standardised blocks; top-1 mean ± std over folds, the margins between the
attention fusion, the image alone and the spectrum alone, fit seconds.

``mmpsd``: the MMPSD samples measured by FTIR (400-4000 cm-1 every 2 cm-1),
Raman (500-3200 cm-1 every 2 cm-1) and LIBS (180-961 nm, bins of 8 points:
2,928), each spectrum min-max scaled, aligned by sample (file stem);
StratifiedGroupKFold by sample: every modality alone, every pair and all
three, for each fusion level and for PCA + LinearSVC on the concatenated
blocks.

Every network trains with MultimodalClassifier's defaults (the recommended
CPU recipe: AdamW, one-cycle, 40 epochs) on ``--device`` (``auto``: a GPU
when there is one; the header line names the device used).
"""

from __future__ import annotations

import argparse
import itertools
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.base import clone
from sklearn.decomposition import PCA
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from sklearn_raman import (
    MinMaxPerSpectrum,
    MultimodalClassifier,
    SpectrumResampler,
    make_multimodal,
    read_spectra,
    stack_modalities,
)


def cv_scores(estimator, X, y, splits, predicted=None) -> tuple[np.ndarray, float]:
    """Top-1 per fold and mean fit seconds; out-of-fold labels into ``predicted``."""
    scores, seconds = [], []
    for train, test in splits:
        est = clone(estimator)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X[train], y[train])
        seconds.append(time.perf_counter() - start)
        labels = est.predict(X[test])
        if predicted is not None:
            predicted[test] = labels
        scores.append(np.mean(labels == y[test]))
    return np.asarray(scores), float(np.mean(seconds))


def classical():
    return make_pipeline(StandardScaler(), PCA(0.99), LinearSVC(C=0.1, max_iter=5000))


def cells(scores, seconds) -> str:
    """Table cells: top-1 mean ± std over folds, fit seconds."""
    return f"{scores.mean():.3f} ± {scores.std():.3f} | {seconds:.0f} |"


def synthetic(args) -> None:
    data = make_multimodal(n_samples_per_class=args.samples, random_state=0)
    y = data.y
    n = data.spectra.shape[1]
    spectra = MinMaxPerSpectrum().fit_transform(data.spectra)
    images = data.images.reshape(len(y), -1)
    X = np.hstack([spectra, images])
    splits = list(StratifiedKFold(args.folds, shuffle=True, random_state=0).split(X, y))
    side = data.images.shape[1:]
    runs = {
        "spectrum only (CNN)": (spectra, [("ftir", n)], "concat"),
        "image only (CNN)": (images, [("sem", side)], "concat"),
        "concat": (X, data.modalities, "concat"),
        "late": (X, data.modalities, "late"),
        "attention": (X, data.modalities, "attention"),
    }
    print(f"make_multimodal: {len(y)} particles, 7 aging types, {args.folds}-fold CV")
    print("| model | top-1 | fit s | per fold |\n|---|---|---|---|")
    results, labels = {}, {}
    for name, (Xi, modalities, fusion) in runs.items() if "cnn" in args.parts else ():
        clf = MultimodalClassifier(
            modalities=modalities, fusion=fusion, device=args.device, random_state=0
        )
        labels[name] = np.empty_like(y)
        results[name] = cv_scores(clf, Xi, y, splits, labels[name])
        folds = " ".join(f"{s:.3f}" for s in results[name][0])
        print(f"| {name} | {cells(*results[name])} {folds} |", flush=True)
    classical_runs = (("spectrum", spectra), ("image", images), ("both", X))
    for name, Xi in classical_runs if "classical" in args.parts else ():
        scores = cv_scores(classical(), Xi, y, splits)
        print(f"| PCA + LinearSVC, {name} | {cells(*scores)} |", flush=True)
    if "cnn" not in args.parts:
        return
    fused, image, spectrum = (
        results[k][0] for k in ("attention", "image only (CNN)", "spectrum only (CNN)")
    )
    print(
        f"attention - image: {fused.mean() - image.mean():.3f} "
        f"(fold std {fused.std():.3f} / {image.std():.3f}); image - spectrum: "
        f"{image.mean() - spectrum.mean():.3f} (fold std {spectrum.std():.3f})"
    )
    differ = labels["attention"] != labels["concat"]
    both_wrong = (labels["attention"] != y) & (labels["concat"] != y)
    print(
        f"attention and concat disagree on {differ.sum()} of {len(y)} particles; "
        f"both wrong on {both_wrong.sum()}"
    )


def load_mmpsd(shared: Path) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Min-max scaled FTIR, Raman and LIBS blocks of the samples in all three."""
    blocks, labels = {}, {}
    grids = {"FTIR": (400, 4000), "Raman": (500, 3200)}
    for name, (start, stop) in grids.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # FTIR files with a stray third value
            data = read_spectra(shared / "mmpsd" / name)
        X = SpectrumResampler(start=start, stop=stop, step=2).fit_transform(
            data.spectra
        )
        stems = [Path(f).stem for f in data.filenames]
        blocks[name] = dict(zip(stems, MinMaxPerSpectrum().fit_transform(X)))
        labels.update(zip(stems, data.y))
    libs = np.load(shared / "mmpsd" / "libs.npz")
    width = libs["X"].shape[1] // 8 * 8
    binned = libs["X"][:, :width].reshape(len(libs["X"]), -1, 8).mean(axis=2)
    blocks["LIBS"] = dict(
        zip(libs["sample"], MinMaxPerSpectrum().fit_transform(binned))
    )
    samples = sorted(set.intersection(*(set(b) for b in blocks.values())))
    arrays = {k: np.stack([b[s] for s in samples]) for k, b in blocks.items()}
    return arrays, np.array([labels[s] for s in samples]), np.array(samples)


def mmpsd(args) -> None:
    arrays, y, samples = load_mmpsd(args.shared)
    splits = list(
        StratifiedGroupKFold(args.folds, shuffle=True, random_state=0).split(
            y, y, samples
        )
    )
    sizes = ", ".join(f"{k} {v.shape[1]}" for k, v in arrays.items())
    print(f"MMPSD: {len(y)} samples in all three modalities ({sizes} points)")
    print("| modalities | model | top-1 | fit s |\n|---|---|---|---|")
    names = list(arrays)
    for k in (1, 2, 3):
        for subset in itertools.combinations(names, k):
            X, modalities = stack_modalities({m: arrays[m] for m in subset})
            label = " + ".join(subset)
            fusions = ["concat"] if k == 1 else ["early", "concat", "late", "attention"]
            for fusion in fusions:
                clf = MultimodalClassifier(
                    modalities=modalities,
                    fusion=fusion,
                    device=args.device,
                    random_state=0,
                )
                scores, seconds = cv_scores(clf, X, y, splits)
                model = "CNN" if k == 1 else f"fusion={fusion}"
                print(f"| {label} | {model} | {cells(scores, seconds)}", flush=True)
            scores, seconds = cv_scores(classical(), X, y, splits)
            print(f"| {label} | PCA + LinearSVC | {cells(scores, seconds)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["synthetic", "mmpsd"])
    parser.add_argument("--shared", type=Path, default=Path("../shared/data"))
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="auto")
    parser.add_argument(
        "--parts", nargs="+", default=["cnn", "classical"], choices=["cnn", "classical"]
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.device == "auto":
        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    name = torch.cuda.get_device_name(args.device) if args.device != "cpu" else "CPU"
    print(f"{name}, torch {torch.__version__}, {args.threads} CPU threads")
    {"synthetic": synthetic, "mmpsd": mmpsd}[args.command](args)


if __name__ == "__main__":
    main()
