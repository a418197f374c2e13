"""``python -m sklearn_raman train``: build and save an identification model."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from . import _args, _data


def add_parser(sub) -> None:
    """The ``train`` command and its options."""
    from ..open_set import SCORES

    train = sub.add_parser(
        "train",
        help="build an identification model from a reference folder",
        description="Read a reference folder (one subfolder per material), "
        "resample onto a grid chosen from the data, normalise, train the model "
        "and calibrate its unknown threshold; write a skops model file.",
    )
    data = train.add_argument_group("data")
    _args.add_folder(data)
    grid = train.add_argument_group("grid")
    _args.add_grid(grid)
    model = train.add_argument_group("model")
    _args.add_model(model, default="recommended")
    model.add_argument(
        "--unknown-recall",
        type=float,
        default=0.95,
        help="share of spectra of known materials to accept (default 0.95)",
    )
    model.add_argument(
        "--novelty-score",
        default="auto",
        choices=("auto", *sorted(SCORES)),
        help="known-ness score of the unknown verdict (default auto: "
        "embedding_distance for CNNs, similarity for library search, max_proba "
        "for other models with probabilities, else margin; combined: the "
        "model's score with a library search of the training spectra)",
    )
    model.add_argument(
        "--calibrate-on-unseen",
        action="store_true",
        help="also hold whole materials out of the calibration and report the "
        "share of them rejected (cv more fits)",
    )
    model.add_argument(
        "--unknown-rejection",
        type=float,
        default=None,
        help="with --calibrate-on-unseen: share of unseen materials to reject "
        "where the known recall allows it",
    )
    model.add_argument("--cv", type=int, default=5, help="cross-fitting folds")
    model.add_argument(
        "--init-from",
        metavar="ENCODER.safetensors",
        default=None,
        help="start the network from weights written by pretrain (its grid is "
        "used unless --start/--stop/--step are given)",
    )
    training = train.add_argument_group("training")
    _args.add_training(training)
    _args.add_device(training)
    _args.add_seed(training)
    check = train.add_argument_group("check")
    check.add_argument(
        "--check-unknowns",
        type=int,
        nargs="?",
        const=0,
        default=None,
        metavar="K",
        help="before training, measure the promise on unseen materials: K "
        "materials (default a fifth) held out whole, --check-splits times; "
        "prints unknowns rejected, knowns accepted, AUROC",
    )
    check.add_argument(
        "--check-splits", type=int, default=3, help="splits of --check-unknowns"
    )
    output = train.add_argument_group("output")
    output.add_argument("--out", metavar="MODEL.skops", required=True)
    _args.add_quiet(output)


def run(args) -> int:
    """Read the references, fit a :class:`SpectrumIdentifier`, save it."""
    from ..identification import SpectrumIdentifier

    started = time.perf_counter()
    data = _data.read_folder(args, progress=_args.progress(args))
    classes, counts = np.unique(data.y, return_counts=True)
    print(
        f"data: {args.data}: {len(data.spectra)} spectra of {len(classes)} classes "
        f"({', '.join(f'{c} {n}' for c, n in zip(classes, counts))})"
    )
    identifier = SpectrumIdentifier(
        args.model,
        baseline=args.baseline,
        start=args.start,
        stop=args.stop,
        step=args.step,
        unknown_recall=args.unknown_recall,
        novelty_score=args.novelty_score,
        calibration="classes" if args.calibrate_on_unseen else "known",
        unknown_rejection=args.unknown_rejection,
        cv=args.cv,
        init_from=args.init_from,
        training={**_args.training_overrides(args), "verbose": _args.verbose(args)},
        device=args.device,
        random_state=args.seed,
    )
    if args.check_unknowns is not None:
        _check_unknowns(identifier, data, args)
    print(
        f"training {args.model}: cross-fitted models calibrate the unknown "
        f"threshold at {args.unknown_recall:.0%} known recall, then one on all "
        "the data",
        flush=True,
    )
    identifier.fit(data, source=str(args.data))
    out = Path(args.out)
    identifier.save(out)
    grid = identifier.grid_
    if identifier.calibration == "classes":
        print(
            "calibration: materials held out whole are rejected at "
            f"{identifier.unknown_rejection_:.1%}"
        )
    print(
        f"grid: {grid[0]:g} to {grid[-1]:g} in {len(grid)} points; unknown where "
        f"{identifier.novelty_score_} < {identifier.threshold_:.4g}\n"
        f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in "
        f"{time.perf_counter() - started:.0f} s"
    )
    return 0


def _check_unknowns(identifier, data, args) -> None:
    """Print the leave-materials-out figures of these settings on the references."""
    from sklearn.base import clone

    from ..identification import check_unknowns

    # a clone: the check's fits print no epoch tables, the model's still do
    quiet = clone(identifier).set_params(
        training={**(identifier.training or {}), "verbose": 0}
    )
    results = check_unknowns(
        quiet,
        data,
        n_unknown=args.check_unknowns or None,
        n_splits=args.check_splits,
        random_state=args.seed,
    )
    print(
        f"check: {len(results)} splits, materials held out whole; at the "
        "calibrated threshold:"
    )
    for r in results:
        print(
            f"   held out {', '.join(r['unknown_classes'])}: unknowns rejected "
            f"{r['unknown_rejected']:.1%}, knowns accepted {r['known_accepted']:.1%} "
            f"(named right {r['accepted_accuracy']:.1%}), AUROC {r['auroc']:.3f}"
        )
    keys = ("unknown_rejected", "known_accepted", "accepted_accuracy", "auroc")
    mean = {k: float(np.nanmean([r[k] for r in results])) for k in keys}
    print(
        f"   mean: unknowns rejected {mean['unknown_rejected']:.1%}, knowns "
        f"accepted {mean['known_accepted']:.1%}, named right "
        f"{mean['accepted_accuracy']:.1%}, AUROC {mean['auroc']:.3f}",
        flush=True,
    )
