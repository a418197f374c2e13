"""Open-set identification: unknown materials, rejection and prediction sets.

Usage, RRUFF mode (one split per subset and protocol):
  python benchmarks/open_set.py [--rruff ../shared/data/rruff_sang2021.npz]
      [--subsets 1 2] [--protocols grouped random] [--models library
      pca_linsvc recommended] [--cv 3] [--threads 2]

Usage, leave-classes-out mode (whole classes held out as the unknowns):
  python benchmarks/open_set.py --leave-classes-out K [--splits 5]
      [--data rruff1 mmpsd_ftir mmpsd_raman primpke] [--shared ../shared/data]
      [--models library pca_linsvc recommended]
      [--scores recommended=embedding_distance,mahalanobis ...]
      [--max-epochs E] [--threads 2] [--cv 3]
      [--calibration known|classes] [--target-rejection 0.9]
      [--wrapped pca_linsvc=combined recommended=combined]

RRUFF mode: one split per (subset, protocol) (``benchmark.protocol_splits``,
seed 0). Under the sample-grouped protocol the test spectra of minerals absent
from training are the unknowns. Each model is wrapped in ``OpenSetClassifier``
(``target_recall=0.95``, ``cv`` folds of cross-fitting: by sample id under
the grouped protocol unless ``--no-group-calibration``, by spectrum under the
random one) and the script prints:
closed-set accuracy on known test spectra; AUROC known-vs-unknown of every
score the model gives (from the one fitted model); with the calibrated
threshold of the wrapped score: the known test spectra accepted (recall),
the accuracy on the accepted knowns, the unknowns rejected; conformal coverage
of known test spectra and mean set size at alpha 0.05 and 0.1, for split
(the default) and cross-conformal sets.

Leave-classes-out mode: ``LeaveClassesOut(n_unknown=K, n_splits=N,
known_test_size=0.3, random_state=0)`` holds K whole classes out of training
per split (disjoint draws until every class was held out once) and 30 % of the
known classes' samples (by ``groups``) go to the test side too. K is lowered
to ``n_classes - 2`` where a data set has fewer classes (MMPSD: 4 polymers, so
at most 2), with a note. Data sets (under ``--shared``):

  rruff1       RRUFF Dataset_1 (Sang 2021: 5,292 spectra, 192 minerals, already
               min-max scaled), groups = RRUFF sample ids (R-numbers);
  mmpsd_ftir   MMPSD FTIR, 122 plastic samples, 4 polymers, one spectrum a
               sample, on 400-4000 cm-1 every 2 cm-1 (as benchmarks/images.py),
               groups = the sample (file stem: PP01, ...);
  mmpsd_raman  MMPSD Raman, the same 122 samples, on 501-3200 cm-1 every 1
               cm-1 (every file covers 500.6-3200.5 cm-1 at about 0.78 cm-1),
               groups = the sample;
  primpke      Primpke 2018 FTIR library, labels = ``Cluster Autoanalysis``,
               classes of fewer than 3 spectra dropped (the count is printed),
               groups = each spectrum its own.

MMPSD and Primpke spectra are min-max scaled per spectrum (stateless, as RRUFF
is). Each model (``benchmark.make_models``; deep ones with ``n_threads`` =
``--threads`` and ``max_epochs`` = ``--max-epochs`` where given) is wrapped
once per split in ``OpenSetClassifier(model, novelty_score=<its default>,
target_recall=0.95, cv=--cv, random_state=0)``, fitted on the training side
with its groups; the other scores of the model are computed from the same
fitted ``clf.estimator_`` (``SCORES[name]().fit(model, X_train, y_train)``).
Per (data set, model, score): AUROC known vs unknown and the share of
unknowns accepted at 95 % known test recall (``fpr_at_recall``); for the
wrapped score at its calibrated threshold: unknowns rejected, knowns accepted,
accuracy on accepted knowns, open-set accuracy
(``metrics.open_set_metrics``). ``--calibration classes`` calibrates on
classes held out of the cross-fitting too and prints the in-fit measured
rejection (``clf.unknown_rejection_``) next to the test one. ``--wrapped
MODEL=SCORE`` wraps a model with another score (``combined``: its own score
with a library search of the training spectra, whose combiner is fitted in
the wrapped fit and so is measured only wrapped).

"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import roc_auc_score
from sklearn.utils import Bunch

from sklearn_raman import (
    MinMaxPerSpectrum,
    SpectrumResampler,
    load_rruff_sang2021,
    read_spectra,
    read_table,
)
from sklearn_raman.benchmark import make_models, protocol_splits
from sklearn_raman.metrics import open_set_metrics
from sklearn_raman.model_selection import LeaveClassesOut
from sklearn_raman.open_set import SCORES, OpenSetClassifier

#: the score each model is wrapped with
WRAPPED = {
    "library": "similarity",
    "pca_linsvc": "margin",
    "recommended": "embedding_distance",
}

#: the scores compared per model in the leave-classes-out mode, wrapped first
COMPARED = {
    "library": ["similarity"],
    "pca_linsvc": ["margin", "max_proba"],
    "recommended": [
        "embedding_distance",
        "embedding_knn",
        "mahalanobis",
        "relative_mahalanobis",
        "max_proba",
        "energy",
    ],
}

#: the data sets of the leave-classes-out mode
DATASETS = ("rruff1", "mmpsd_ftir", "mmpsd_raman", "primpke")

#: conformal sets measured: (predict_set method, alpha)
METHODS_ALPHAS = [(m, a) for m in ("split", "cross") for a in (0.05, 0.1)]


def score_in_chunks(score, model, state, X, size: int = 512) -> np.ndarray:
    """``score(model, state, X)`` by blocks of rows (bounded memory)."""
    return np.concatenate(
        [score(model, state, X[i : i + size]) for i in range(0, len(X), size)]
    )


def other_scores(clf: OpenSetClassifier, X_train, y_train, X, names=None) -> dict:
    """Known-ness scores of ``X`` by the fitted model, the wrapped one first.

    Every score of ``names`` (None: all of :data:`SCORES`) is fitted on the
    training data of ``clf.estimator_`` (class centroids, training embeddings,
    covariances) and evaluated on ``X``; a score the model cannot give is
    None under ``names``, left out otherwise.
    """
    wrapped = clf.novelty_score_
    out = {wrapped: clf.score_samples(X)}
    for name in SCORES if names is None else names:
        if name in out:
            continue
        score = SCORES[name]()
        if getattr(score, "n_parts", 1) > 1:  # its combiner is fitted when wrapped
            if names is not None:
                out[name] = None
            continue
        try:
            state = score.fit(clf.estimator_, X_train, y_train)
        except ValueError:  # the model cannot give it
            if names is not None:
                out[name] = None
            continue
        out[name] = score_in_chunks(score, clf.estimator_, state, X)
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
    scores = other_scores(clf, X[train], y[train], X_test)
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


def rruff_mode(args) -> None:
    """One split per (subset, protocol) of RRUFF (the original benchmark)."""
    rruff = args.rruff or args.shared / "rruff_sang2021.npz"
    print(
        "| data | protocol | model (score) | unknown test share | closed-set acc. "
        "on knowns | AUROC known vs unknown | known recall | acc. on accepted "
        "knowns | unknowns rejected | coverage / set size, split, at 0.05 | at 0.1 "
        "| cross, at 0.05 | at 0.1 | fit s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for subset in args.subsets:
        data = load_rruff_sang2021(rruff, subset=subset)
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
                    name,
                    models[name],
                    data.X,
                    data.y,
                    groups,
                    train,
                    test,
                    args.cv,
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


# --------------------------------------------------------------------------
# leave-classes-out mode


def _mmpsd(folder: Path, resampler: SpectrumResampler) -> Bunch:
    """MMPSD spectra of one modality on one grid, min-max scaled, by sample."""
    with warnings.catch_warnings(record=True) as caught:
        # PP FTIR files carry a third value on their first row (ignored)
        warnings.simplefilter("always")
        data = read_spectra(folder, groups_from="stem")
    X = resampler.fit_transform(data.spectra)
    note = f"{len(caught)} reader warnings" if caught else ""
    return Bunch(
        X=MinMaxPerSpectrum().fit_transform(X),
        y=np.asarray(data.y),
        groups=np.asarray(data.groups),
        note=note,
    )


def cluster_names(path: Path) -> dict:
    """Primpke's cluster number -> name (empty where the file is missing)."""
    import csv

    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as f:
        return {row[0]: row[1] for row in list(csv.reader(f))[1:] if len(row) >= 2}


def _named(labels, names: dict, most: int | None = None) -> str:
    """``label (name)`` of each label, at most ``most`` of them."""
    shown = [f"{c} ({names[str(c)]})" if str(c) in names else str(c) for c in labels]
    if most is not None and len(shown) > most:
        shown = [*shown[:most], "..."]
    return ", ".join(shown)


def load_lco(name: str, shared: Path, rruff: Path | None) -> Bunch:
    """X, y, groups (and a note) of a leave-classes-out data set."""
    if name == "rruff1":
        data = load_rruff_sang2021(rruff or shared / "rruff_sang2021.npz", subset=1)
        return Bunch(X=data.X, y=np.asarray(data.y), groups=data.groups, note="")
    if name == "mmpsd_ftir":
        grid = SpectrumResampler(start=400, stop=4000, step=2)
        return _mmpsd(shared / "mmpsd" / "FTIR", grid)
    if name == "mmpsd_raman":
        grid = SpectrumResampler(start=501, stop=3200, step=1)
        return _mmpsd(shared / "mmpsd" / "Raman", grid)
    if name == "primpke":
        path = shared / "primpke2018" / "primpke2018esm5.csv"
        X = read_table(path).X
        y = np.asarray(read_spectra(path, label_column="Cluster Autoanalysis").y)
        labels, counts = np.unique(y, return_counts=True)
        small = labels[counts < 3]
        keep = ~np.isin(y, small)
        names = cluster_names(shared / "primpke2018" / "primpke2018_cluster_ID.csv")
        note = (
            f"dropped {len(small)} of {len(labels)} classes with fewer than 3 "
            f"spectra ({int((~keep).sum())} spectra): {_named(small, names)}"
        )
        return Bunch(
            X=MinMaxPerSpectrum().fit_transform(X[keep]),
            y=y[keep],
            groups=np.arange(int(keep.sum())),
            note=note,
            names=names,
        )
    raise ValueError(f"unknown data set {name!r}; choose from {DATASETS}")


def parse_scores(items) -> dict:
    """``MODEL=score1,score2`` arguments as {model: [scores]}."""
    out = {}
    for item in items or []:
        model, sep, names = item.partition("=")
        if not sep or not names:
            raise SystemExit(f"--scores {item!r}: write MODEL=score1,score2")
        scores = names.split(",")
        bad = [s for s in scores if s not in SCORES]
        if bad:
            raise SystemExit(f"--scores: unknown {bad}; choose from {list(SCORES)}")
        out[model] = scores
    return out


def machine_info(args) -> None:
    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = "?"
    import sklearn

    import sklearn_raman

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    print(f"command: {shlex.join(['python', *sys.argv])}")
    print(
        f"machine: {platform.node()} | {platform.platform()} | "
        f"{platform.processor() or platform.machine()} | {os.cpu_count()} CPUs "
        f"({cores} usable) | GPU {gpu}"
    )
    print(
        f"python {platform.python_version()} | numpy {np.__version__} | "
        f"scikit-learn {sklearn.__version__} | torch {torch.__version__} "
        f"({args.threads} threads) | sklearn_raman {sklearn_raman.__version__} "
        f"({commit})",
        flush=True,
    )


def _fmt(values, digits: int = 3) -> str:
    """mean ± sd of the finite values (sd over splits), '—' for none."""
    v = np.asarray([x for x in values if x is not None and np.isfinite(x)])
    if not len(v):
        return "—"
    if len(v) == 1:
        return f"{v[0]:.{digits}f}"
    return f"{v.mean():.{digits}f} ± {v.std(ddof=1):.{digits}f}"


def _mean(values) -> float:
    v = [x for x in values if x is not None and np.isfinite(x)]
    return float(np.mean(v)) if v else float("nan")


def lco_split(args, name, model, X, y, groups, train, test) -> tuple[list, dict]:
    """Fit the wrapped model once; every compared score's metrics and timings."""
    n_known = len(np.unique(y[train]))
    calibration = args.calibration
    if calibration == "classes" and n_known < 3:
        print(
            f"  note: calibration='classes' needs 3 known classes, {n_known} here: "
            "'known' used"
        )
        calibration = "known"
    clf = OpenSetClassifier(
        model,
        novelty_score=args.wrapped.get(name, WRAPPED.get(name, "auto")),
        target_recall=0.95,
        calibration=calibration,
        target_rejection=args.target_rejection if calibration == "classes" else None,
        cv=args.cv,
        random_state=0,
    )
    start = time.perf_counter()
    clf.fit(X[train], y[train], groups=groups[train])
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    X_test, y_test = X[test], y[test]
    wrapped = clf.novelty_score_
    names = args.score_lists.get(name, COMPARED.get(name, [wrapped]))
    names = [wrapped, *(s for s in names if s != wrapped)]
    closed = clf.estimator_.predict(X_test)
    scores = other_scores(clf, X[train], y[train], X_test, names)
    verdicts = clf.reject(closed, scores[wrapped])
    score_s = time.perf_counter() - start
    rows = []
    for score in names:
        row = {"model": name, "score": score, "wrapped": score == wrapped}
        if scores[score] is None:
            row["na"] = True
            rows.append(row)
            continue
        m = open_set_metrics(
            y_test, clf.classes_, scores[score], verdicts, clf.unknown_label_
        )
        row.update(auroc=m["auroc"], fpr=m["fpr_at_recall"])
        if score == wrapped:
            row.update(
                rejected=m["unknown_rejected"],
                accepted=m["known_accepted"],
                acc_accepted=m["accepted_accuracy"],
                open_acc=m["open_set_accuracy"],
                fit_rejection=clf.unknown_rejection_,
                n_known=m["n_known"],
                n_unknown=m["n_unknown"],
            )
        rows.append(row)
    return rows, {"fit_s": fit_s, "score_s": score_s}


def lco_table(name: str, results: dict, args) -> None:
    """The markdown table of one data set and its best model + score."""
    classes_cal = args.calibration == "classes"
    print(
        f"\n### {name}: {args.leave_classes_out_eff[name]} classes held out a split\n"
    )
    head = (
        "| model | score | AUROC | FPR at 95 % known recall | unknowns rejected "
        "at the threshold | knowns accepted | accuracy on accepted knowns | "
        "open-set accuracy |"
    )
    if classes_cal:
        head += " in-fit rejection (calibration='classes') |"
    print(head)
    print("|---" * (9 if classes_cal else 8) + "|")
    best = None
    for (model, score), rows in results.items():
        if all(r.get("na") for r in rows):
            cells = ["n/a"] * (7 if classes_cal else 6)
            print(f"| {model} | {score} | {' | '.join(cells)} |")
            continue
        auroc = [r.get("auroc") for r in rows]
        cells = [_fmt(auroc), _fmt([r.get("fpr") for r in rows])]
        keys = ["rejected", "accepted", "acc_accepted", "open_acc"]
        if classes_cal:
            keys.append("fit_rejection")
        cells += [_fmt([r.get(k) for r in rows]) for k in keys]
        wrapped = rows[0]["wrapped"]
        print(
            f"| {model} | {score}{' (wrapped)' if wrapped else ''} | "
            f"{' | '.join(cells)} |"
        )
        mean_auroc = _mean(auroc)
        if np.isfinite(mean_auroc) and (best is None or mean_auroc > best[0]):
            best = (mean_auroc, model, score, rows)
    if best is None:
        print(f"\nbest on {name}: none (no AUROC)")
        return
    auroc, model, score, rows = best
    oracle = 1 - _mean([r.get("fpr") for r in rows])
    line = (
        f"\nbest on {name}: {model} + {score} (AUROC {auroc:.3f}); with a threshold "
        f"accepting 95 % of the known test spectra it rejects {oracle:.1%} of the "
        f"unknowns: {'reaches' if oracle >= 0.9 else 'does not reach'} >= 90 % "
        "rejected at >= 95 % accepted"
    )
    if rows[0]["wrapped"]:
        rej, acc = (
            _mean([r["rejected"] for r in rows]),
            _mean([r["accepted"] for r in rows]),
        )
        ok = rej >= 0.9 and acc >= 0.95
        line += (
            f"; at its calibrated threshold {rej:.1%} rejected, {acc:.1%} accepted: "
            f"{'reaches' if ok else 'does not reach'} it"
        )
    else:
        line += "; not the wrapped score, so no calibrated threshold is measured"
    print(line, flush=True)


def lco_mode(args) -> None:
    # the cross-fitting's StratifiedGroupKFold warns of every known class with
    # fewer spectra than folds: that is the data (small classes), not news
    warnings.filterwarnings("ignore", "The least populated class", UserWarning)
    machine_info(args)
    overrides = {"n_threads": args.threads}
    if args.max_epochs is not None:
        overrides["max_epochs"] = args.max_epochs
    args.score_lists = parse_scores(args.scores)
    args.wrapped = {m: v[0] for m, v in parse_scores(args.wrapped).items()}
    args.leave_classes_out_eff = {}
    timings = []
    for data_name in args.data:
        start = time.perf_counter()
        data = load_lco(data_name, args.shared, args.rruff)
        load_s = time.perf_counter() - start
        n_classes = len(np.unique(data.y))
        k = args.leave_classes_out
        if k > n_classes - 2:
            print(
                f"\nnote: {data_name} has {n_classes} classes; {k} held out would "
                f"leave fewer than 2 known: {n_classes - 2} held out instead"
            )
            k = n_classes - 2
        args.leave_classes_out_eff[data_name] = k
        print(
            f"\n## {data_name}: {len(data.y)} spectra x {data.X.shape[1]} points, "
            f"{n_classes} classes, {len(np.unique(data.groups))} samples "
            f"(loaded in {load_s:.1f} s){'; ' + data.note if data.note else ''}",
            flush=True,
        )
        splitter = LeaveClassesOut(
            n_unknown=k, n_splits=args.splits, known_test_size=0.3, random_state=0
        )
        results: dict = {}
        for split, (train, test) in enumerate(
            splitter.split(data.X, data.y, data.groups)
        ):
            unknown = sorted(set(data.y[test].tolist()) - set(data.y[train].tolist()))
            shown = _named(unknown, data.get("names", {}), most=8)
            n_unknown = int(np.isin(data.y[test], unknown).sum())
            extra = len(unknown) - k  # known classes the known split left untrained
            print(
                f"split {split}: train {len(train)}, test {len(test)} = "
                f"{len(test) - n_unknown} known + {n_unknown} unknown spectra of "
                f"{len(unknown)} classes: {shown}"
                + (
                    f" ({extra} of them known classes with no training sample left)"
                    if extra > 0
                    else ""
                ),
                flush=True,
            )
            models = make_models(args.models, overrides=overrides, random_state=0)
            for name in args.models:
                rows, t = lco_split(
                    args, name, models[name], data.X, data.y, data.groups, train, test
                )
                timings.append((data_name, name, split, t["fit_s"], t["score_s"]))
                for r in rows:
                    results.setdefault((name, r["score"]), []).append(r)
                w = rows[0]
                parts = [
                    f"{r['score']} " + ("n/a" if r.get("na") else f"{r['auroc']:.3f}")
                    for r in rows
                ]
                fit_rej = ""
                if args.calibration == "classes":
                    fit_rej = f", in-fit {_fmt([w['fit_rejection']])}"
                print(
                    f"  {name}: AUROC {', '.join(parts)}; {w['score']} at the "
                    f"threshold: unknowns rejected {w['rejected']:.3f}{fit_rej}, "
                    f"knowns accepted {w['accepted']:.3f}, acc. on accepted "
                    f"{w['acc_accepted']:.3f}, open-set acc. {w['open_acc']:.3f} "
                    f"| fit {t['fit_s']:.1f} s, scores {t['score_s']:.1f} s",
                    flush=True,
                )
        lco_table(data_name, results, args)
    print("\n### timing (seconds per split: the wrapped fit = cv + 1 fits; scores)\n")
    print("| data | model | fit s (mean) | scores s (mean) | total s |")
    print("|---|---|---|---|---|")
    for data_name in args.data:
        for name in args.models:
            t = [r for r in timings if r[0] == data_name and r[1] == name]
            if t:
                fit, sc = np.array([r[3] for r in t]), np.array([r[4] for r in t])
                print(
                    f"| {data_name} | {name} | {fit.mean():.1f} | {sc.mean():.1f} | "
                    f"{fit.sum() + sc.sum():.1f} |"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rruff",
        type=Path,
        default=None,
        help="the RRUFF npz (default: SHARED/rruff_sang2021.npz)",
    )
    parser.add_argument("--shared", type=Path, default=Path("../shared/data"))
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
    lco = parser.add_argument_group("leave-classes-out mode")
    lco.add_argument(
        "--leave-classes-out",
        type=int,
        default=None,
        metavar="K",
        help="hold out K whole classes per split as the unknowns",
    )
    lco.add_argument("--splits", type=int, default=5)
    lco.add_argument("--data", nargs="+", default=list(DATASETS), choices=DATASETS)
    lco.add_argument(
        "--scores",
        nargs="+",
        default=None,
        metavar="MODEL=S1,S2",
        help="scores compared for a model (its wrapped one is always included)",
    )
    lco.add_argument("--max-epochs", type=int, default=None)
    lco.add_argument(
        "--wrapped",
        nargs="+",
        default=[],
        metavar="MODEL=SCORE",
        help="the score a model is wrapped with (default: its own; e.g. "
        "pca_linsvc=combined)",
    )
    lco.add_argument("--calibration", choices=["known", "classes"], default="known")
    lco.add_argument("--target-rejection", type=float, default=None)
    args = parser.parse_args()
    if args.target_rejection is not None and args.calibration != "classes":
        parser.error("--target-rejection needs --calibration classes")
    torch.set_num_threads(args.threads)
    if args.leave_classes_out is None:
        rruff_mode(args)
    else:
        lco_mode(args)


if __name__ == "__main__":
    main()
