"""1D against 2D CNNs: the MICRO 2024 study's comparison, and which encoding wins.

Usage:
  python benchmarks/images.py compare [--data mmpsd primpke rruff1]
      [--archs lenet alexnet vgg16 resnet34] [--encoding gasf] [--image-size 64]
      [--width 0.25] [--max-time 300] [--repeats 2] [--shared ../shared/data]
  python benchmarks/images.py encodings [--data mmpsd] [--arch resnet34]
      [--encodings gasf gadf mtf recurrence cwt reshape] [--sizes 32 64 128]
  python benchmarks/images.py memory [--image-size 128] [--archs ...]
  python benchmarks/images.py baselines [--data ...] [--models library pca_linsvc ...]

The study's protocol: each training part is balanced by ``ShiftNoiseAugmenter``
(shifted / noisy copies up to the largest class, training part only), spectra
are min-max scaled, and every net trains with the same CPU recipe (Adam, lr
1e-3, up to 40 epochs, early stopping after 10 on a 20 % validation split, at
most ``--max-time`` seconds). The 2D nets get the spectra and encode them
inside the network; 1D and 2D twins share ``--width`` (channel multiplier).

Data (from ``--shared``, the repository's ../shared/data):
  mmpsd    MMPSD FTIR, 122 plastic samples, 4 polymers, one spectrum a sample:
           repeated stratified 5-fold CV, on 400-4000 cm-1 every 2 cm-1;
  primpke  Primpke 2018 FTIR library, 270 spectra in 32 material clusters: the
           clusters with 3 spectra or more, repeated stratified 3-fold CV;
  rruff1   RRUFF Dataset_1 (Sang 2021; 5,292 spectra, 192 minerals): an 80 / 20
           stratified split and the package's sample-grouped split.

``compare`` prints top-1 and weighted F1 (mean ± std over folds), fit seconds
and inference spectra/s (predict_proba on 512 spectra) per net; ``encodings``
the same for one 2D architecture over encodings and image sizes; ``memory``
the peak resident memory of one 2D fit on RRUFF Dataset_1 (a fresh process
per net; one epoch or ``--max-time`` seconds, whichever ends first: the peak
is reached in the first batches); ``baselines`` the classical models of
``classical_baselines`` (and library search) on the same folds, after the
same min-max scaling, without the augmenter (seed 0; spectra/s of
``predict_proba``, or of ``decision_function`` where a model has none).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from imblearn.pipeline import make_pipeline
from sklearn.base import clone
from sklearn.metrics import f1_score
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedShuffleSplit
from threadpoolctl import threadpool_limits

from sklearn_raman import (
    MinMaxPerSpectrum,
    ShiftNoiseAugmenter,
    SpectrumResampler,
    load_rruff_sang2021,
    read_spectra,
    read_table,
)
from sklearn_raman.benchmark import CPU_RECIPE, make_models, protocol_splits
from sklearn_raman.neural import (
    AlexNet1DClassifier,
    AlexNet2DClassifier,
    LeNet1DClassifier,
    LeNet2DClassifier,
    ResNet1DClassifier,
    ResNet2DClassifier,
    VGG1DClassifier,
    VGG2DClassifier,
)
from sklearn_raman.nn.image import VGG16_BLOCKS

#: the study's four architectures: (1D class, its extra parameters, 2D class)
TWINS = {
    "lenet": (LeNet1DClassifier, {}, LeNet2DClassifier),
    "alexnet": (AlexNet1DClassifier, {}, AlexNet2DClassifier),
    "vgg16": (VGG1DClassifier, {"blocks": VGG16_BLOCKS}, VGG2DClassifier),
    "resnet34": (ResNet1DClassifier, {}, ResNet2DClassifier),
}


def load(name: str, shared: Path, repeats: int):
    """(X, y, [(protocol, train, test), ...]) of a data set."""
    if name == "mmpsd":
        data = read_spectra(shared / "mmpsd" / "FTIR")
        X = SpectrumResampler(start=400, stop=4000, step=2).fit_transform(data.spectra)
        y = np.asarray(data.y)
        folds = RepeatedStratifiedKFold(n_splits=5, n_repeats=repeats, random_state=0)
        return X, y, [("5-fold", tr, te) for tr, te in folds.split(X, y)]
    if name == "primpke":
        path = shared / "primpke2018" / "primpke2018esm5.csv"
        X = read_table(path).X
        y = np.asarray(read_spectra(path, label_column="Cluster Autoanalysis").y)
        labels, counts = np.unique(y, return_counts=True)
        keep = np.isin(y, labels[counts >= 3])
        X, y = X[keep], y[keep]
        folds = RepeatedStratifiedKFold(n_splits=3, n_repeats=repeats, random_state=0)
        return X, y, [("3-fold", tr, te) for tr, te in folds.split(X, y)]
    if name == "rruff1":
        data = load_rruff_sang2021(shared / "rruff_sang2021.npz", subset=1)
        split = StratifiedShuffleSplit(1, test_size=0.2, random_state=0)
        tr, te = next(split.split(data.X, data.y))
        grouped = protocol_splits(
            "grouped", data.X, data.y, data.groups, n_repeats=1, random_state=0
        )
        return (
            data.X,
            data.y,
            [("80/20", tr, te), *(("grouped", a, b) for a, b in grouped)],
        )
    raise ValueError(f"unknown data set {name!r}")


def model(cls, params: dict, max_time: float, seed: int):
    """The study's pipeline: balance (training only), min-max, the net."""
    net = cls(**CPU_RECIPE, **params, max_time=max_time, random_state=seed)
    return make_pipeline(
        ShiftNoiseAugmenter(random_state=seed), MinMaxPerSpectrum(), net
    )


def evaluate(estimator, X, y, splits, *, reseed: bool = True) -> dict:
    """Scores over the splits: top-1, weighted F1, fit s, inference spectra/s.

    ``reseed``: the net's seed is the fold's number.
    """
    acc, f1, fit_s, speed = [], [], [], []
    for k, (_, train, test) in enumerate(splits):
        est = clone(estimator)
        if reseed:
            est[-1].set_params(random_state=k)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X[train], y[train])
        fit_s.append(time.perf_counter() - start)
        pred = est.predict(X[test])
        acc.append(np.mean(pred == y[test]))
        f1.append(f1_score(y[test], pred, average="weighted"))
        batch = X[np.resize(test, 512)]
        # a Pipeline has predict_proba exactly where its last step has it
        proba = hasattr(est, "predict_proba")
        scores = est.predict_proba if proba else est.decision_function
        start = time.perf_counter()
        scores(batch)
        speed.append(len(batch) / (time.perf_counter() - start))
    return {
        "acc": (np.mean(acc), np.std(acc)),
        "f1": (np.mean(f1), np.std(f1)),
        "fit_s": float(np.mean(fit_s)),
        "speed": float(np.median(speed)),
    }


def fmt(pair) -> str:
    mean, std = pair
    return f"{mean:.3f} ± {std:.3f}"


def compare(args) -> None:
    print(
        "| data | protocol | architecture | 1D top-1 | 2D top-1 | 1D weighted F1 | "
        "2D weighted F1 | fit s 1D / 2D | spectra/s 1D / 2D |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name in args.data:
        X, y, splits = load(name, args.shared, args.repeats)
        for protocol in dict.fromkeys(p for p, _, _ in splits):
            part = [s for s in splits if s[0] == protocol]
            for arch in args.archs:
                cls_1d, extra, cls_2d = TWINS[arch]
                width = {} if arch == "lenet" else {"width": args.width}
                one = evaluate(
                    model(cls_1d, {**extra, **width}, args.max_time, 0), X, y, part
                )
                two = evaluate(
                    model(
                        cls_2d,
                        {
                            **width,
                            "encoding": args.encoding,
                            "image_size": args.image_size,
                        },
                        args.max_time,
                        0,
                    ),
                    X,
                    y,
                    part,
                )
                print(
                    f"| {name} | {protocol} ({len(part)}) | {arch} | "
                    f"{fmt(one['acc'])} | {fmt(two['acc'])} | {fmt(one['f1'])} | "
                    f"{fmt(two['f1'])} | {one['fit_s']:.0f} / {two['fit_s']:.0f} | "
                    f"{one['speed']:.0f} / {two['speed']:.0f} |",
                    flush=True,
                )


def encodings(args) -> None:
    print(
        "| data | architecture | encoding | image size | top-1 | weighted F1 | "
        "fit s | spectra/s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    cls = TWINS[args.arch][2]
    width = {} if args.arch == "lenet" else {"width": args.width}
    for name in args.data:
        X, y, splits = load(name, args.shared, args.repeats)
        for size in args.sizes:
            for encoding in args.encodings:
                params = {**width, "encoding": encoding, "image_size": size}
                r = evaluate(model(cls, params, args.max_time, 0), X, y, splits)
                print(
                    f"| {name} | {args.arch} | {encoding} | {size} | {fmt(r['acc'])} "
                    f"| {fmt(r['f1'])} | {r['fit_s']:.0f} | {r['speed']:.0f} |",
                    flush=True,
                )


def memory(args) -> None:
    if args.child:
        data = load_rruff_sang2021(args.shared / "rruff_sang2021.npz", subset=1)
        cls = TWINS[args.child][2]
        width = {} if args.child == "lenet" else {"width": args.width}
        net = cls(
            **{**CPU_RECIPE, "max_epochs": 1, "max_time": args.max_time},
            **width,
            encoding=args.encoding,
            image_size=args.image_size,
            random_state=0,
        )
        start = time.perf_counter()
        make_pipeline(MinMaxPerSpectrum(), net).fit(data.X, data.y)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
        print(f"{peak:.2f} {time.perf_counter() - start:.0f}")
        return
    print("| architecture | width | image size | encoding | peak memory GB | fit s |")
    print("|---|---|---|---|---|---|")
    for arch in args.archs:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "memory",
                "--child",
                arch,
                "--shared",
                str(args.shared),
                "--image-size",
                str(args.image_size),
                "--encoding",
                args.encoding,
                "--width",
                str(args.width),
                "--threads",
                str(args.threads),
                "--max-time",
                str(args.max_time),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        print(
            f"| {arch} | {args.width} | {args.image_size} | {args.encoding} | "
            f"{out[-2]} | {out[-1]} |",
            flush=True,
        )


def baselines(args) -> None:
    """The classical models on the folds of ``compare``, after min-max."""
    print("| data | protocol | model | top-1 | weighted F1 | fit s | spectra/s |")
    print("|---|---|---|---|---|---|---|")
    for name in args.data:
        X, y, splits = load(name, args.shared, args.repeats)
        for protocol in dict.fromkeys(p for p, _, _ in splits):
            part = [s for s in splits if s[0] == protocol]
            for label, clf in make_models(args.models, random_state=0).items():
                pipe = make_pipeline(MinMaxPerSpectrum(), clf)
                # --threads for BLAS and OpenMP too (numba's kernels, PLS)
                with threadpool_limits(args.threads):
                    r = evaluate(pipe, X, y, part, reseed=False)
                print(
                    f"| {name} | {protocol} ({len(part)}) | {label} | "
                    f"{fmt(r['acc'])} | {fmt(r['f1'])} | {r['fit_s']:.0f} | "
                    f"{r['speed']:.0f} |",
                    flush=True,
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "command", choices=["compare", "encodings", "memory", "baselines"]
    )
    parser.add_argument("--data", nargs="+", default=["mmpsd", "primpke", "rruff1"])
    parser.add_argument("--shared", type=Path, default=Path("../shared/data"))
    parser.add_argument("--archs", nargs="+", default=list(TWINS), choices=TWINS)
    parser.add_argument("--arch", default="resnet34", choices=TWINS)
    parser.add_argument("--encoding", default="gasf")
    parser.add_argument("--image-size", type=int, default=64)
    parser.add_argument(
        "--encodings",
        nargs="+",
        default=["gasf", "gadf", "mtf", "recurrence", "cwt", "reshape"],
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[32, 64, 128])
    parser.add_argument("--width", type=float, default=0.25)
    parser.add_argument("--max-time", type=float, default=300)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--models",
        nargs="+",
        default=["library", "pca_linsvc", "rf", "minirocket", "plsda", "logreg", "hgb"],
        help="baselines: names of classical_baselines, library",
    )
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    commands = {"compare": compare, "encodings": encodings, "memory": memory}
    commands["baselines"] = baselines
    commands[args.command](args)


if __name__ == "__main__":
    main()
