"""Import time and memory of the package, against ``import sklearn``.

Usage: python benchmarks/import_time.py [--repeats 7]

Each import runs in a fresh interpreter (so nothing is cached in the process),
after one unmeasured run of each that writes the bytecode caches; the time is
the median wall time of the import statement, the memory the median peak
resident set of the interpreter minus that of a bare interpreter. The headline
is ``import sklearn_raman`` against ``import sklearn`` measured in the same run
(issue 31 accepts a ratio <= 1.1); the table adds what a first use loads.
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

#: the acceptance of issue 31: import sklearn_raman / import sklearn
LIMIT = 1.1

STATEMENTS = {
    "bare interpreter": "pass",
    "sklearn": "import sklearn",
    "sklearn_raman": "import sklearn_raman",
    "scikit-learn + imbalanced-learn": (
        "import sklearn, imblearn, sklearn.pipeline, sklearn.neighbors, "
        "sklearn.model_selection"
    ),
    "sklearn_raman.SpectrumResampler": (
        "import sklearn_raman; sklearn_raman.SpectrumResampler"
    ),
    "sklearn_raman.nn": "import sklearn_raman.nn",
    "sklearn_raman + a deep classifier": (
        "import sklearn_raman; sklearn_raman.CompactResNet1DClassifier"
    ),
}


def run_once(statement: str) -> tuple[float, float, bool]:
    """(seconds, peak MB, whether torch was loaded) of one fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(statement=statement)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), out[2] == "True"


def measure(statement: str, repeats: int) -> tuple[float, float, bool]:
    """Median seconds and MB of ``repeats`` fresh interpreters, torch loaded."""
    run_once(statement)  # bytecode caches written, not timed
    runs = [run_once(statement) for _ in range(repeats)]
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        runs[0][2],
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    results = {name: measure(s, args.repeats) for name, s in STATEMENTS.items()}
    base_mb = results.pop("bare interpreter")[1]
    ours, ref = results["sklearn_raman"][0], results["sklearn"][0]
    ratio = ours / ref
    print(
        f"median of {args.repeats} fresh interpreters; Python {sys.version.split()[0]}"
    )
    print(f"import sklearn_raman: {ours * 1000:.1f} ms")
    print(f"import sklearn:       {ref * 1000:.1f} ms")
    verdict = "within" if ratio <= LIMIT else "OVER"
    print(f"ratio: {ratio:.3f} ({verdict} the limit of {LIMIT})")
    print()
    print("| import | ms | x import sklearn | MB | torch loaded |")
    print("|---|---|---|---|---|")
    for name, (seconds, mb, torch) in results.items():
        print(
            f"| {name} | {seconds * 1000:.0f} | {seconds / ref:.2f} | "
            f"{mb - base_mb:.0f} | {'yes' if torch else 'no'} |"
        )


if __name__ == "__main__":
    main()
