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
    """``--data PATH`` (required), ``--label-from``, ``--laser``: a reference folder."""
    group.add_argument("--data", metavar="FOLDER", required=True, help=DATA_HELP)
    add_label_from(group)
    add_laser(group)


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
    add_laser(group)


LASER_HELP = (
    "excitation wavelength in nm of files whose axis is a wavelength (nm), "
    "to convert them to Raman shift: NM for every file, or PATTERN=NM, "
    "repeated, a glob on the file name or path (e.g. --laser '*532*=532' "
    "--laser '*785*=785'); a file that records its laser uses its own"
)

#: excitation wavelengths a --laser value may take, nm (deep UV to far NIR)
LASER_RANGE_NM = (100.0, 2000.0)


def laser(value: str) -> tuple[str | None, float]:
    """``--laser``: ``NM`` -> ``(None, nm)``; ``PATTERN=NM`` -> ``(PATTERN, nm)``."""
    pattern, sep, number = value.rpartition("=")
    low, high = LASER_RANGE_NM
    try:
        nm = float(number)
    except ValueError:
        nm = float("nan")
    if not low <= nm <= high or (sep and not pattern):
        raise argparse.ArgumentTypeError(
            f"--laser takes NM or PATTERN=NM, a wavelength in nm from {low:g} to "
            f"{high:g} (e.g. 532 or '*532*=532'); got {value!r}"
        )
    return (pattern or None), nm


def add_laser(group) -> None:
    """``--laser NM | PATTERN=NM`` (repeatable): wavelength axes to Raman shift."""
    group.add_argument(
        "--laser",
        type=laser,
        action="append",
        default=None,
        metavar="[PATTERN=]NM",
        help=LASER_HELP,
    )


def lasers(args) -> float | dict[str, float] | None:
    """The ``laser_wavelength_nm`` of ``convert_spectra`` the ``--laser`` give.

    None without ``--laser``; one number for ``--laser NM``; ``{PATTERN: NM}``
    for ``--laser PATTERN=NM`` given once per pattern.
    """
    given = getattr(args, "laser", None) or []
    if not given:
        return None
    bare = [nm for pattern, nm in given if pattern is None]
    if bare and len(given) > 1:
        raise ValueError(
            "--laser: give one --laser NM for all files, or --laser PATTERN=NM "
            "for each group of files (e.g. --laser '*532*=532' --laser "
            "'*785*=785'), not both nor NM twice"
        )
    if bare:
        return bare[0]
    mapping: dict[str, float] = {}
    for pattern, nm in given:
        if mapping.setdefault(pattern, nm) != nm:
            raise ValueError(
                f"--laser: the pattern {pattern!r} is given two lasers "
                f"({mapping[pattern]:g} and {nm:g} nm); give it once"
            )
    return mapping


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


QUIET_HELP = (
    "no progress bars, epoch tables or per-spectrum and per-run lines (what is "
    "written, the results table, warnings and errors stay)"
)


def add_quiet(group) -> None:
    """``--quiet``: the option of every command."""
    group.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)


def progress(args) -> bool | None:
    """A progress bar's setting: never with ``--quiet``, else tqdm's rule."""
    return False if args.quiet else None


def verbose(args) -> int:
    """A network's ``verbose``: its epoch table, unless ``--quiet``."""
    return 0 if args.quiet else 1
