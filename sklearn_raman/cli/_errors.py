"""Which exceptions of a command are the user's to fix, and their one-line form."""

from __future__ import annotations

import os

#: the environment variable that shows tracebacks, as ``--debug`` does
DEBUG_VARIABLE = "SKLEARN_RAMAN_DEBUG"

#: operating-system errors about a path the user gave (not a full disk, a
#: broken pipe or a lost connection, which stay tracebacks)
PATH_ERRORS = (
    FileNotFoundError,
    NotADirectoryError,
    IsADirectoryError,
    PermissionError,
    FileExistsError,
)


def is_user_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a user error: printed in one line, exit status 2.

    User errors are ``ValueError`` (the package's way of refusing input:
    ``SpectrumFileError``, scikit-learn's ``InvalidParameterError``, a grid,
    unit or axis-kind mismatch, no common range), the path errors of
    ``PATH_ERRORS``, and an ``ImportError`` whose message names a ``pip
    install`` (a missing optional extra). Everything else (``TypeError``,
    ``AttributeError``, ``KeyError``, ``IndexError``, an ``ImportError`` of
    the package itself, ...) is a bug and keeps its traceback.

    Examples
    --------
    >>> from sklearn_raman.cli._errors import is_user_error
    >>> is_user_error(FileNotFoundError("no such file or folder: refs/"))
    True
    >>> is_user_error(ImportError("needs spc-io: pip install spc-io"))
    True
    >>> is_user_error(KeyError("x_kind")), is_user_error(ImportError("name"))
    (False, False)
    """
    if isinstance(exc, ImportError):
        return "pip install" in str(exc)
    return isinstance(exc, (ValueError, *PATH_ERRORS))


def one_line(exc: BaseException) -> str:
    r"""The message of ``exc`` on one line (an OS error as ``path: reason``).

    Examples
    --------
    >>> from sklearn_raman.cli._errors import one_line
    >>> one_line(ValueError("a.csv: line 3:\n  expected two numbers"))
    'a.csv: line 3: expected two numbers'
    >>> one_line(PermissionError(13, "Permission denied", "refs/a.spc"))
    'refs/a.spc: Permission denied'
    """
    if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        text = f"{exc.filename}: {exc.strerror}"
        if exc.filename2 is not None:
            text += f" ({exc.filename2})"
    else:
        text = str(exc)
    text = " ".join(part.strip() for part in text.splitlines() if part.strip())
    return text or type(exc).__name__


def debug_requested(flag: bool) -> bool:
    """``--debug``, or ``SKLEARN_RAMAN_DEBUG`` set to anything but ``""`` / ``0``."""
    return flag or os.environ.get(DEBUG_VARIABLE, "").strip() not in ("", "0")
