"""Command line: ``python -m sklearn_raman benchmark [options]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sklearn.pipeline import make_pipeline

from .benchmark import (
    CPU_RECIPE,
    PAPER_RECIPE,
    make_models,
    model_names,
    run_benchmark,
    summarize,
)
from .datasets import load_rruff_sang2021, make_spectra, read_spectra
from .preprocessing import MinMaxPerSpectrum, SpectrumResampler


def _load(args):
    if args.rruff:
        data = load_rruff_sang2021(args.rruff, subset=args.subset)
        return data.X, data.y, f"RRUFF Dataset_{args.subset} ({args.rruff})"
    if args.data:
        data = read_spectra(args.data, label_from=args.label_from)
        prep = make_pipeline(
            SpectrumResampler(start=args.start, stop=args.stop, step=args.step),
            MinMaxPerSpectrum(),
        )
        return prep.fit_transform(data.spectra), data.y, f"folder {args.data}"
    X, y = make_spectra(
        n_classes=args.n_classes,
        n_samples_per_class=args.n_samples_per_class,
        n_points=args.n_points,
        snr_db=args.snr_db,
        random_state=args.seed,
    )
    X = MinMaxPerSpectrum().fit_transform(X)
    desc = (
        f"synthetic make_spectra(n_classes={args.n_classes}, "
        f"n_samples_per_class={args.n_samples_per_class}, n_points={args.n_points}, "
        f"snr_db={args.snr_db}, random_state={args.seed})"
    )
    return X, y, desc


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
    parser = argparse.ArgumentParser(prog="python -m sklearn_raman")
    sub = parser.add_subparsers(dest="command", required=True)
    bench = sub.add_parser(
        "benchmark", help="compare classifiers on synthetic data, RRUFF or a folder"
    )
    source = bench.add_mutually_exclusive_group()
    source.add_argument("--rruff", help="path of rruff_sang2021.npz")
    source.add_argument("--data", help="folder of spectrum files")
    bench.add_argument("--subset", type=int, default=1, choices=(1, 2))
    bench.add_argument(
        "--label-from", default="folder", choices=("folder", "rruff_name")
    )
    bench.add_argument("--start", type=float, default=None, help="grid start, cm-1")
    bench.add_argument("--stop", type=float, default=None, help="grid stop, cm-1")
    bench.add_argument("--step", type=float, default=None, help="grid step, cm-1")
    bench.add_argument("--n-classes", type=int, default=20)
    bench.add_argument("--n-samples-per-class", type=int, default=20)
    bench.add_argument("--n-points", type=int, default=800)
    bench.add_argument("--snr-db", type=float, default=15.0, help="synthetic noise")
    default_models = [
        "knn1",
        "knn5",
        "tree",
        "rf",
        "pca_linsvc",
        "pca_svc",
        "seresnet1d",
    ]
    bench.add_argument(
        "--models",
        nargs="+",
        default=default_models,
        choices=model_names(),
        metavar="MODEL",
        help=f"models to compare, from: {' '.join(model_names())}",
    )
    bench.add_argument(
        "--paper-recipe",
        action="store_true",
        help="train the CNNs as the papers did (lr 1e-4, up to 200 "
        "epochs, patience 30) instead of the quicker CPU recipe",
    )
    bench.add_argument("--max-epochs", type=int, default=None)
    bench.add_argument("--lr", type=float, default=None)
    bench.add_argument("--device", default="auto")
    bench.add_argument("--repeats", type=int, default=3)
    bench.add_argument("--seed", type=int, default=0)
    bench.add_argument("--out", help="folder for results.json and results.md")
    args = parser.parse_args(argv)

    X, y, description = _load(args)
    print(
        f"data: {description}: {X.shape[0]} spectra, {X.shape[1]} points, "
        f"{len(set(y.tolist()))} classes"
    )
    recipe = dict(PAPER_RECIPE if args.paper_recipe else CPU_RECIPE)
    if args.max_epochs is not None:
        recipe["max_epochs"] = args.max_epochs
    if args.lr is not None:
        recipe["lr"] = args.lr
    models = make_models(
        args.models, recipe=recipe, device=args.device, random_state=args.seed
    )
    records = run_benchmark(
        models,
        X,
        y,
        n_repeats=args.repeats,
        random_state=args.seed,
        progress=lambda r: print(
            f"  repeat {r['repeat']} {r['model']:<11} top-1 {r['top1']:.4f} "
            f"fit {r['fit_s']:.2f} s",
            flush=True,
        ),
    )
    table = summarize(records)
    print(table)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.json").write_text(json.dumps(records, indent=1))
        (out / "results.md").write_text(f"{description}\n\n{table}\n")
        print(f"wrote {out / 'results.json'} and {out / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
