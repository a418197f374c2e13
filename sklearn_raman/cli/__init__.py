"""The command line: ``python -m sklearn_raman COMMAND``.

The commands: benchmark, train, identify, identify-map, pretrain. Each is a module with
``add_parser(sub)`` and ``run(args)``, a thin layer over the public API
(:mod:`sklearn_raman.benchmark`,
:class:`~sklearn_raman.identification.SpectrumIdentifier`,
:func:`~sklearn_raman.neural.pretrain`); the options they share are declared
once in ``_args``. A new command is one module here and one line in
``COMMANDS``.

Errors: a user error prints one line, ``error: <message>`` (the message
names the file and the fix), to stderr and :func:`main` returns 2, the
status of argparse's own errors. User errors are ``ValueError`` and its
subclasses (:class:`~sklearn_raman.datasets.SpectrumFileError`,
scikit-learn's ``InvalidParameterError``: unreadable files, no common
range, unit or axis-kind mismatches, bad settings), ``FileNotFoundError``,
``NotADirectoryError``, ``IsADirectoryError``, ``PermissionError``,
``FileExistsError`` (a path the user gave), and an ``ImportError`` whose
message names a ``pip install`` (a missing optional extra). Any other
exception (``TypeError``, ``AttributeError``, ``KeyError``, ``IndexError``,
...) is a bug and raises with its traceback. ``--debug`` (before or after the
command) or the environment variable ``SKLEARN_RAMAN_DEBUG=1`` re-raise user
errors too.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ._errors import debug_requested, is_user_error, one_line

DEBUG_HELP = (
    "show the traceback of an error (also: environment variable SKLEARN_RAMAN_DEBUG=1)"
)

#: the commands, in the order ``--help`` lists them
COMMANDS = ("benchmark", "train", "identify", "identify-map", "pretrain")


def _module(command: str) -> str:
    """The module of a command (``identify-map`` -> ``.identify_map``)."""
    return "." + command.replace("-", "_")


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
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(_module(name), __name__).add_parser(sub)
    for command in sub.choices.values():
        # after the command too; SUPPRESS: not given there, the top level's stays
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP
        )
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
        Exit status: 0, or 2 after a user error (its one line on stderr;
        see the module's docstring for what counts as one). Bad arguments
        exit 2 through argparse (``SystemExit``).

    Examples
    --------
    >>> from sklearn_raman.cli import main
    >>> main(["benchmark", "--n-classes", "3", "--n-samples-per-class", "6",
    ...       "--models", "knn1", "--repeats", "1"])  # doctest: +ELLIPSIS
    data: synthetic make_spectra(...
    0
    >>> import contextlib, io
    >>> with contextlib.redirect_stderr(io.StringIO()) as err:
    ...     status = main(["train", "--data", "no/such/folder", "--out", "m.skops"])
    >>> print(status, err.getvalue().strip())
    2 error: no such file or folder: no/such/folder
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    args.argv = argv  # the command line as given (benchmark records it)
    try:
        return importlib.import_module(_module(args.command), __name__).run(args)
    except Exception as exc:
        if debug_requested(args.debug) or not is_user_error(exc):
            raise
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return 2
