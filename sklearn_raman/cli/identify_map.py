"""``python -m sklearn_raman identify-map``: a filter map to a particle list."""

from __future__ import annotations

import os
from pathlib import Path

from . import _args


def add_parser(sub) -> None:
    """The ``identify-map`` command and its options."""
    from ..maps._identify import CHUNK_PIXELS

    command = sub.add_parser(
        "identify-map",
        help="identify every pixel of a map file, find and count its particles",
        description="Identify each pixel of a hyperspectral map (ENVI, Agilent "
        "FPA tile or mosaic, .wdf map, a table with x, y columns) with a model "
        "written by train, join connected pixels into particles, re-identify "
        "each particle's mean spectrum and write the particle list.",
    )
    command.add_argument("model", metavar="MODEL.skops")
    command.add_argument("map", metavar="MAP_FILE_OR_FOLDER")
    gate = command.add_argument_group("background and particles")
    gate.add_argument(
        "--background-threshold",
        type=float,
        default=None,
        help="signal-to-noise below which a pixel is background (default 6)",
    )
    gate.add_argument(
        "--no-background",
        action="store_true",
        help="no background gate: every pixel is identified",
    )
    gate.add_argument(
        "--grouping",
        choices=("signal", "material"),
        default="signal",
        help="particles: touching signal pixels (default), or touching pixels "
        "of one material (crowded filters)",
    )
    gate.add_argument(
        "--min-pixels", type=int, default=1, help="smallest particle, in pixels"
    )
    gate.add_argument(
        "--chunk-pixels",
        type=int,
        default=CHUNK_PIXELS,
        help="pixels identified at once (memory)",
    )
    output = command.add_argument_group("output")
    output.add_argument("--out", metavar="PARTICLES.csv", help="the particle list")
    output.add_argument(
        "--pixels", metavar="PIXELS.npz", help="per-pixel codes, scores, particles"
    )
    output.add_argument(
        "--plots", metavar="DIR", help="material map and size distribution per map"
    )
    _args.add_quiet(output)


def _read_maps(path: str):
    """The maps of a file (errors raise) or of a folder (non-maps are listed)."""
    from sklearn.utils import Bunch

    from ..datasets import read_spectra
    from ..maps import maps_from_spectra

    if not os.path.exists(path):
        raise FileNotFoundError(f"no such file or folder: {path}")
    data = read_spectra(path, label_from=lambda _: "", on_error="warn")
    skipped = [(str(p), reason) for p, reason in data.skipped]
    if not os.path.isdir(path):
        return maps_from_spectra(data), skipped
    maps = []
    for name in dict.fromkeys(str(f) for f in data.filenames):
        rows = [i for i, f in enumerate(data.filenames) if str(f) == name]
        part = {
            "spectra": [data.spectra[i] for i in rows],
            "filenames": [data.filenames[i] for i in rows],
            "metadata": [data.metadata[i] for i in rows],
        }
        try:
            maps += maps_from_spectra(Bunch(**part))
        except ValueError as exc:
            skipped.append((name, str(exc).removeprefix(f"{name}: ")))
    return maps, skipped


def _stem(smap) -> str:
    return Path(str(smap.name).split(" z=")[0]).stem + (
        f"_z{str(smap.name).split(' z=')[1]}" if " z=" in str(smap.name) else ""
    )


def run(args) -> int:
    """Read the map(s), identify them, print and write the particle lists."""
    from ..datasets import SpectrumFileError
    from ..identification import SpectrumIdentifier
    from ..maps import identify_map, write_particle_csv

    identifier = SpectrumIdentifier.load(args.model)
    maps, skipped = _read_maps(args.map)
    for path, reason in skipped:
        print(f"skipped {path}: {reason}")
    if not maps:
        raise SpectrumFileError(
            f"no map could be read from {args.map}: give a map file or a folder "
            "of them (the reasons are printed above)"
        )
    results = []
    for smap in maps:
        result = identify_map(
            identifier,
            smap,
            background=None if args.no_background else "snr",
            background_threshold=args.background_threshold,
            grouping=args.grouping,
            min_pixels=args.min_pixels,
            chunk_pixels=args.chunk_pixels,
            progress=not args.quiet,
        )
        results.append(result)
        print(result.summary())
        for row in result.counts():
            sizes = ", ".join(
                f"{k} {v}" for k, v in row.items() if k not in ("material", "total")
            )
            print(
                f"   {row['material']:<24} {row['total']:>5}"
                + (f"  ({sizes} µm)" if sizes else "")
            )
        if args.pixels:
            target = Path(args.pixels)
            if len(maps) > 1:
                target = target.with_name(f"{target.stem}_{_stem(smap)}.npz")
            result.save_pixels(target)
            print(f"wrote {target}")
        if args.plots:
            _save_plots(result, Path(args.plots), _stem(smap))
    if args.out:
        write_particle_csv(args.out, results, map_name=True)
        print(f"wrote {args.out}")
    return 0


def _save_plots(result, folder: Path, stem: str) -> None:
    from ..plotting import _pyplot

    plt = _pyplot()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    ax = result.plot_map()
    path = folder / f"{stem}_materials.png"
    ax.figure.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(ax.figure)
    written.append(path)
    if result.unit == "um":
        ax = result.plot_sizes(title=f"{stem}: particles per size class")
        path = folder / f"{stem}_sizes.png"
        ax.figure.savefig(path, dpi=150, bbox_inches="tight")
        plt.close(ax.figure)
        written.append(path)
    print(f"wrote {', '.join(str(p) for p in written)}")
