"""``python -m sklearn_raman benchmark``: compare deep and classical classifiers."""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

import numpy as np

from . import _args, _data

DEFAULT_MODELS = [
    "knn1",
    "knn5",
    "tree",
    "rf",
    "pca_linsvc",
    "pca_svc",
    "minirocket",
    "plsda",
    "library",
    "recommended",
]


def _check_extras(args) -> None:
    """MiniRocket / ROCKET need aeon: refuse now, or drop them from the default."""
    import importlib.util

    wanted = [m for m in args.models if m in ("minirocket", "rocket")]
    if not wanted or importlib.util.find_spec("aeon") is not None:
        return
    fix = 'pip install "sklearn-raman[rocket]"'
    if args.models is not DEFAULT_MODELS:
        raise ImportError(f"{', '.join(wanted)} need aeon: {fix}")
    args.models = [m for m in args.models if m not in wanted]
    print(f"note: {', '.join(wanted)} left out: aeon is not installed ({fix})")


def add_parser(sub) -> None:
    """The ``benchmark`` command and its options."""
    from ..benchmark import model_names

    bench = sub.add_parser(
        "benchmark",
        help="compare deep and classical classifiers (synthetic, RRUFF or a folder)",
    )
    data = bench.add_argument_group("data (synthetic by default)")
    _args.add_source(data, required=False, subset=1)
    _args.add_grid(data)
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
    _args.add_training(models)
    _args.add_device(models)

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
    _args.add_seed(protocol)
    protocol.add_argument(
        "--n-jobs", type=int, default=None, help="runs in parallel (joblib)"
    )
    output = bench.add_argument_group("output")
    output.add_argument(
        "--out", metavar="DIR", help="write results.json, results.md and plots here"
    )
    _args.add_quiet(output)


def _load(args):
    """X, y, groups and a description of the data the arguments name."""
    if args.rruff:
        X, y, groups, _, description = _data.load_rruff(args)
        return X, y, groups, description
    if args.data:
        X, y, groups, _, description = _data.load_folder(
            args, progress=_args.progress(args)
        )
        return X, y, groups, description
    return _data.synthetic(args)


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

        from ..plotting import plot_benchmark, plot_confusion_matrix
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


def run(args) -> int:
    """Run the comparison the arguments describe; print (and write) the table."""
    from ..benchmark import CPU_RECIPE, PAPER_RECIPE, make_models, run_benchmark
    from ..benchmark import summarize as summarise

    _check_extras(args)
    X, y, groups, description = _load(args)
    n_classes = len(set(np.asarray(y).tolist()))
    print(
        f"data: {description}: {X.shape[0]} spectra, {X.shape[1]} points, "
        f"{n_classes} classes"
    )
    models = make_models(
        args.models,
        recipe=PAPER_RECIPE if args.paper_recipe else CPU_RECIPE,
        overrides=_args.training_overrides(args),
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
            progress=None if args.quiet else _progress,
            keep_predictions=bool(args.out),
            stratified_groups=not args.unstratified_groups,
        )
    elapsed = time.perf_counter() - started
    table = summarise(records)
    print(table)
    print(f"{len(records)} runs in {elapsed:.0f} s")
    if args.out:
        header = (
            f"Data: {description}: {X.shape[0]} spectra, {X.shape[1]} points, "
            f"{n_classes} classes.\n\nCommand: `python -m sklearn_raman "
            f"{' '.join(args.argv)}`; "
            f"{platform.processor() or platform.machine()}, {elapsed:.0f} s."
        )
        _write(Path(args.out), records, table, header)
    return 0
