"""``python -m sklearn_raman identify``: identify spectrum files with a model."""

from __future__ import annotations

from . import _args, _data


def add_parser(sub) -> None:
    """The ``identify`` command and its options."""
    identify = sub.add_parser(
        "identify",
        help="identify spectrum files with a model written by train",
        description="Print per spectrum the best matches, the conformal "
        "prediction set and the unknown verdict.",
    )
    identify.add_argument("model", metavar="MODEL.skops")
    identify.add_argument("files", nargs="+", metavar="FILE_OR_FOLDER")
    identify.add_argument("--top", type=int, default=5, help="matches shown")
    _args.add_laser(identify)
    identify.add_argument(
        "--alpha",
        type=float,
        default=0.05,
        help="prediction sets hold the true class with probability 1 - alpha",
    )
    output = identify.add_argument_group("output")
    output.add_argument("--out", metavar="RESULTS.csv")
    output.add_argument(
        "--plots", metavar="DIR", help="a figure per spectrum: query over match"
    )
    output.add_argument(
        "--report",
        metavar="REPORT.html",
        help="one self-contained HTML file: summary, model, a sortable table "
        "and a figure per spectrum (opens offline)",
    )
    _args.add_quiet(output)


def _print(result, alpha: float) -> None:
    for row in result.records():
        novelty = row[result.novelty_score]
        print(
            f"{row['file']} [{row['spectrum']}]: {str(row['verdict']).upper()} "
            f"({result.novelty_score} {novelty:.4g}, unknown below "
            f"{result.threshold:.4g})"
        )
        for j in range(result.top_classes.shape[1]):
            match, score = row[f"match_{j + 1}"], row[f"{result.score_kind}_{j + 1}"]
            print(f"   {j + 1}. {match!s:<24} {result.score_kind} {score:.4f}")
        if result.prediction_sets is not None:
            members = row["prediction_set"].replace(";", ", ") or (
                f"(empty: {row['set_note']})"
            )
            print(f"   prediction set at {1 - alpha:.0%}, if known: {members}")


def run(args) -> int:
    """Read the files, identify their spectra, print (and write) the results."""
    from ..datasets import SpectrumFileError
    from ..identification import SpectrumIdentifier, save_match_plots, write_report

    identifier = SpectrumIdentifier.load(args.model)
    # the model's axis kind decides: a model fitted on wavelengths (an older
    # model file) takes wavelengths as they are, any other needs the laser
    data = _data.read_converted(
        args.files,
        _args.lasers(args),
        demand=identifier.x_kind_ != "wavelength",
        label_from=lambda _: "",
        on_error="warn",
        progress=_args.progress(args),
    )
    for path, reason in data.skipped:
        print(f"skipped {path}: {reason}")
    if not data.spectra:
        raise SpectrumFileError(
            f"no spectrum could be read from {' '.join(args.files)}: give files "
            "or folders of spectrum files (the reasons are printed above)"
        )
    result = identifier.identify(
        data, top=args.top, alpha=args.alpha, progress=_args.progress(args)
    )
    if not args.quiet:
        _print(result, args.alpha)
    if args.out:
        result.to_csv(args.out)
        print(f"wrote {args.out}")
    if args.plots:
        paths = save_match_plots(
            identifier, result, args.plots, progress=_args.progress(args)
        )
        print(f"wrote {len(paths)} figures to {args.plots}")
    if args.report:
        report = write_report(identifier, result, args.report)
        print(f"wrote {report} ({report.stat().st_size / 1e6:.2f} MB)")
    return 0
