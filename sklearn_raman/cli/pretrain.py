"""``python -m sklearn_raman pretrain``: fit a deep net on a library, save it."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from . import _args, _data


def add_parser(sub) -> None:
    """The ``pretrain`` command and its options."""
    pre = sub.add_parser(
        "pretrain",
        help="pre-train a network on a large library, to start small fits from",
        description="Fit a deep network on a reference library (RRUFF or a "
        "folder of spectra) and save its weights and grid; `train --init-from` "
        "or a classifier's init_from= then starts from them.",
    )
    data = pre.add_argument_group("data")
    _args.add_source(data, required=True, subset=2)
    data.add_argument(
        "--exclude-dataset-1",
        action="store_true",
        help="leave out the minerals of RRUFF Dataset_1 (to test on them later)",
    )
    grid = pre.add_argument_group("grid")
    _args.add_grid(grid)
    model = pre.add_argument_group("model and training")
    _args.add_model(model, default="recommended")
    _args.add_training(model)
    _args.add_device(model)
    _args.add_seed(model)
    output = pre.add_argument_group("output")
    output.add_argument("--out", metavar="ENCODER.safetensors", required=True)
    _args.add_quiet(output)


def _load(args):
    """X, y, the grid and a description of the library to pre-train on."""
    if not args.rruff:
        X, y, _, axis, what = _data.load_folder(args, progress=_args.progress(args))
        return X, y, axis, what
    X, y, _, axis, _ = _data.load_rruff(args)
    what = f"RRUFF Dataset_{args.subset}"
    if args.exclude_dataset_1:
        from ..datasets import load_rruff_sang2021

        dataset_1 = set(load_rruff_sang2021(args.rruff, subset=1).y.tolist())
        keep = ~np.isin(y, list(dataset_1))
        X, y = X[keep], y[keep]
        what += " without the minerals of Dataset_1"
    return X, y, axis, what


def run(args) -> int:
    """Pre-train ``--model`` on the library and write its weights and grid."""
    from .._recipes import PRETRAINING
    from ..benchmark import make_models
    from ..neural import SpectrumNetClassifier, pretrain

    started = time.perf_counter()
    # pre-training's own recipe unless the command line says otherwise
    overrides = {
        **PRETRAINING,
        **_args.training_overrides(args),
        "verbose": _args.verbose(args),
    }
    model = make_models(
        [args.model], overrides=overrides, device=args.device, random_state=args.seed
    )[args.model]
    if not isinstance(model, SpectrumNetClassifier):
        raise ValueError(
            f"--model {args.model} is not a deep network: only networks are "
            "pre-trained (e.g. --model recommended)"
        )
    X, y, axis, what = _load(args)
    grid = (float(axis[0]), float(axis[-1]), float(axis[1] - axis[0]))
    description = f"{what}: {len(y)} spectra of {len(np.unique(y))} classes"
    print(f"pre-training {args.model} on {description}", flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pretrain(X, y, out, estimator=model, grid=grid, description=description)
    print(
        f"grid: {grid[0]:g} to {grid[1]:g}, step {grid[2]:g} ({X.shape[1]} points)\n"
        f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in "
        f"{time.perf_counter() - started:.0f} s; use it with "
        f"`train --model {args.model} --init-from {out}` or "
        f"init_from={str(out)!r}"
    )
    return 0
