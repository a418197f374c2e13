"""Command line: ``python -m sklearn_raman benchmark | train | identify | pretrain``."""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.pipeline import make_pipeline

from . import _workflow
from .benchmark import (
    CPU_RECIPE,
    PAPER_RECIPE,
    make_models,
    model_names,
    run_benchmark,
    summarize,
)
from .datasets import load_rruff_sang2021, make_spectra, read_spectra
from .open_set import SCORES
from .preprocessing import BASELINE_METHODS, MinMaxPerSpectrum, SpectrumResampler

DEFAULT_MODELS = [
    "knn1",
    "knn5",
    "tree",
    "rf",
    "pca_linsvc",
    "pca_svc",
    "library",
    "recommended",
]


def _load(args):
    """X, y, groups and a description of the data the arguments name."""
    if args.rruff:
        data = load_rruff_sang2021(args.rruff, subset=args.subset)
        return (
            data.X,
            data.y,
            data.groups,
            f"RRUFF Dataset_{args.subset} ({args.rruff})",
        )
    if args.data:
        data = read_spectra(args.data, label_from=args.label_from)
        prep = make_pipeline(
            *_workflow.native_steps(args.baseline),
            SpectrumResampler(start=args.start, stop=args.stop, step=args.step),
            MinMaxPerSpectrum(),
        )
        return (
            prep.fit_transform(data.spectra),
            data.y,
            data.groups,
            f"folder {args.data}",
        )
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sklearn_raman")
    sub = parser.add_subparsers(dest="command", required=True)
    bench = sub.add_parser(
        "benchmark",
        help="compare deep and classical classifiers (synthetic, RRUFF or a folder)",
    )
    data = bench.add_argument_group("data (synthetic by default)")
    source = data.add_mutually_exclusive_group()
    source.add_argument("--rruff", metavar="NPZ", help="path of rruff_sang2021.npz")
    source.add_argument(
        "--data",
        metavar="PATH",
        help="folder of spectrum files (one subfolder per class), or a table of "
        "spectra (one per column or per row, labelled in the table)",
    )
    data.add_argument(
        "--subset",
        type=int,
        default=1,
        choices=(1, 2),
        help="RRUFF Dataset_1 or Dataset_2",
    )
    data.add_argument(
        "--label-from",
        default="auto",
        choices=("auto", "folder", "rruff_name"),
        help="labels: the folder of each file, the mineral of a RRUFF file name, "
        "or (auto) a table's own labels and the folder otherwise",
    )
    data.add_argument("--start", type=float, default=None, help="grid start, cm-1")
    data.add_argument("--stop", type=float, default=None, help="grid stop, cm-1")
    data.add_argument("--step", type=float, default=None, help="grid step, cm-1")
    _baseline_argument(data)
    # the synthetic default: similar classes measured on several instruments,
    # hard enough that no model saturates (see docs/benchmarks.md)
    data.add_argument("--n-classes", type=int, default=30)
    data.add_argument("--n-samples-per-class", type=int, default=24)
    data.add_argument("--n-points", type=int, default=800)
    data.add_argument(
        "--n-families", type=int, default=10, help="families of similar classes"
    )
    data.add_argument(
        "--family-spread", type=float, default=4.0, help="band spread in a family"
    )
    data.add_argument("--n-instruments", type=int, default=6)
    data.add_argument(
        "--instrument-shift",
        type=float,
        default=10.0,
        help="largest calibration offset of an instrument, cm-1",
    )
    data.add_argument("--snr-db", type=float, default=15.0, help="synthetic noise")

    models = bench.add_argument_group("models")
    models.add_argument(
        "--models",
        nargs="+",
        default=DEFAULT_MODELS,
        choices=model_names(),
        metavar="MODEL",
        help=f"from: {' '.join(model_names())}",
    )
    models.add_argument(
        "--paper-recipe",
        action="store_true",
        help="train the literature's CNNs as the papers did (lr 1e-4, up to 200 "
        "epochs, patience 30) instead of the CPU recipe (lr 1e-3, "
        "40 epochs, patience 10); 'recommended' always trains with its own",
    )
    models.add_argument("--max-epochs", type=_epochs, default=None, help=_EPOCHS_HELP)
    models.add_argument("--lr", type=float, default=None)
    models.add_argument(
        "--time-budget",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop each CNN fit after this many seconds",
    )
    models.add_argument("--device", default="auto")
    _threads_argument(models)

    protocol = bench.add_argument_group("protocol")
    protocol.add_argument(
        "--protocol",
        nargs="+",
        default=None,
        choices=("random", "grouped"),
        help="random: the papers' stratified 70/30 split; grouped: split by sample "
        "id (new samples at test time; for the synthetic data, new instruments). "
        "Default: grouped for the synthetic data, random otherwise",
    )
    protocol.add_argument(
        "--unstratified-groups",
        action="store_true",
        help="grouped protocol: plain group k-fold, ignoring the classes "
        "(more test spectra of unseen classes)",
    )
    protocol.add_argument("--repeats", type=int, default=3)
    protocol.add_argument("--seed", type=int, default=0)
    protocol.add_argument(
        "--n-jobs", type=int, default=None, help="runs in parallel (joblib)"
    )
    bench.add_argument(
        "--out", metavar="DIR", help="write results.json, results.md and plots here"
    )
    _train_parser(sub)
    _identify_parser(sub)
    _pretrain_parser(sub)
    return parser


def _pretrain_parser(sub) -> None:
    pre = sub.add_parser(
        "pretrain",
        help="pre-train a network on a large library, to start small fits from",
        description="Fit a deep network on a reference library (RRUFF or a "
        "folder of spectra) and save its weights and grid; `train --init-from` "
        "or a classifier's init_from= then starts from them.",
    )
    source = pre.add_mutually_exclusive_group(required=True)
    source.add_argument("--rruff", metavar="NPZ", help="path of rruff_sang2021.npz")
    source.add_argument(
        "--data", metavar="FOLDER", help="reference folder, one subfolder per class"
    )
    pre.add_argument("--subset", type=int, default=2, choices=(1, 2))
    pre.add_argument(
        "--exclude-dataset-1",
        action="store_true",
        help="leave out the minerals of RRUFF Dataset_1 (to test on them later)",
    )
    pre.add_argument(
        "--label-from", default="auto", choices=("auto", "folder", "rruff_name")
    )
    pre.add_argument("--model", default="recommended", choices=model_names())
    _grid_and_training_arguments(pre)
    pre.add_argument("--out", metavar="ENCODER.safetensors", required=True)


def _baseline_argument(parser) -> None:
    parser.add_argument(
        "--baseline",
        default="none",
        choices=("none", *BASELINE_METHODS),
        help="raw spectra of a --data folder: remove cosmic-ray spikes, then "
        "subtract a pybaselines baseline of this method, each spectrum on its "
        "own axis before resampling (default: none, for spectra already "
        "corrected)",
    )


def _threads_argument(parser) -> None:
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        metavar="N",
        help="CPU threads of each deep fit (default: torch's, all cores); "
        "with several runs side by side, give each its share of the cores",
    )


def _grid_and_training_arguments(parser) -> None:
    """The grid and training options that ``pretrain`` and ``train`` share."""
    parser.add_argument("--start", type=float, default=None, help="grid start")
    parser.add_argument("--stop", type=float, default=None, help="grid stop")
    parser.add_argument("--step", type=float, default=None, help="grid step")
    _baseline_argument(parser)
    _threads_argument(parser)
    parser.add_argument("--max-epochs", type=_epochs, default=None, help=_EPOCHS_HELP)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--time-budget", type=float, default=None, metavar="SECONDS")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--seed", type=int, default=0)


def _train_parser(sub) -> None:
    train = sub.add_parser(
        "train",
        help="build an identification model from a reference folder",
        description="Read a reference folder (one subfolder per material), "
        "resample onto a grid chosen from the data, normalise, train the model "
        "and calibrate its unknown threshold; write a skops model file.",
    )
    train.add_argument("--data", metavar="FOLDER", required=True)
    train.add_argument(
        "--label-from",
        default="auto",
        choices=("auto", "folder", "rruff_name"),
        help="the folder of each file, the mineral of a RRUFF name, or a table's",
    )
    train.add_argument("--model", default="recommended", choices=model_names())
    train.add_argument(
        "--unknown-recall",
        type=float,
        default=0.95,
        help="share of spectra of known materials to accept (default 0.95)",
    )
    train.add_argument(
        "--novelty-score",
        default=None,
        choices=sorted(SCORES),
        help="known-ness score of the unknown verdict (default: embedding_distance "
        "for CNNs, similarity for library search, max_proba for other models "
        "with probabilities, else margin)",
    )
    train.add_argument("--cv", type=int, default=5, help="cross-fitting folds")
    _grid_and_training_arguments(train)
    train.add_argument(
        "--init-from",
        metavar="ENCODER.safetensors",
        default=None,
        help="start the network from weights written by pretrain (its grid is "
        "used unless --start/--stop/--step are given)",
    )
    train.add_argument("--out", metavar="MODEL.skops", required=True)


def _identify_parser(sub) -> None:
    identify = sub.add_parser(
        "identify",
        help="identify spectrum files with a model written by train",
        description="Print per spectrum the best matches, the conformal "
        "prediction set and the unknown verdict.",
    )
    identify.add_argument("model", metavar="MODEL.skops")
    identify.add_argument("files", nargs="+", metavar="FILE_OR_FOLDER")
    identify.add_argument("--top", type=int, default=5, help="matches shown")
    identify.add_argument(
        "--alpha",
        type=float,
        default=0.05,
        help="prediction sets hold the true class with probability 1 - alpha",
    )
    identify.add_argument("--out", metavar="RESULTS.csv")
    identify.add_argument(
        "--plots", metavar="DIR", help="a figure per spectrum: query over match"
    )


_EPOCHS_HELP = "epochs of the deep models, or 'auto' (enough for 2,000 steps)"


def _epochs(value: str) -> int | str:
    """``--max-epochs``: a positive count or ``auto``."""
    if value == "auto":
        return value
    try:
        epochs = int(value)
    except ValueError:
        epochs = 0
    if epochs < 1:
        raise argparse.ArgumentTypeError(
            f"--max-epochs takes a positive whole number or 'auto'; got {value!r}"
        )
    return epochs


def _overrides(args) -> dict:
    """Training settings given on the command line, for every deep model."""
    given = {
        "max_epochs": args.max_epochs,
        "lr": args.lr,
        "max_time": args.time_budget,
        "n_threads": args.threads,
    }
    return {k: v for k, v in given.items() if v is not None}


def _progress(record, done, total):
    print(
        f"  [{done:>3}/{total}] {record['protocol']:<7} repeat {record['repeat']} "
        f"{record['model']:<11} top-1 {record['top1']:.4f}  F1 "
        f"{record['f1_weighted']:.4f}  fit {record['fit_s']:.1f} s",
        flush=True,
    )


def _write(out: Path, records, table: str, header: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(
        json.dumps(
            [
                {k: v for k, v in r.items() if k not in ("y_true", "y_pred")}
                for r in records
            ],
            indent=1,
        )
    )
    (out / "results.md").write_text(f"{header}\n\n{table}\n")
    written = ["results.json", "results.md"]
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from .plotting import plot_benchmark, plot_confusion_matrix
    except ImportError:
        print(
            "matplotlib is not installed: no plots (pip install 'sklearn_raman[plot]')"
        )
    else:
        ax = plot_benchmark(records, "top1")
        ax.figure.savefig(out / "top1.png", dpi=120)
        plt.close(ax.figure)
        means = {}
        for r in records:
            means.setdefault(r["model"], []).append(r["top1"])
        best = max(means, key=lambda m: np.mean(means[m]))
        run = next(r for r in records if r["model"] == best and "y_true" in r)
        ax = plot_confusion_matrix(run["y_true"], run["y_pred"])
        ax.set_title(f"{best}, {run['protocol']} split, repeat {run['repeat']}")
        ax.figure.savefig(out / "confusion_best.png", dpi=120)
        plt.close(ax.figure)
        written += ["top1.png", "confusion_best.png"]
    print(f"wrote {', '.join(str(out / w) for w in written)}")


def main(argv: list[str] | None = None) -> int:
    """Run the command line interface.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments (``None``: ``sys.argv[1:]``).

    Returns
    -------
    status : int
        Exit status.
    """
    args = _parser().parse_args(argv)
    if args.command == "train":
        return _workflow.train(args, make_models, _overrides(args))
    if args.command == "identify":
        return _workflow.identify(args)
    if args.command == "pretrain":
        return _workflow.pretrain(args, make_models, _overrides(args))
    X, y, groups, description = _load(args)
    n_classes = len(set(np.asarray(y).tolist()))
    print(
        f"data: {description}: {X.shape[0]} spectra, {X.shape[1]} points, "
        f"{n_classes} classes"
    )
    models = make_models(
        args.models,
        recipe=PAPER_RECIPE if args.paper_recipe else CPU_RECIPE,
        overrides=_overrides(args),
        device=args.device,
        random_state=args.seed,
    )
    started = time.perf_counter()
    records = []
    protocols = args.protocol
    if protocols is None:
        protocols = ["random"] if args.rruff or args.data else ["grouped"]
    for protocol in protocols:
        records += run_benchmark(
            models,
            X,
            y,
            groups=groups,
            protocol=protocol,
            n_repeats=args.repeats,
            random_state=args.seed,
            n_jobs=args.n_jobs,
            progress=_progress,
            keep_predictions=bool(args.out),
            stratified_groups=not args.unstratified_groups,
        )
    elapsed = time.perf_counter() - started
    table = summarize(records)
    print(table)
    print(f"{len(records)} runs in {elapsed:.0f} s")
    if args.out:
        header = (
            f"Data: {description}: {X.shape[0]} spectra, {X.shape[1]} points, "
            f"{n_classes} classes.\n\nCommand: `python -m sklearn_raman "
            f"{' '.join(argv if argv is not None else sys.argv[1:])}`; "
            f"{platform.processor() or platform.machine()}, {elapsed:.0f} s."
        )
        _write(Path(args.out), records, table, header)
    return 0


if __name__ == "__main__":
    sys.exit(main())
