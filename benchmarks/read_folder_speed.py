"""Reading a large folder: files per second, serial and parallel, with bad files.

Usage: python benchmarks/read_folder_speed.py [--files 5000] [--points 1000]
       [--broken 50] [--jobs 2]

Writes ``--files`` two-column text spectra (one folder per class, 10 classes)
and ``--broken`` unreadable ones into a temporary folder, then reads it with
``read_spectra(on_error="warn")`` in one process and with ``n_jobs``; prints
files/s, spectra read and files skipped (each skipped file is listed in
``data.skipped`` with its reason). With ``--formats PATH`` it also times the
vendor files of ../shared/data/formats.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from sklearn_raman.datasets import SpectrumFileWarning, read_spectra


def write_folder(root: Path, n_files: int, n_points: int, n_broken: int) -> None:
    rng = np.random.default_rng(0)
    axis = np.linspace(200, 2000, n_points)
    for i in range(n_files):
        folder = root / f"class_{i % 10}"
        folder.mkdir(exist_ok=True)
        values = rng.random(n_points)
        text = "\n".join(f"{x:.3f},{y:.6f}" for x, y in zip(axis, values))
        (folder / f"spectrum_{i:05d}.csv").write_text("shift,counts\n" + text + "\n")
    for i in range(n_broken):
        (root / "class_0" / f"broken_{i:03d}.csv").write_text("shift,counts\n200,x\n")


def timed(root: Path, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpectrumFileWarning)
        data = read_spectra(root, on_error="warn", progress=False, **kwargs)
    return time.perf_counter() - start, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--broken", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--formats", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_folder(root, args.files, args.points, args.broken)
        n = args.files + args.broken
        print(f"{args.files} files of {args.points} points + {args.broken} broken\n")
        print("| read | seconds | files/s | spectra | skipped |")
        print("|---|---|---|---|---|")
        for label, kwargs in (
            ("1 process", {}),
            (f"n_jobs={args.jobs}", {"n_jobs": args.jobs}),
        ):
            seconds, data = timed(root, **kwargs)
            print(
                f"| {label} | {seconds:.2f} | {n / seconds:,.0f} | "
                f"{len(data.spectra)} | {len(data.skipped)} |"
            )
    if args.formats is not None:
        for folder in ("wdf", "spc", "omnic", "opus", "jcamp"):
            seconds, data = timed(args.formats / folder, pattern="*.*")
            print(
                f"| {folder} | {seconds:.2f} | spectra {len(data.spectra)} | "
                f"skipped {len(data.skipped)} |"
            )


if __name__ == "__main__":
    main()
