"""Import time and memory of the package, against scikit-learn + imbalanced-learn.

Usage: python benchmarks/import_time.py [--repeats 7]

Each import runs in a fresh interpreter (so nothing is cached in the process);
the time is the median wall time of the import statement, the memory the peak
resident set of the interpreter after it minus that of a bare interpreter.
Ratios are to ``import sklearn, imblearn`` measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

PROBE = """
import resource, sys, time
start = time.perf_counter()
{statement}
elapsed = time.perf_counter() - start
torch = "torch" in sys.modules
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, torch)
"""

STATEMENTS = {
    "bare interpreter": "pass",
    "scikit-learn + imbalanced-learn": (
        "import sklearn, imblearn, sklearn.pipeline, sklearn.neighbors, "
        "sklearn.model_selection"
    ),
    "sklearn_raman": "import sklearn_raman",
    "sklearn_raman.preprocessing": "import sklearn_raman.preprocessing",
    "sklearn_raman + a deep classifier": (
        "import sklearn_raman; sklearn_raman.CompactResNet1DClassifier"
    ),
}


def measure(statement: str, repeats: int):
    runs = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", PROBE.format(statement=statement)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        runs.append((float(out[0]), float(out[1]), out[2] == "True"))
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        runs[0][2],
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    results = {name: measure(s, args.repeats) for name, s in STATEMENTS.items()}
    base_mb = results["bare interpreter"][1]
    ref_s, ref_mb, _ = results["scikit-learn + imbalanced-learn"]
    ref_mb -= base_mb
    print(
        f"median of {args.repeats} fresh interpreters; Python {sys.version.split()[0]}"
    )
    print()
    print(
        "| import | seconds | x sklearn + imblearn | MB | x sklearn + imblearn "
        "| torch loaded |"
    )
    print("|---|---|---|---|---|---|")
    for name, (seconds, mb, torch) in results.items():
        if name == "bare interpreter":
            continue
        mb -= base_mb
        print(
            f"| {name} | {seconds:.2f} | {seconds / ref_s:.2f} | {mb:.0f} | "
            f"{mb / ref_mb:.2f} | {'yes' if torch else 'no'} |"
        )


if __name__ == "__main__":
    main()
