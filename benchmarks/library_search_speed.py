"""Speed of LibrarySearchClassifier: queries against a large spectral library.

Usage: python benchmarks/library_search_speed.py [--queries 10000] [--library 5000]
       [--points 1570]

Prints the time to fit, to predict and to search the top-5 hits, with the
queries per second and the GFLOP/s of the similarity products.
"""

import argparse
import time

import numpy as np

from sklearn_raman import make_spectra
from sklearn_raman.neighbors import LibrarySearchClassifier


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--library", type=int, default=5_000)
    parser.add_argument("--points", type=int, default=1570)
    args = parser.parse_args()
    n = args.queries + args.library
    X, y = make_spectra(
        n_classes=100,
        n_samples_per_class=n // 100 + 1,
        n_points=args.points,
        random_state=0,
    )
    lib_X, lib_y = X[: args.library], y[: args.library]
    queries = X[args.library : args.library + args.queries]
    flops = 2.0 * len(queries) * args.library * args.points
    print(
        f"{len(queries)} queries x {args.library} library spectra x {args.points} "
        f"points"
    )
    for metric in ("cosine", "pearson", "hqi"):
        t0 = time.perf_counter()
        clf = LibrarySearchClassifier(metric=metric).fit(lib_X, lib_y)
        t1 = time.perf_counter()
        clf.predict(queries)
        t2 = time.perf_counter()
        clf.search(queries, k=5)
        t3 = time.perf_counter()
        print(
            f"{metric:>8}: fit {t1 - t0:.2f} s, predict {t2 - t1:.2f} s "
            f"({len(queries) / (t2 - t1):,.0f} queries/s, "
            f"{flops / (t2 - t1) / 1e9:.0f} GFLOP/s), top-5 search {t3 - t2:.2f} s"
        )


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
