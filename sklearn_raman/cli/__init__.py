"""The command line: ``python -m sklearn_raman COMMAND``.

The commands: benchmark, train, identify, pretrain. Each is a module with
``add_parser(sub)`` and ``run(args)``, a thin layer over the public API
(:mod:`sklearn_raman.benchmark`,
:class:`~sklearn_raman.identification.SpectrumIdentifier`,
:func:`~sklearn_raman.neural.pretrain`); the options they share are declared
once in ``_args``. A new command is one module here and one line in
``COMMANDS``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: the commands, in the order ``--help`` lists them
COMMANDS = ("benchmark", "train", "identify", "pretrain")


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command.

    Returns
    -------
    parser : argparse.ArgumentParser
        ``python -m sklearn_raman``'s parser, one subcommand per module.

    Examples
    --------
    >>> from sklearn_raman.cli import build_parser
    >>> build_parser().parse_args(["identify", "m.skops", "a.txt"]).top
    5
    """
    parser = argparse.ArgumentParser(prog="python -m sklearn_raman")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f".{name}", __name__).add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line interface.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments (``None``: ``sys.argv[1:]``).

    Returns
    -------
    status : int
        Exit status.

    Examples
    --------
    >>> from sklearn_raman.cli import main
    >>> main(["benchmark", "--n-classes", "3", "--n-samples-per-class", "6",
    ...       "--models", "knn1", "--repeats", "1"])  # doctest: +ELLIPSIS
    data: synthetic make_spectra(...
    0
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    args.argv = argv  # the command line as given (benchmark records it)
    return importlib.import_module(f".{args.command}", __name__).run(args)
