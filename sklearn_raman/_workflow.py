"""The identification workflow of the command line: ``train`` and ``identify``.

``train`` reads a reference folder (one subfolder per material), resamples its
spectra onto a grid chosen from the data (their common range, their median
spacing), normalises them, trains a model wrapped in an
:class:`~sklearn_raman.open_set.OpenSetClassifier` and writes a skops file
holding a dict: the fitted ``pipeline``, the mean ``reference_spectra`` of the
classes on the grid (for the plots), and what the model was built from.
``identify`` reads any supported files with such a model and reports the best
matches, the conformal prediction set and the unknown verdict per spectrum.
"""

from __future__ import annotations

import csv
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.pipeline import make_pipeline

from . import __version__, persistence
from ._registry import NAMES as DEEP_NAMES
from .datasets import SpectrumFileError, load_rruff_sang2021, read_spectra
from .open_set import OpenSetClassifier
from .open_set._scores import decision_scores
from .preprocessing import (
    BaselineCorrector,
    CosmicRayRemover,
    MinMaxPerSpectrum,
    OnNativeAxis,
    SpectrumResampler,
)

#: a query spectrum covering less of the model's grid than this is warned about
MIN_COVERAGE = 0.9
#: x label of the plots by the training files' axis kind
AXIS_LABELS = {
    "raman_shift": "Raman shift / cm$^{-1}$",
    "wavenumber": "wavenumber / cm$^{-1}$",
    "wavelength": "wavelength / nm",
}
#: what a model file written by ``train`` holds
BUNDLE_KEYS = ("pipeline", "reference_spectra", "grid", "classes", "x_kind")


def _novelty_score(name: str, model, given: str | None) -> str:
    if given is not None:
        return given
    if name == "library":
        return "similarity"
    if type(model).__name__ in DEEP_NAMES:
        # softmax confidence stays high far from the training data (MMPSD FTIR,
        # PET held out: max_proba rejects 0 of 39, the embedding all 39)
        return "embedding_distance"
    return "max_proba" if hasattr(model, "predict_proba") else "margin"


def _x_kind(data, what: str) -> str | None:
    """The axis kind of the spectra (None if no file says); mixed kinds raise."""
    kinds = {}
    for path, meta in zip(data.filenames, data.metadata):
        if meta.get("x_kind") is not None:
            kinds.setdefault(meta["x_kind"], path)
    if len(kinds) > 1:
        listed = ", ".join(f"{k} ({p})" for k, p in kinds.items())
        raise SpectrumFileError(
            f"the {what} mixes axes of different kinds: {listed}. Convert them "
            "to one (sklearn_raman.datasets.convert_spectra, e.g. "
            "wavelength_to_raman_shift) and write them out first"
        )
    return next(iter(kinds), None)


def native_steps(baseline: str | None) -> list:
    """The steps of ``--baseline`` on each spectrum's own axis, before resampling.

    Spikes go first (a cosmic ray pulls a baseline up); on native axes, so
    that no filled grid point enters the baseline.
    """
    if baseline in (None, "none"):
        return []
    return [
        OnNativeAxis(
            make_pipeline(CosmicRayRemover(), BaselineCorrector(method=baseline))
        )
    ]


def _common_range(spectra, filenames, start, stop):
    """(start, stop) of the grid: the range every training spectrum covers."""
    lows = np.array([axis.min() for axis, _ in spectra])
    highs = np.array([axis.max() for axis, _ in spectra])
    start = lows.max() if start is None else start
    stop = highs.min() if stop is None else stop
    if start >= stop:
        narrow = filenames[int(np.argmin(highs))]
        raise ValueError(
            f"the training spectra share no common range (the largest start is "
            f"{lows.max():g}, {narrow} stops at {highs.min():g}); give the grid "
            "with --start and --stop"
        )
    return float(start), float(stop)


def _cli_model(args, make_models, overrides: dict):
    """The ``--model`` of a command, with its overrides, epochs shown."""
    return make_models(
        [args.model],
        overrides={**overrides, "verbose": 1},
        device=args.device,
        random_state=args.seed,
    )[args.model]


def _check_cover(data, start: float, stop: float, step: float, source) -> None:
    """Every spectrum spans the grid ``start``..``stop`` (to a step) of ``source``."""
    for path, (axis, _) in zip(data.filenames, data.spectra):
        if axis.min() > start + step or axis.max() < stop - step:
            raise ValueError(
                f"{path} covers {axis.min():g} to {axis.max():g}, not the grid of "
                f"{source} ({start:g} to {stop:g}): pre-train on the range your "
                "spectra cover (pretrain --start/--stop)"
            )


def train(args, make_models, overrides: dict) -> int:
    """``python -m sklearn_raman train``: build and save an identification model."""
    started = time.perf_counter()
    data = read_spectra(args.data, label_from=args.label_from, progress=None)
    classes, counts = np.unique(data.y, return_counts=True)
    if len(classes) < 2:
        raise ValueError(
            f"{args.data} holds spectra of {len(classes)} class; a model needs "
            "at least 2 (one subfolder per material)"
        )
    x_kind = _x_kind(data, f"folder {args.data}")
    start, stop, step = args.start, args.stop, args.step
    if getattr(args, "init_from", None):
        from .neural._pretrain import encoder_grid

        kept = encoder_grid(args.init_from)
        if kept and (start, stop, step) == (None, None, None):
            start, stop, step = kept["start"], kept["stop"], kept["step"]
            _check_cover(data, start, stop, step, args.init_from)
        overrides = {**overrides, "init_from": str(args.init_from)}
    start, stop = _common_range(data.spectra, data.filenames, start, stop)
    print(
        f"data: {args.data}: {len(data.spectra)} spectra of {len(classes)} classes "
        f"({', '.join(f'{c} {n}' for c, n in zip(classes, counts))})"
    )
    model = _cli_model(args, make_models, overrides)
    cv = int(min(args.cv, counts.min())) if counts.min() >= 2 else 2
    open_set = OpenSetClassifier(
        model,
        novelty_score=_novelty_score(args.model, model, args.novelty_score),
        target_recall=args.unknown_recall,
        cv=cv,
        random_state=args.seed,
    )
    pipeline = make_pipeline(
        *native_steps(args.baseline),
        SpectrumResampler(start=start, stop=stop, step=step),
        MinMaxPerSpectrum(),
        open_set,
    )
    print(
        f"training {args.model}: {cv} cross-fitted models calibrate the unknown "
        f"threshold at {args.unknown_recall:.0%} known recall, then one on all "
        "the data",
        flush=True,
    )
    pipeline.fit(data.spectra, data.y, opensetclassifier__groups=data.groups)
    X = pipeline[:-1].transform(data.spectra)
    grid = pipeline.named_steps["spectrumresampler"].grid_
    bundle = {
        "pipeline": pipeline,
        "reference_spectra": np.stack([X[data.y == c].mean(axis=0) for c in classes]),
        "classes": classes,
        "grid": grid,
        "x_kind": x_kind,
        "model": args.model,
        "trained_on": str(args.data),
        "n_spectra": int(len(data.spectra)),
        "sklearn_raman_version": __version__,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    persistence.dump(bundle, out)
    fitted = pipeline[-1]
    print(
        f"grid: {grid[0]:g} to {grid[-1]:g} in {len(grid)} points; unknown where "
        f"{fitted.novelty_score} < {fitted.threshold_:.4g}\n"
        f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in "
        f"{time.perf_counter() - started:.0f} s"
    )
    return 0


def load_bundle(path) -> dict:
    """A model file written by ``train``; an error says what else it is."""
    bundle = persistence.load(path)
    if not isinstance(bundle, dict) or set(BUNDLE_KEYS) - set(bundle):
        raise ValueError(
            f"{path} is not a model written by `python -m sklearn_raman train` "
            f"(it holds a {type(bundle).__name__}); load it with "
            "sklearn_raman.persistence.load"
        )
    return bundle


def _check_queries(data, bundle) -> None:
    """Refuse axes of another kind; warn about spectra that miss the grid."""
    x_kind, grid = bundle["x_kind"], bundle["grid"]
    for path, meta, (axis, _) in zip(data.filenames, data.metadata, data.spectra):
        kind = meta.get("x_kind")
        if x_kind and kind and kind != x_kind:
            raise SpectrumFileError(
                f"{path}: its axis is a {kind}, the model's a {x_kind}; convert "
                "it first (sklearn_raman.datasets.convert_spectra)"
            )
        covered = np.mean((grid >= axis.min()) & (grid <= axis.max()))
        if covered < MIN_COVERAGE:
            warnings.warn(
                f"{path}: {meta.get('name', '')} covers {covered:.0%} of the "
                f"model's grid ({axis.min():g} to {axis.max():g} against {grid[0]:g} "
                f"to {grid[-1]:g}); the rest is filled with 0 and its "
                "identification is unreliable",
                UserWarning,
                stacklevel=2,
            )


def _top(scores: np.ndarray, classes: np.ndarray, k: int):
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return classes[order], np.take_along_axis(scores, order, axis=1)


def identify(args) -> int:
    """``python -m sklearn_raman identify``: identify the spectra of files."""
    bundle = load_bundle(args.model)
    pipeline = bundle["pipeline"]
    open_set = pipeline[-1]
    data = read_spectra(args.files, label_from=lambda _: "", on_error="warn")
    for path, reason in data.skipped:
        print(f"skipped {path}: {reason}")
    if not data.spectra:
        raise ValueError(f"no spectrum could be read from {' '.join(args.files)}")
    _check_queries(data, bundle)
    X = pipeline[:-1].transform(data.spectra)
    if hasattr(open_set, "predict_proba"):
        scores, kind = open_set.predict_proba(X), "probability"
    else:
        scores, kind = decision_scores(open_set, X), "decision"
    k = min(args.top, len(open_set.classes_))
    top_classes, top_scores = _top(scores, open_set.classes_, k)
    novelty = open_set.score_samples(X)
    verdicts = open_set._reject(open_set.estimator_.predict(X), novelty)
    sets = None
    if hasattr(open_set, "predict_set"):
        sets = open_set.predict_set(X, alpha=args.alpha)
    rows = []
    for i, (path, meta) in enumerate(zip(data.filenames, data.metadata)):
        row = {
            "file": str(path),
            "spectrum": meta.get("name", Path(path).stem),
            "verdict": str(verdicts[i]),
            open_set.novelty_score: f"{novelty[i]:.6g}",
            "threshold": f"{open_set.threshold_:.6g}",
            "prediction_set": (
                "" if sets is None else ";".join(map(str, open_set.classes_[sets[i]]))
            ),
        }
        for j in range(k):
            row[f"match_{j + 1}"] = str(top_classes[i, j])
            row[f"{kind}_{j + 1}"] = f"{top_scores[i, j]:.6g}"
        rows.append(row)
        print(
            f"{row['file']} [{row['spectrum']}]: {row['verdict'].upper()} "
            f"({open_set.novelty_score} {novelty[i]:.4g}, unknown below "
            f"{open_set.threshold_:.4g})"
        )
        for j in range(k):
            print(f"   {j + 1}. {top_classes[i, j]:<24} {kind} {top_scores[i, j]:.4f}")
        if sets is not None:
            members = row["prediction_set"].replace(";", ", ") or "(empty: none fits)"
            print(f"   prediction set at {1 - args.alpha:.0%}, if known: {members}")
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {out}")
    if args.plots:
        _plots(Path(args.plots), bundle, X, top_classes[:, 0], rows)
    return 0


def _plots(folder: Path, bundle: dict, X: np.ndarray, best, rows) -> None:
    """Per spectrum: the query over the mean reference of its best match."""
    from .plotting import _pyplot

    plt = _pyplot()
    plt.switch_backend("Agg")
    model = bundle["pipeline"][-1].estimator_
    relevance = None
    if hasattr(model, "module_"):  # a CNN: where its evidence for the match lies
        from .inspection import grad_cam

        relevance = grad_cam(model, X.astype(np.float32), target=best)
    grid, classes = bundle["grid"], list(bundle["classes"])
    folder.mkdir(parents=True, exist_ok=True)
    # one figure redrawn: a layout engine per figure would cost more than the plot
    fig, ax = plt.subplots(figsize=(8, 3.5))
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9)
    for i, row in enumerate(rows):
        ax.clear()
        reference = bundle["reference_spectra"][classes.index(best[i])]
        if relevance is not None:
            ax.fill_between(
                grid,
                0,
                relevance[i] * max(X[i].max(), reference.max()),
                color="tab:red",
                alpha=0.2,
                lw=0,
                label="Grad-CAM relevance",
            )
        ax.plot(grid, reference, color="0.5", lw=1, label=f"mean {best[i]} reference")
        ax.plot(grid, X[i], color="tab:blue", lw=1, label="query")
        ax.set_xlabel(AXIS_LABELS.get(bundle["x_kind"], "axis of the files"))
        ax.set_ylabel("normalised intensity")
        ax.set_title(
            f"{row['spectrum']}: {row['verdict']} (best match {best[i]})", fontsize=10
        )
        ax.legend(fontsize=8, loc="upper right")
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in row["spectrum"])
        fig.savefig(folder / f"{i:04d}_{name}.png", dpi=100)
    plt.close(fig)
    print(f"wrote {len(rows)} figures to {folder}")


def pretrain(args, make_models, overrides: dict) -> int:
    """``python -m sklearn_raman pretrain``: fit a deep net on a library, save it."""
    from .neural import SpectrumNetClassifier
    from .neural import pretrain as fit_library
    from .neural._pretrain import PRETRAINING

    started = time.perf_counter()
    # pre-training's own recipe unless the command line says otherwise
    model = _cli_model(args, make_models, {**PRETRAINING, **overrides})
    if not isinstance(model, SpectrumNetClassifier):
        raise ValueError(
            f"--model {args.model} is not a deep network: only networks are "
            "pre-trained (e.g. --model recommended)"
        )
    if args.rruff:
        data = load_rruff_sang2021(args.rruff, subset=args.subset)
        X, y = data.X, data.y
        if args.exclude_dataset_1:
            dataset_1 = set(load_rruff_sang2021(args.rruff, subset=1).y.tolist())
            keep = ~np.isin(y, list(dataset_1))
            X, y = X[keep], y[keep]
        axis = data.wavenumbers
        what = f"RRUFF Dataset_{args.subset}" + (
            " without the minerals of Dataset_1" if args.exclude_dataset_1 else ""
        )
    else:
        data = read_spectra(args.data, label_from=args.label_from, progress=None)
        _x_kind(data, f"folder {args.data}")
        start, stop = _common_range(data.spectra, data.filenames, args.start, args.stop)
        resampler = SpectrumResampler(start=start, stop=stop, step=args.step)
        prep = make_pipeline(
            *native_steps(args.baseline), resampler, MinMaxPerSpectrum()
        )
        X = prep.fit_transform(data.spectra)
        y, axis = data.y, resampler.grid_
        what = f"folder {args.data}"
    grid = (float(axis[0]), float(axis[-1]), float(axis[1] - axis[0]))
    description = f"{what}: {len(y)} spectra of {len(np.unique(y))} classes"
    print(f"pre-training {args.model} on {description}", flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fit_library(X, y, out, estimator=model, grid=grid, description=description)
    print(
        f"grid: {grid[0]:g} to {grid[1]:g}, step {grid[2]:g} ({X.shape[1]} points)\n"
        f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in "
        f"{time.perf_counter() - started:.0f} s; use it with "
        f"`train --model {args.model} --init-from {out}` or "
        f"init_from={str(out)!r}"
    )
    return 0
