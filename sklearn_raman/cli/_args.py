"""Argument groups declared once and shared by the commands."""

from __future__ import annotations

import argparse

EPOCHS_HELP = "epochs of the deep models, or 'auto' (enough for 2,000 steps)"
LABEL_HELP = (
    "labels: the folder of each file, the mineral of a RRUFF file name, or "
    "(auto) a table's own labels and the folder otherwise"
)


def epochs(value: str) -> int | str:
    """``--max-epochs``: a positive count or ``auto``."""
    if value == "auto":
        return value
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(
            f"--max-epochs takes a positive whole number or 'auto'; got {value!r}"
        )
    return count


def add_label_from(group) -> None:
    """``--label-from``: where the class of a file comes from."""
    group.add_argument(
        "--label-from",
        default="auto",
        choices=("auto", "folder", "rruff_name"),
        help=LABEL_HELP,
    )


DATA_HELP = (
    "folder of spectrum files (one subfolder per class), or a table of spectra "
    "(one per column or per row, labelled in the table)"
)


def add_folder(group) -> None:
    """``--data PATH`` (required) and ``--label-from``: a reference folder."""
    group.add_argument("--data", metavar="FOLDER", required=True, help=DATA_HELP)
    add_label_from(group)


def add_source(group, *, required: bool, subset: int) -> None:
    """``--rruff NPZ | --data PATH`` and ``--subset``, ``--label-from``."""
    source = group.add_mutually_exclusive_group(required=required)
    source.add_argument("--rruff", metavar="NPZ", help="path of rruff_sang2021.npz")
    source.add_argument("--data", metavar="PATH", help=DATA_HELP)
    group.add_argument(
        "--subset",
        type=int,
        default=subset,
        choices=(1, 2),
        help="RRUFF Dataset_1 or Dataset_2",
    )
    add_label_from(group)


def add_grid(group) -> None:
    """The grid of a folder of spectra and the cleaning of raw ones."""
    from ..preprocessing import BASELINE_METHODS

    group.add_argument("--start", type=float, default=None, help="grid start, cm-1")
    group.add_argument("--stop", type=float, default=None, help="grid stop, cm-1")
    group.add_argument("--step", type=float, default=None, help="grid step, cm-1")
    group.add_argument(
        "--baseline",
        default="none",
        choices=("none", *BASELINE_METHODS),
        help="raw spectra of a --data folder: remove cosmic-ray spikes, then "
        "subtract a pybaselines baseline of this method, each spectrum on its "
        "own axis before resampling (default: none, for spectra already "
        "corrected)",
    )


def add_training(group) -> None:
    """Training settings of the deep models: epochs, rate, budget, threads."""
    group.add_argument("--max-epochs", type=epochs, default=None, help=EPOCHS_HELP)
    group.add_argument("--lr", type=float, default=None, help="learning rate")
    group.add_argument(
        "--time-budget",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop each CNN fit after this many seconds",
    )
    group.add_argument(
        "--threads",
        type=int,
        default=None,
        metavar="N",
        help="CPU threads of each deep fit (default: torch's, all cores); "
        "with several runs side by side, give each its share of the cores",
    )


def add_device(group) -> None:
    """``--device``."""
    group.add_argument(
        "--device", default="auto", help="auto (CUDA if available), cpu, cuda"
    )


def add_seed(group) -> None:
    """``--seed``: of the models, the splits and the cross-fitting."""
    group.add_argument("--seed", type=int, default=0, help="random seed")


def add_model(group, *, default: str) -> None:
    """``--model``: one name of the benchmark's table."""
    from ..benchmark import model_names

    group.add_argument("--model", default=default, choices=model_names())


def training_overrides(args) -> dict:
    """Training settings given on the command line, for every deep model."""
    given = {
        "max_epochs": args.max_epochs,
        "lr": args.lr,
        "max_time": args.time_budget,
        "n_threads": args.threads,
    }
    return {k: v for k, v in given.items() if v is not None}
