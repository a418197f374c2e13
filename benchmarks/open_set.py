"""Open-set identification on RRUFF: unknown minerals, rejection and prediction sets.

Usage: python benchmarks/open_set.py --rruff ../shared/data/rruff_sang2021.npz
       [--subsets 1 2] [--protocols grouped random] [--models library
       pca_linsvc recommended] [--cv 3] [--threads 2]

One split per (subset, protocol) (``benchmark.protocol_splits``, seed 0). Under
the sample-grouped protocol the test spectra of minerals absent from training
are the unknowns. Each model is wrapped in ``OpenSetClassifier``
(``target_recall=0.95``, ``cv`` folds of cross-fitting: by sample id under
the grouped protocol unless ``--no-group-calibration``, by spectrum under the
random one) and the script prints:
closed-set accuracy on known test spectra; AUROC known-vs-unknown of every
score the model gives (from the one fitted model); with the calibrated
threshold of the wrapped score: the known test spectra accepted (recall),
the accuracy on the accepted knowns, the unknowns rejected; conformal coverage
of known test spectra and mean set size at alpha 0.05 and 0.1, for split
(the default) and cross-conformal sets.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from sklearn_raman.benchmark import make_models, protocol_splits
from sklearn_raman.datasets import load_rruff_sang2021
from sklearn_raman.open_set import SCORES, OpenSetClassifier

#: the score each model is wrapped with
WRAPPED = {
    "library": "similarity",
    "pca_linsvc": "margin",
    "recommended": "embedding_distance",
}


#: conformal sets measured: (predict_set method, alpha)
METHODS_ALPHAS = [(m, a) for m in ("split", "cross") for a in (0.05, 0.1)]


def other_scores(clf: OpenSetClassifier, X) -> dict:
    """AUROC inputs of every score the fitted model gives, the wrapped one first."""
    out = {clf.novelty_score: clf.score_samples(X)}
    for name, score in SCORES.items():
        if name in out:
            continue
        try:
            state = score().fit(clf.estimator_, X[:0], np.array([]))
        except (ValueError, IndexError):
            continue  # the model cannot give it, or it needs training data
        out[name] = score()(clf.estimator_, state, X)
    return out


def evaluate(name, model, X, y, groups, train, test, cv) -> dict:
    clf = OpenSetClassifier(
        model, novelty_score=WRAPPED[name], target_recall=0.95, cv=cv, random_state=0
    )
    start = time.perf_counter()
    clf.fit(X[train], y[train], groups=None if groups is None else groups[train])
    seconds = time.perf_counter() - start
    X_test, y_test = X[test], y[test]
    known = np.isin(y_test, clf.classes_)
    row = {"model": name, "score": WRAPPED[name], "fit_s": seconds}
    row["unknown_share"] = float(1 - known.mean())
    closed = clf.estimator_.predict(X_test)
    row["closed_acc_known"] = float((closed == y_test)[known].mean())
    scores = other_scores(clf, X_test)
    if 0 < known.mean() < 1:
        row["auroc"] = {k: float(roc_auc_score(known, s)) for k, s in scores.items()}
    accepted = scores[WRAPPED[name]] >= clf.threshold_
    row["known_recall"] = float(accepted[known].mean())
    row["acc_accepted_known"] = float((closed == y_test)[known & accepted].mean())
    if (~known).any():
        row["unknown_rejected"] = float((~accepted)[~known].mean())
    if hasattr(clf.estimator_, "predict_proba"):
        column = np.searchsorted(clf.classes_, y_test[known])
        for method, alpha in METHODS_ALPHAS:
            sets = clf.predict_set(X_test[known], alpha=alpha, method=method)
            covered = sets[np.arange(len(column)), column]
            row[f"coverage_{method}_{alpha}"] = float(covered.mean())
            row[f"set_size_{method}_{alpha}"] = float(sets.sum(1).mean())
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rruff", required=True)
    parser.add_argument("--subsets", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--protocols", nargs="+", default=["grouped", "random"])
    parser.add_argument("--models", nargs="+", default=list(WRAPPED))
    parser.add_argument("--cv", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--group-calibration",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="calibrate with folds by sample id (default) or by spectrum",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(
        "| data | protocol | model (score) | unknown test share | closed-set acc. "
        "on knowns | AUROC known vs unknown | known recall | acc. on accepted "
        "knowns | unknowns rejected | coverage / set size, split, at 0.05 | at 0.1 "
        "| cross, at 0.05 | at 0.1 | fit s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for subset in args.subsets:
        data = load_rruff_sang2021(args.rruff, subset=subset)
        for protocol in args.protocols:
            train, test = protocol_splits(
                protocol, data.X, data.y, data.groups, n_repeats=1, random_state=0
            )[0]
            models = make_models(args.models, random_state=0)
            for name in args.models:
                # calibrate as the protocol tests: new samples (grouped) or
                # new spectra of known samples (random)
                by_sample = args.group_calibration and protocol == "grouped"
                groups = data.groups if by_sample else None
                r = evaluate(
                    name, models[name], data.X, data.y, groups, train, test, args.cv
                )
                auroc = ", ".join(f"{k} {v:.3f}" for k, v in r.get("auroc", {}).items())
                cov = [
                    f"{r[f'coverage_{m}_{a}']:.3f} / {r[f'set_size_{m}_{a}']:.2f}"
                    if f"coverage_{m}_{a}" in r
                    else "—"
                    for m, a in METHODS_ALPHAS
                ]
                rejected = r.get("unknown_rejected")
                print(
                    f"| D{subset} | {protocol} | {name} ({r['score']}) | "
                    f"{r['unknown_share']:.3f} | {r['closed_acc_known']:.4f} | "
                    f"{auroc or '—'} | {r['known_recall']:.3f} | "
                    f"{r['acc_accepted_known']:.4f} | "
                    f"{'—' if rejected is None else f'{rejected:.3f}'} | "
                    f"{' | '.join(cov)} | {r['fit_s']:.0f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
