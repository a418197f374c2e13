"""Speed of LibrarySearchClassifier, exhaustive and compressed, on large libraries.

Usage: python benchmarks/library_search_speed.py [--queries 10000] [--library 10000]
       [--points 1570] [--components 128 192 256] [--rruff PATH]

Timing: ``--queries`` synthetic queries against a library of ``--library``
synthetic references (``make_spectra``, 1,000 classes), exhaustive search
(float64 products with every reference) against compressed candidate search
(``n_components``: float32 products in the projection, exact re-ranking of the
candidates), measured in one run: predict, top-5 search, and the agreement of
the predictions. With ``--rruff`` (default: ../shared/data/rruff_sang2021.npz
when present), the top-1 agreement on RRUFF Dataset_2: the papers' random
70 / 30 split, test spectra searched in the training library.
"""

import argparse
import time
from pathlib import Path

import numpy as np

from sklearn_raman import PaperSplit, load_rruff_sang2021, make_spectra
from sklearn_raman.neighbors import LibrarySearchClassifier

RRUFF = Path(__file__).resolve().parents[2] / "shared" / "data" / "rruff_sang2021.npz"


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--library", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=1570)
    parser.add_argument("--components", type=int, nargs="+", default=[128, 192, 256])
    parser.add_argument("--rruff", type=Path, default=RRUFF)
    args = parser.parse_args()
    n = args.queries + args.library
    X, y = make_spectra(
        n_classes=1000,
        n_samples_per_class=n // 1000 + 1,
        n_points=args.points,
        random_state=0,
    )
    lib_X, lib_y = X[: args.library], y[: args.library]
    queries = X[args.library : args.library + args.queries]
    print(
        f"{len(queries)} queries x {args.library} library spectra x {args.points} "
        "points, 1,000 classes (make_spectra)\n"
    )
    print("| search | fit s | predict s | queries/s | top-5 search s | top-1 = exact |")
    print("|---|---|---|---|---|---|")
    exact = None
    for n_components in [None, *args.components]:
        clf = LibrarySearchClassifier(n_components=n_components)
        _, fit_s = timed(lambda clf=clf: clf.fit(lib_X, lib_y))
        pred, pred_s = timed(lambda clf=clf: clf.predict(queries))
        _, search_s = timed(lambda clf=clf: clf.search(queries, k=5))
        exact = pred if exact is None else exact
        name = "exhaustive" if n_components is None else f"n_components={n_components}"
        print(
            f"| {name} | {fit_s:.2f} | {pred_s:.2f} | {len(queries) / pred_s:,.0f} "
            f"| {search_s:.2f} | {np.mean(pred == exact):.4f} |",
            flush=True,
        )
    if not args.rruff.is_file():
        print(f"\n{args.rruff} not found: no RRUFF agreement")
        return
    data = load_rruff_sang2021(args.rruff, subset=2)
    train, test = next(PaperSplit(random_state=0).split(data.X, data.y))
    base = LibrarySearchClassifier().fit(data.X[train], data.y[train])
    reference = base.predict(data.X[test])
    print(
        f"\nRRUFF Dataset_2, random split: {len(test)} queries in a library of "
        f"{len(train)} (1332 minerals)\n"
    )
    print("| search | predict s | top-1 = exhaustive | top-1 accuracy |")
    print("|---|---|---|---|")
    _, ref_s = timed(lambda: base.predict(data.X[test]))
    acc = np.mean(reference == data.y[test])
    print(f"| exhaustive | {ref_s:.2f} | 1.0000 | {acc:.4f} |")
    for n_components in args.components:
        clf = LibrarySearchClassifier(n_components=n_components)
        clf.fit(data.X[train], data.y[train])
        pred, pred_s = timed(lambda clf=clf: clf.predict(data.X[test]))
        print(
            f"| n_components={n_components} | {pred_s:.2f} | "
            f"{np.mean(pred == reference):.4f} | {np.mean(pred == data.y[test]):.4f} |"
        )


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
