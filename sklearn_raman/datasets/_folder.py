"""Reading a folder (or a list) of spectrum files: labels, groups, progress, errors."""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.utils import Bunch

from .._progress import progress_bar
from ._formats import ascending, companion_header
from ._readers import (
    _SAMPLE_ID,
    _metadata,
    _parse,
    _read_vendor,
    read_table,
    rruff_sample_id,
)
from ._text import SpectrumFileError, SpectrumFileWarning
from ._walk import Found, _class_counts, _class_warnings, _label_of, find_files

_LABEL_FROM = ("auto", "folder", "rruff_name")
_GROUPS_FROM = ("auto", "file", "stem")


def read_spectra(
    source: str | os.PathLike | Iterable[str | os.PathLike],
    label_from: str | Callable[[Path], object] = "auto",
    *,
    groups_from: str | re.Pattern | Callable[[Path], object] = "auto",
    pattern: str = "*",
    recursive: bool = True,
    layout: str = "auto",
    label_column: str | None = None,
    on_error: str = "raise",
    n_jobs: int | None = None,
    progress: bool | None = None,
) -> Bunch:
    r"""Read a folder (or a list) of spectrum files, tables of spectra included.

    A file of one spectrum gives one; a wide table (see :func:`read_table`)
    gives every spectrum it holds, each with its column / row label.

    Parameters
    ----------
    source : path or iterable of paths
        A folder, searched for files matching ``pattern`` (in subfolders too
        when ``recursive``), one file, or a list of files and folders.
        Links are followed: a linked class folder is read under the link's
        name, a linked file as a file. A link to a folder already read (a
        sibling, or one containing it: a loop) warns, naming link and target,
        and is not followed; a broken link is a file that cannot be read.
    label_from : {"auto", "folder", "rruff_name"} or callable, default="auto"
        Where the class label comes from: ``"folder"``, the name of the file's
        folder (one folder per class); ``"rruff_name"``, the mineral name that
        starts a RRUFF file name (``Albite__R040068__...`` -> ``"Albite"``);
        ``label_from(path)``; ``"auto"``, the table's own labels for the
        spectra of a wide table (``label_column``, or its column names / the
        first text label field of its rows), the folder otherwise.

        A file that lies directly in a folder ``source`` has no class folder:
        with ``"folder"`` or ``"auto"`` it would get the name of ``source``
        itself, so reading a flat folder raises and names the fix (one
        subfolder per class, or a callable).
    groups_from : {"auto", "file", "stem"}, regex or callable, default="auto"
        The sample id of each spectrum (``groups``), for group-aware splits:
        spectra of one id never sit on both sides of a split, so an id must
        not join different physical samples. ``"auto"``: the RRUFF sample id
        when the file's header or name carries one (``R040068``; see
        :func:`rruff_sample_id`), else the file itself (its path); the
        spectra of a table: ``"<path>:<spectrum name>"``. ``"file"``: the file
        (its path), always. ``"stem"``: the file name without its extension,
        for data sets whose file names are sample ids shared across folders
        or instruments (MMPSD's ``PP01``). A regex (``str`` or compiled): the
        first capture group, or else the whole match, of its search in the file
        name (``r"^(S\d+)_"`` for ``S12_spot3.txt``); a file it does not
        match raises. A callable: ``groups_from(path)``. Every option but
        ``"auto"`` gives all spectra of a file (a table, a map) one id.
    pattern : str, default="*"
        Glob pattern of the files in a folder. Hidden files are skipped.
    recursive : bool, default=True
        Search subfolders of a folder.
    layout : {"auto", "columns", "rows"}, default="auto"
        Layout of tables, as in :func:`read_table`.
    label_column : str or None, default=None
        The label field of row-layout tables that gives the labels with
        ``label_from="auto"`` (e.g. ``"Cluster Autoanalysis"``), as in
        :func:`read_table`.
    on_error : {"raise", "warn", "skip"}, default="raise"
        A file that cannot be read: ``"raise"`` stops at the first, with its
        error; ``"warn"`` and ``"skip"`` go on, list it in ``skipped`` with
        the reason, and ``"warn"`` also warns once with the count. A missing
        optional reader package always raises (it is no fault of the file).
    n_jobs : int or None, default=None
        Read files in parallel processes (joblib; ``-1``: all cores). Worth it
        for thousands of files or slow formats; None: one process.
    progress : bool or None, default=None
        A tqdm progress bar over the files; None: shown for more than 100
        files when writing to a terminal.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``spectra``: list of ``(wavenumbers, intensities)`` pairs, each on its
        own axis (feed it to :class:`~sklearn_raman.SpectrumResampler`);
        ``y``: ndarray of labels; ``groups``: ndarray of sample ids, for
        group-aware splits (see ``groups_from``); ``filenames``: ndarray of
        paths (a table's repeated for each of its spectra); ``metadata``:
        list of header dicts (with ``"name"`` and the row's label fields for
        the spectra of a table); ``skipped``: list of ``(path, reason)`` of
        the files left out (``on_error="warn"`` or ``"skip"``); ``counts``:
        ``{class: (files read, files skipped)}``, classes sorted (a table of
        several classes counts for each; a skipped file under the label its
        folder or ``label_from`` gives it, None where that fails).

        A class folder (``label_from`` ``"folder"`` or ``"auto"``) of which
        no file was read, or that holds no file matching ``pattern``, warns
        with its name; with other labels, a class of which no file was read.

        An instrument file of several spectra (a map, a line scan, a series, a
        multifile) gives every spectrum, with its ``index`` (and position or
        time) in the metadata, and its file as group: a grouped split never
        puts two spectra of one map on both sides. When the files' axes are of
        different kinds (nm and Raman shift, say) a warning says so.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_raman.datasets import read_spectra
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for cls in ("calcite", "quartz"):
    ...     (root / cls).mkdir()
    ...     _ = (root / cls / "a.csv").write_text("x,y\n100,1\n200,2\n")
    >>> data = read_spectra(root)
    >>> data.y.tolist(), len(data.spectra)
    (['calcite', 'quartz'], 2)
    >>> data.counts
    {'calcite': (1, 0), 'quartz': (1, 0)}
    """
    if not callable(label_from) and label_from not in _LABEL_FROM:
        raise ValueError(
            f"label_from must be one of {_LABEL_FROM} or a callable; got {label_from!r}"
        )
    groups_from = _check_groups_from(groups_from)
    sources = [source] if isinstance(source, str | os.PathLike) else list(source)
    if not sources:
        raise ValueError("read_spectra: the list of files is empty")
    walks = [(Path(root), _files(Path(root), pattern, recursive)) for root in sources]
    found = [(root, walk.files) for root, walk in walks]
    # a file named twice (or an image by its header and its data) is read once
    paths = list(dict.fromkeys(p for _, files in found for p in files))
    for _, walk in walks:
        for note in walk.notes:
            warnings.warn(note, SpectrumFileWarning, stacklevel=2)
    if on_error not in _ON_ERROR:
        raise ValueError(f"on_error must be one of {_ON_ERROR}; got {on_error!r}")
    read = delayed(_read_or_reason)
    jobs = (read(p, label_from, layout, label_column, on_error) for p in paths)
    results = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
    parts, skipped, read_paths = [], [], []
    for path, result in progress_bar(
        zip(paths, results), total=len(paths), progress=progress, unit="file"
    ):
        if isinstance(result, str):
            skipped.append((str(path), result))
        else:
            parts.append(result)
            read_paths.append(path)
    if skipped and on_error == "warn":
        warnings.warn(
            f"{len(skipped)} of {len(paths)} files skipped (see .skipped); the "
            f"first: {skipped[0][0]}: {skipped[0][1]}",
            SpectrumFileWarning,
            stacklevel=2,
        )
    if not parts:
        raise SpectrumFileError(
            f"none of the {len(paths)} files could be read; the first: "
            f"{skipped[0][0]}: {skipped[0][1]}"
        )
    if not callable(label_from) and label_from in ("auto", "folder"):
        _check_class_folders(found, parts, label_from)
    if groups_from != "auto":
        # here, not in the readers: a pattern that misses is the caller's
        # error, never a file to skip
        for part in parts:
            part.groups = np.asarray(
                [_group_of(Path(f), groups_from) for f in part.filenames]
            )
    _warn_mixed_axes(parts)
    by_folder = not callable(label_from) and label_from in ("auto", "folder")
    counts = _class_counts(parts, skipped, label_from)
    for line in _class_warnings(walks, read_paths, skipped, counts, pattern, by_folder):
        warnings.warn(line, SpectrumFileWarning, stacklevel=2)
    return Bunch(
        skipped=skipped,
        counts=counts,
        spectra=[s for part in parts for s in part.spectra],
        y=np.concatenate([part.y for part in parts]),
        groups=np.concatenate([part.groups for part in parts]),
        filenames=np.concatenate([part.filenames for part in parts]),
        metadata=[m for part in parts for m in part.metadata],
    )


_ON_ERROR = ("raise", "warn", "skip")


def _files(root: Path, pattern: str, recursive: bool) -> Found:
    """``root`` itself if a file; a folder's files matching ``pattern``."""
    if root.is_file():
        return Found(files=[companion_header(root) or root])
    if not root.is_dir():
        raise FileNotFoundError(f"no such file or folder: {root}")
    found = find_files(root, pattern, recursive)
    # an image's data files are read through its header: once, by that name
    found.files = list(dict.fromkeys(companion_header(f) or f for f in found.files))
    if not found.files:
        # the links skipped may be why nothing is left: say so
        why = "".join(f"; {note}" for note in found.notes)
        raise FileNotFoundError(f"no files matching {pattern!r} in {root}{why}")
    return found


def _check_groups_from(groups_from):
    """``groups_from`` as given, a regex compiled; unknown keywords raise."""
    if callable(groups_from) or isinstance(groups_from, re.Pattern):
        return groups_from
    if not isinstance(groups_from, str):
        raise TypeError(
            "groups_from must be 'auto', 'file', 'stem', a regex or a callable; "
            f"got {type(groups_from).__name__}"
        )
    if groups_from in _GROUPS_FROM:
        return groups_from
    try:
        return re.compile(groups_from)
    except re.error as exc:
        raise ValueError(
            f"groups_from={groups_from!r} is neither one of {_GROUPS_FROM} nor a "
            f"regular expression ({exc})"
        ) from None


def _group_of(path: Path, groups_from) -> str:
    """The sample id of ``path`` by ``groups_from`` (not "auto")."""
    if callable(groups_from):
        return str(groups_from(path))
    if groups_from == "file":
        return str(path)
    if groups_from == "stem":
        return path.stem
    match = groups_from.search(path.name)
    if match is None:
        raise ValueError(
            f"{path}: groups_from={groups_from.pattern!r} does not match the file "
            "name, so it gives no sample id; fix the pattern or pass a callable"
        )
    return match.group(1) if groups_from.groups else match.group(0)


def _check_class_folders(found, parts, label_from: str) -> None:
    """Raise when files lying directly in a folder source were labelled by it."""
    by_folder = {
        name for part in parts if part.labelled_by_folder for name in part.filenames
    }
    for root, files in found:
        if not root.is_dir():
            continue  # a file named on its own: its folder is the user's choice
        loose = [p for p in files if p.parent == root and str(p) in by_folder]
        if loose:
            raise ValueError(
                f"{len(loose)} of the {len(files)} files in {root} lie directly in "
                f"it, e.g. {loose[0].name}: label_from={label_from!r} would label "
                f"them {root.name!r}, the name of the folder you read, not a "
                f"class. Put each class's files in a subfolder of {root} "
                f"({root}/<class>/<file>), or say where labels come from: "
                "label_from=callable(path) (e.g. lambda p: p.stem.split('_')[0]) "
                "or 'rruff_name'"
            )


def _read_or_reason(path: Path, label_from, layout, label_column, on_error):
    """The spectra of one file, or (unless raising) why it could not be read."""
    try:
        if path.is_symlink() and not path.exists():
            raise SpectrumFileError(
                f"{path}: a link to {os.readlink(path)}, which does not exist; "
                "fix or remove the link"
            )
        return _read_file(path, label_from, layout, label_column)
    except (SpectrumFileError, ValueError, OSError) as exc:
        if on_error == "raise":
            raise
        return f"{type(exc).__name__}: {exc}"


class _MixedAxesWarning(SpectrumFileWarning):
    """The files' axes are of several kinds (the CLI tells apart by class)."""


def _warn_mixed_axes(parts: list[Bunch]) -> None:
    """Warn when the files' axes are of different kinds (nm and cm-1, say)."""
    kinds: dict[tuple, list[str]] = {}
    for part in parts:
        for meta, name in zip(part.metadata, part.filenames):
            if "x_kind" in meta:
                kinds.setdefault((meta["x_kind"], meta.get("x_unit")), []).append(name)
    if len(kinds) > 1:
        found = "; ".join(
            f"{kind} [{unit}]: {len(names)} spectra (e.g. {names[0]})"
            for (kind, unit), names in kinds.items()
        )
        warnings.warn(
            f"the spectra have axes of {len(kinds)} kinds ({found}); resampled "
            "together they would mix units: select one kind by "
            "metadata['x_kind'], or convert (nm -> Raman shift with the laser "
            "wavelength) before resampling",
            _MixedAxesWarning,
            stacklevel=3,
        )


def _read_file(path: Path, label_from, layout: str, label_column) -> Bunch:
    """The spectra of one file, with their labels and (``"auto"``) groups."""
    by_folder = not callable(label_from) and label_from in ("auto", "folder")
    vendor = _read_vendor(path)
    if vendor is not None:
        # every spectrum of a map or series is one sample: the file's
        n = vendor.n_spectra
        return Bunch(
            spectra=[vendor.spectrum(i) for i in range(n)],
            y=np.asarray([_label_of(path, label_from)] * n),
            groups=np.asarray([_auto_group(path, "")] * n),
            filenames=np.asarray([str(path)] * n),
            metadata=vendor.metadata,
            labelled_by_folder=by_folder,
        )
    table = _parse(path, layout)
    if table.n_spectra > 1 or table.layout == "rows":
        data = read_table(path, layout=table.layout, label_column=label_column)
        if label_from != "auto":
            data.y = np.asarray([_label_of(path, label_from)] * table.n_spectra)
        data.groups = np.asarray([f"{path}:{name}" for name in data.names])
        data.labelled_by_folder = by_folder and label_from != "auto"
        return data
    wavenumbers, intensities = ascending(table.axis, table.values[0])
    meta = _metadata(table, 0)
    return Bunch(
        spectra=[(wavenumbers, intensities)],
        y=np.asarray([_label_of(path, label_from)]),
        groups=np.asarray([_auto_group(path, str(meta.get("RRUFFID", "")).strip())]),
        filenames=np.asarray([str(path)]),
        metadata=[meta],
        labelled_by_folder=by_folder,
    )


def _auto_group(path: Path, header_id: str) -> str:
    """A RRUFF sample id from the header or the name, else the file itself."""
    if _SAMPLE_ID.fullmatch(header_id):
        return header_id
    fields = path.name.split("__")
    # "material__color__1.txt" carries no sample id: such a name would join
    # different samples, so only a real id (R040068) groups several files
    if len(fields) > 1 and _SAMPLE_ID.match(fields[1]):
        return rruff_sample_id(path)
    return str(path)
