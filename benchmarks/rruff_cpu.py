"""The recommended CNN against VGG-1D, 1-NN and PCA + linear SVM on RRUFF, on a CPU.

Usage: python benchmarks/rruff_cpu.py [--npz ../shared/data/rruff_sang2021.npz]
       [--subsets 1 2] [--protocols random grouped] [--repeats 3]
       [--models recommended vgg1d knn1 pca_linsvc] [--out results.json]
       [--budget-from earlier.json ...]

For each data set, protocol and repeat (the benchmark's splits: the papers'
stratified 70/30 split, or one fold of a stratified 3-fold split by sample),
fits every model and prints top-1, weighted F1 and fit minutes as mean ± std.
VGG-1D (Sang et al. 2021, the papers' recipe otherwise) gets a time budget
equal to the recommended net's fit time on the same split, so both nets have
the same CPU time; without the recommended net in ``--models``, its fit times
are read from the ``--out`` files of earlier runs (``--budget-from``). Each
record is also written to ``--out`` as JSON.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from sklearn_raman.benchmark import (
    CPU_RECIPE,
    make_models,
    protocol_splits,
    run_benchmark,
)
from sklearn_raman.datasets import load_rruff_sang2021


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--npz", default="../shared/data/rruff_sang2021.npz")
    parser.add_argument("--subsets", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--protocols", nargs="+", default=["random", "grouped"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--models",
        nargs="+",
        default=["recommended", "vgg1d", "knn1", "pca_linsvc"],
    )
    parser.add_argument("--out", default="rruff_cpu.json")
    parser.add_argument(
        "--budget-from",
        nargs="*",
        default=[],
        help="earlier --out files: VGG-1D's budget = the recommended fit time there",
    )
    args = parser.parse_args()
    earlier = {}
    for path in args.budget_from:
        with open(path) as f:
            for r in json.load(f):
                if r["model"] == "recommended":
                    earlier[r["subset"], r["protocol"], r["repeat"]] = r["fit_s"]
    records = []
    for subset in args.subsets:
        data = load_rruff_sang2021(args.npz, subset=subset)
        for protocol in args.protocols:
            splits = protocol_splits(
                protocol, data.X, data.y, data.groups, n_repeats=args.repeats
            )
            for repeat, split in enumerate(splits):
                budget = earlier.get((subset, protocol, repeat))
                for name in args.models:
                    # VGG-1D: the recommended net's CPU time on this split
                    if name == "vgg1d" and budget is None:
                        raise SystemExit(
                            f"no recommended fit time for Dataset_{subset} {protocol} "
                            f"repeat {repeat}: list 'recommended' before 'vgg1d' or "
                            "give --budget-from"
                        )
                    overrides = {"max_time": budget} if name == "vgg1d" else {}
                    models = make_models(
                        [name], recipe=CPU_RECIPE, overrides=overrides, random_state=0
                    )
                    start = time.perf_counter()
                    (record,) = run_benchmark(
                        models,
                        data.X,
                        data.y,
                        groups=data.groups,
                        protocol=protocol,
                        n_repeats=1,
                        splits=[split],
                    )
                    record.update(subset=subset, repeat=repeat)
                    if name == "recommended":
                        budget = record["fit_s"]
                    records.append(record)
                    print(
                        f"Dataset_{subset} {protocol:7s} repeat {repeat} {name:12s} "
                        f"top-1 {record['top1']:.4f} F1 {record['f1_weighted']:.4f} "
                        f"fit {record['fit_s'] / 60:.1f} min "
                        f"({time.perf_counter() - start:.0f} s in all)",
                        flush=True,
                    )
                    with open(args.out, "w") as f:
                        json.dump(records, f, indent=1)
    print("\n| data | protocol | model | top-1 | F1 | fit min | runs |")
    print("|---|---|---|---|---|---|---|")
    keys = dict.fromkeys((r["subset"], r["protocol"], r["model"]) for r in records)
    for subset, protocol, model in keys:
        rows = [
            r
            for r in records
            if (r["subset"], r["protocol"], r["model"]) == (subset, protocol, model)
        ]

        def stat(key, scale=1.0, fmt=".4f", rows=rows):
            v = np.array([r[key] for r in rows]) * scale
            return f"{v.mean():{fmt}} ± {v.std():{fmt}}"

        print(
            f"| Dataset_{subset} | {protocol} | {model} | {stat('top1')} | "
            f"{stat('f1_weighted')} | {stat('fit_s', 1 / 60, '.1f')} | {len(rows)} |"
        )


if __name__ == "__main__":
    main()
