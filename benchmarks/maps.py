"""Hyperspectral maps: identify_map's accuracy on synthetic filters, its cost at scale.

Usage:
  python benchmarks/maps.py accuracy [--seeds 5] [--models compressed exact cnn]
      [--cnn-epochs 30] [--cnn-threads 2]
  python benchmarks/maps.py scale [--sizes 10000 100000 1000000]
      [--models compressed exact cnn] [--modes memmap cluster] [--workdir DIR]
      [--cnn-max-pixels 100000] [--chunk-pixels 32768] [--workers 2]

Models, each a ``SpectrumIdentifier`` fitted on the map's reference spectra
(``make_map``'s ``references``, 20 per material):

  compressed  ``LibrarySearchClassifier(metric="pearson", n_components=32)``,
              the compressed library search (candidates in a projection,
              exact re-ranking);
  exact       ``"library_pearson"``, the exhaustive library search (Pearson);
  cnn         ``"recommended"``, the CPU CNN, ``training={"max_epochs":
              --cnn-epochs, "n_threads": --cnn-threads}``.

``accuracy``: ``make_map`` at its defaults (128 x 128 pixels of 10 µm, 400
points from 600 to 4000 cm-1, 4 materials, 40 particles of 3 to 30 px,
noise 0.02) for seeds 0 .. ``--seeds`` - 1, each model fitted on that map's
references and run through ``identify_map`` at its defaults (background gate:
signal-to-noise >= 6 after subtracting the median pixel; grouping "signal",
connectivity 2, min_pixels 1). Prints per model the pixel accuracy (truth: the
class of ``pixel_labels`` where >= 0, background, code -2, where -1), and
``score_particles(..., min_pixels=5)``: particles of >= 5 px matched at IoU >=
0.5, recall, precision (mean ± sd and the smallest over seeds), material
accuracy of the matched, median absolute error of the maximum Feret diameter
in pixels; and fit and identification seconds.

``scale``: square maps of ``--sizes`` pixels (side: the rounded square root)
x 400 bands, float32 ``.npy`` files in ``--workdir`` (default
``$TMPDIR/sklearn_raman_maps_bench``; a map already there is reused). Each
map is one ``make_map(random_state=--seed)`` of its size at the default
particle density: one seed draws the same materials, filter and references at
every size, so the models, fitted on the references of that seed, know every
map's materials. Each model is fitted once, saved (``SpectrumIdentifier.save``)
and, for each map and mode, loaded in a fresh process that times
``identify_map`` (wall time, pixels and particles) and reports its peak
resident memory (``VmHWM``; not ``ru_maxrss``, which Linux keeps across
``exec``: a child would report at least its parent's peak):

  memmap   ``open_npy_map``: the map read chunk by chunk by plain file reads
           (``--chunk-pixels`` a chunk), one process, torch / BLAS on every
           core;
  cluster  the map as a dask array (blocks of rows read from the file by the
           workers themselves) on ``distributed.LocalCluster(n_workers=
           --workers, threads_per_worker=1)``; the client's peak and each
           worker's (``client.run``) are reported apart: the workers are
           other processes. The cluster's start is not timed.

The CNN's ``n_threads`` is reset to None in the timed process, so that it
predicts with torch's default threads (every core in ``memmap``; one a worker
in ``cluster``, as the workers start with OMP_NUM_THREADS=1). Maps larger than
``--cnn-max-pixels`` are not given to the CNN. Each run's codes are saved in
the workdir; the parent checks that the cluster's equal the memmap run's, and
prints the memmap run's pixel accuracy against the map's truth (saved with it).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

#: make_map's default particle density: 40 particles on 128 x 128 pixels
DENSITY = 40 / 128**2
#: make_map's default pixel size, µm
PIXEL_UM = 10.0
#: the models, by command-line name: their label in the tables
LABELS = {
    "compressed": "library, compressed (pearson, 32 components)",
    "exact": "library, exact (library_pearson)",
    "cnn": "recommended CNN",
}


def header() -> None:
    import torch

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs ({usable} usable), "
        f"torch {torch.__version__} with {torch.get_num_threads()} threads, "
        f"numpy {np.__version__}, Python {platform.python_version()}"
    )
    print(f"command: {shlex.join(['python', *sys.argv])}\n", flush=True)


def make_identifier(name: str, args):
    from sklearn_raman.identification import SpectrumIdentifier
    from sklearn_raman.neighbors import LibrarySearchClassifier

    if name == "compressed":
        model = LibrarySearchClassifier(metric="pearson", n_components=32)
        return SpectrumIdentifier(model=model)
    if name == "exact":
        return SpectrumIdentifier(model="library_pearson")
    training = {"max_epochs": args.cnn_epochs, "n_threads": args.cnn_threads}
    return SpectrumIdentifier(model="recommended", training=training)


def fit(name: str, scan, args):
    """The identifier ``name`` fitted on ``scan``'s references, and its seconds."""
    identifier = make_identifier(name, args)
    start = time.perf_counter()
    identifier.fit([(scan.wavenumbers, r) for r in scan.references], scan.reference_y)
    return identifier, time.perf_counter() - start


def pixel_truth(pixel_labels) -> np.ndarray:
    """True codes of the pixels: class index, background (-2) on the filter."""
    from sklearn_raman.maps import BACKGROUND

    return np.where(pixel_labels >= 0, pixel_labels, BACKGROUND)


def predicted_codes(result, scan_classes) -> np.ndarray:
    """The result's codes as indices of ``scan_classes`` (-1, -2 kept)."""
    index = {c: i for i, c in enumerate(np.asarray(scan_classes).tolist())}
    lookup = np.array([index[c] for c in np.asarray(result.classes).tolist()])
    codes = np.asarray(result.codes)
    return np.where(codes >= 0, lookup[np.maximum(codes, 0)], codes)


def mean_sd(values, digits: int = 3) -> str:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return "n/a"
    if values.size == 1:
        return f"{values[0]:.{digits}f}"
    return f"{values.mean():.{digits}f} ± {values.std(ddof=1):.{digits}f}"


# accuracy ------------------------------------------------------------------


def accuracy(args) -> None:
    from sklearn_raman.datasets import make_map
    from sklearn_raman.maps import SpectralMap, identify_map, score_particles

    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    print(
        "make_map defaults: 128 x 128 pixels of 10 µm, 400 points 600-4000 cm-1, "
        "4 materials, 40 particles of 3-30 px, noise 0.02, 20 references per "
        f"material; seeds {seeds}, each model fitted on its map's references.\n"
        "identify_map defaults: background gate signal-to-noise >= 6 after "
        'subtracting the median pixel, grouping "signal", connectivity 2, '
        "min_pixels 1. Particles scored at >= 5 px (found and true), matched at "
        "IoU >= 0.5. Pixel accuracy: the class of each particle pixel, "
        "background (-2) on the filter (-1 in pixel_labels), over all pixels.\n",
        flush=True,
    )
    rows = {name: [] for name in args.models}
    for seed in seeds:
        scan = make_map(random_state=seed)
        smap = SpectralMap(
            scan.data, scan.wavenumbers, pixel_size_um=scan.pixel_size_um
        )
        truth = pixel_truth(scan.pixel_labels)
        for name in args.models:
            identifier, fit_s = fit(name, scan, args)
            start = time.perf_counter()
            result = identify_map(identifier, smap)
            identify_s = time.perf_counter() - start
            scores = score_particles(
                result, scan.particle_ids, scan.particles.material, min_pixels=5
            )
            pixel_acc = float(np.mean(predicted_codes(result, scan.classes) == truth))
            rows[name].append(
                dict(
                    scores, pixel_accuracy=pixel_acc, fit_s=fit_s, identify_s=identify_s
                )
            )
            print(
                f"seed {seed}, {name}: pixel accuracy {pixel_acc:.4f}, recall "
                f"{scores['recall']:.3f}, precision {scores['precision']:.3f}, "
                f"material accuracy {scores['material_accuracy']:.3f}, "
                f"{scores['n_matched']} of {scores['n_true']} true / "
                f"{scores['n_found']} found particles matched",
                flush=True,
            )
    print(
        f"\nmean ± sd over {len(seeds)} seed(s); min: the smallest over seeds\n\n"
        "| model | pixel accuracy | recall | recall min | precision "
        "| precision min | material accuracy | Feret-max error (px, median) "
        "| true / found particles | fit (s) | identify (s) |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|"
    )
    for name, runs in rows.items():

        def get(key, runs=runs):
            return np.array([r[key] for r in runs], dtype=float)

        print(
            f"| {LABELS[name]} | {mean_sd(get('pixel_accuracy'), 4)} "
            f"| {mean_sd(get('recall'))} | {np.nanmin(get('recall')):.3f} "
            f"| {mean_sd(get('precision'))} | {np.nanmin(get('precision')):.3f} "
            f"| {mean_sd(get('material_accuracy'))} "
            f"| {mean_sd(get('feret_error_px'), 2)} "
            f"| {get('n_true').mean():.1f} / {get('n_found').mean():.1f} "
            f"| {mean_sd(get('fit_s'), 2)} | {mean_sd(get('identify_s'), 2)} |"
        )


# scale: the maps -----------------------------------------------------------


def map_files(workdir: Path, side: int, bands: int, seed: int) -> dict:
    stem = workdir / f"map_{side}x{side}x{bands}_seed{seed}"
    return {
        "data": stem.with_suffix(".npy"),
        "truth": Path(f"{stem}_truth.npy"),
        "axis": Path(f"{stem}_axis.npy"),
    }


def build_map(files: dict, side: int, bands: int, seed: int) -> float | None:
    """Write the map of ``files``; its seconds (None: reused).

    One make_map of the whole size: the same seed draws the same materials,
    filter and references at every size (they are drawn before the
    particles), so the models fitted on the references of
    ``make_map(random_state=seed)`` know every map's materials.
    """
    from sklearn_raman.datasets import make_map

    if all(path.is_file() for path in files.values()):
        data = np.load(files["data"], mmap_mode="r")
        same = data.shape == (side, side, bands) and data.dtype == np.float32
        del data
        if same:
            return None
    start = time.perf_counter()
    scan = make_map(
        shape=(side, side),
        n_particles=max(1, round(DENSITY * side * side)),
        particle_size=(3.0, min(30.0, side / 4)),
        n_points=bands,
        random_state=seed,
    )
    partial = files["data"].with_name(files["data"].stem + ".partial.npy")
    np.save(partial, scan.data)
    np.save(files["truth"], scan.pixel_labels.astype(np.int8))
    np.save(files["axis"], scan.wavenumbers)
    os.replace(partial, files["data"])
    return time.perf_counter() - start


# scale: one timed run, in its own process ------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident memory, MB.

    ``VmHWM`` of /proc/self/status where there is one: the high-water mark of
    this process's own memory. ``ru_maxrss`` (KiB on Linux) is the fallback
    only: Linux keeps it across ``exec``, so a child started by a large
    parent (this benchmark, after fitting a CNN) reports at least the
    parent's peak.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def warm_worker(torch_too: bool) -> None:
    """Imports a worker needs, before the timed run."""
    import sklearn_raman.identification  # noqa: F401
    import sklearn_raman.maps  # noqa: F401

    if torch_too:
        import torch  # noqa: F401


def release_threads(obj, seen=None) -> None:
    """Set ``n_threads=None`` on every fitted deep estimator inside ``obj``."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, list | tuple):
        for item in obj:
            release_threads(item, seen)
        return
    if not hasattr(obj, "get_params"):
        return
    if "n_threads" in obj.get_params(deep=False):
        obj.n_threads = None
    for value in vars(obj).values():
        release_threads(value, seen)
    for _, step in getattr(obj, "steps", []):
        release_threads(step, seen)


def one(args) -> None:
    """One timed identify_map, its figures as a JSON line on stdout."""
    from sklearn_raman.identification import SpectrumIdentifier
    from sklearn_raman.maps import identify_map, open_npy_map

    start = time.perf_counter()
    model = SpectrumIdentifier.load(args.model_file)
    release_threads(model)
    load_s = time.perf_counter() - start
    axis = np.load(args.axis)
    client = cluster = None
    if args.mode == "memmap":
        smap = open_npy_map(args.map, axis, pixel_size_um=PIXEL_UM)
    else:
        import logging

        from distributed import Client, LocalCluster

        cluster = LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
        client.run(warm_worker, model.model == "recommended")
        # each worker reads its own rows from the file (maps.NpyRows)
        side = np.load(args.map, mmap_mode="r").shape[1]
        smap = open_npy_map(
            args.map,
            axis,
            chunks=max(1, args.chunk_pixels // side),
            pixel_size_um=PIXEL_UM,
        )
    rss_before = peak_rss_mb()
    start = time.perf_counter()
    result = identify_map(model, smap, chunk_pixels=args.chunk_pixels)
    seconds = time.perf_counter() - start
    workers = sorted(client.run(peak_rss_mb).values()) if client else []
    np.save(args.codes, result.codes)
    report = {
        "seconds": seconds,
        "load_s": load_s,
        "pixels": smap.n_pixels,
        "bands": smap.n_points,
        "particles": int(result.n_particles),
        "rss_mb": peak_rss_mb(),
        "rss_before_mb": rss_before,
        "workers_rss_mb": workers,
    }
    if client is not None:
        client.close()
        cluster.close()
    print(json.dumps(report), flush=True)


# scale: the parent ---------------------------------------------------------


def run_one(name, mode, files, model_file, codes_file, args) -> dict:
    command = [
        sys.executable,
        __file__,
        "_one",
        "--mode",
        mode,
        "--map",
        str(files["data"]),
        "--axis",
        str(files["axis"]),
        "--model-file",
        str(model_file),
        "--codes",
        str(codes_file),
        "--chunk-pixels",
        str(args.chunk_pixels),
        "--workers",
        str(args.workers),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"{name} / {mode} failed:\n{done.stderr[-3000:]}", flush=True)
        return {"failed": True}
    return json.loads(done.stdout.strip().splitlines()[-1])


def scale(args) -> None:
    from sklearn_raman.datasets import make_map

    workdir = args.workdir or Path(tempfile.gettempdir()) / "sklearn_raman_maps_bench"
    workdir.mkdir(parents=True, exist_ok=True)
    reference = make_map(n_points=args.bands, random_state=args.seed)
    print(
        f"workdir: {workdir} (maps kept and reused). Models fitted on the "
        f"references of make_map(random_state={args.seed}) ("
        f"{len(reference.references)} spectra, {reference.classes.size} "
        f"materials); maps of {args.bands} bands, make_map(random_state="
        f"{args.seed}) of each size (the same materials) at "
        f"{DENSITY * 1e4:.1f} particles per 10^4 pixels; chunk_pixels "
        f"{args.chunk_pixels}; cluster: LocalCluster(n_workers={args.workers}, "
        "threads_per_worker=1).\n",
        flush=True,
    )
    fits = {}
    for name in args.models:
        identifier, fit_s = fit(name, reference, args)
        path = workdir / f"model_{name}.skops"
        identifier.save(path)
        fits[name] = (fit_s, path)
    print("| model | fit (s) | model file (MB) |\n|---|---|---|")
    for name, (fit_s, path) in fits.items():
        print(f"| {LABELS[name]} | {fit_s:.2f} | {path.stat().st_size / 1e6:.2f} |")
    print(flush=True)

    table, checks, skipped = [], [], []
    for size in args.sizes:
        side = max(1, round(math.sqrt(size)))
        files = map_files(workdir, side, args.bands, args.seed)
        built = build_map(files, side, args.bands, args.seed)
        what = "reused" if built is None else f"written in {built:.1f} s"
        gb = files["data"].stat().st_size / 1e9
        print(f"map {side} x {side} x {args.bands} ({gb:.2f} GB): {what}", flush=True)
        truth = pixel_truth(np.load(files["truth"]))
        for name in args.models:
            if name == "cnn" and side * side > args.cnn_max_pixels:
                skipped.append(side * side)
                continue
            codes = {}
            for mode in args.modes:
                codes_file = workdir / f"codes_{side}_{name}_{mode}.npy"
                report = run_one(name, mode, files, fits[name][1], codes_file, args)
                if report.get("failed"):
                    table.append((name, mode, side * side, None, "failed"))
                    continue
                codes[mode] = np.load(codes_file)
                same = "(reference)" if mode == "memmap" else "n/a"
                if mode != "memmap" and "memmap" in codes:
                    differ = int(np.sum(codes[mode] != codes["memmap"]))
                    same = "yes" if differ == 0 else f"no ({differ} pixels differ)"
                if mode != "memmap":
                    checks.append(
                        f"{LABELS[name]}, {side * side:,} pixels, {mode}: identical "
                        f"pixel labels: {same}"
                    )
                table.append((name, mode, side * side, report, same))
                print(
                    f"  {name} / {mode}: {report['seconds']:.2f} s, "
                    f"{report['particles']} particles",
                    flush=True,
                )
            if "memmap" in codes:
                found = codes["memmap"]
                acc = float(np.mean(found == truth))
                wrong = int(np.sum((found >= 0) & (truth >= 0) & (found != truth)))
                checks.append(
                    f"{LABELS[name]}, {side * side:,} pixels: pixel accuracy of the "
                    f"memmap run against the map's truth {acc:.4f}; particle pixels "
                    f"given a wrong material: {wrong} of {int(np.sum(truth >= 0))}"
                )

    print(
        "\n| model | mode | pixels | bands | time (s) | pixels/s | peak RSS (MB) "
        "| identical to memmap |\n|---|---|---|---|---|---|---|---|"
    )
    for name, mode, pixels, report, same in table:
        if report is None:
            print(
                f"| {LABELS[name]} | {mode} | {pixels} | {args.bands} | failed | | | |"
            )
            continue
        rss = f"{report['rss_mb']:.0f} ({report['rss_before_mb']:.0f} before)"
        if report["workers_rss_mb"]:
            each = ", ".join(f"{w:.0f}" for w in report["workers_rss_mb"])
            rss = f"client {rss}; workers {each}"
        print(
            f"| {LABELS[name]} | {mode} | {pixels:,} | {report['bands']} "
            f"| {report['seconds']:.2f} | {pixels / report['seconds']:,.0f} "
            f"| {rss} | {same} |"
        )
    print(
        "\ntime: identify_map's wall time (pixels, background gate, particles, "
        "their mean spectra re-identified), the model already loaded and the "
        "cluster started. Peak RSS: VmHWM of the timed process (model and "
        "imports included; in brackets, its peak before identify_map); the "
        "cluster's workers are other processes, their peaks given apart."
    )
    if skipped:
        print(
            f"recommended CNN not run on {', '.join(f'{p:,}' for p in skipped)} "
            f"pixels: more than --cnn-max-pixels {args.cnn_max_pixels}."
        )
    for line in checks:
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for command in ("accuracy", "scale"):
        sub = commands.add_parser(command)
        sub.add_argument(
            "--models", nargs="+", choices=list(LABELS), default=list(LABELS)
        )
        sub.add_argument("--cnn-epochs", type=int, default=30)
        sub.add_argument("--cnn-threads", type=int, default=2)
    acc = commands.choices["accuracy"]
    acc.add_argument("--seeds", type=int, default=5, help="number of seeds")
    acc.add_argument("--first-seed", type=int, default=0)
    sc = commands.choices["scale"]
    sc.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 10**6])
    sc.add_argument(
        "--modes",
        nargs="+",
        choices=["memmap", "cluster"],
        default=["memmap", "cluster"],
    )
    sc.add_argument("--workdir", type=Path, default=None)
    sc.add_argument("--bands", type=int, default=400)
    sc.add_argument("--seed", type=int, default=0)
    sc.add_argument("--cnn-max-pixels", type=int, default=100_000)
    sc.add_argument("--chunk-pixels", type=int, default=32768)
    sc.add_argument("--workers", type=int, default=2)
    child = commands.add_parser("_one", help="internal: one timed run of scale")
    child.add_argument("--mode", choices=["memmap", "cluster"], required=True)
    for option in ("--map", "--axis", "--model-file", "--codes"):
        child.add_argument(option, required=True)
    child.add_argument("--chunk-pixels", type=int, default=32768)
    child.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.command == "_one":
        one(args)
        return
    header()
    {"accuracy": accuracy, "scale": scale}[args.command](args)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
