"""Finding the files of a folder: directory links followed, loops reported.

``Path.rglob`` does not follow links to folders before Python 3.13, so class
folders that are links were silently left out. This walk follows them, once
each: a link to a folder already read, or back to a folder that contains it,
is reported and skipped, never recursed.
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path


@dataclass
class Found:
    """What a walk found: the files, the empty folders and what it left out.

    Attributes
    ----------
    files : list of Path
        The files matching the pattern, sorted, as seen through any link (so
        a linked class folder keeps its link's name); links to files
        included, broken ones too (reading them says why they fail).
    empty : list of Path
        Folders below the root holding no matching file and no subfolder.
    notes : list of str
        One line per link or folder skipped (loops, unreadable folders).

    Examples
    --------
    >>> Found().files
    []
    """

    files: list[Path] = field(default_factory=list)
    empty: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def find_files(
    root: str | os.PathLike, pattern: str = "*", recursive: bool = True
) -> Found:
    r"""The files of folder ``root`` matching ``pattern``, links followed.

    Parameters
    ----------
    root : path
        The folder to search.
    pattern : str, default="*"
        Glob pattern, as in :meth:`pathlib.Path.glob`: matched against the
        end of each file's path below ``root`` when ``recursive`` (as
        :meth:`~pathlib.Path.rglob` does), against the whole of it otherwise.
        Hidden files (names starting with ".") are left out.
    recursive : bool, default=True
        Search every subfolder (else only as deep as ``pattern`` reaches).

    Returns
    -------
    found : Found
        ``files`` (sorted), ``empty`` folders and ``notes`` on what was
        skipped: a link to a folder already read (a sibling, or the root)
        is named with its target and not followed.

    Examples
    --------
    >>> import os, tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "HDPE").mkdir()
    >>> _ = (root / "HDPE" / "a.csv").write_text("100,1\n200,2\n")
    >>> os.symlink(root / "HDPE", root / "PE")      # a second name: read once
    >>> found = find_files(root)
    >>> [p.relative_to(root).as_posix() for p in found.files]
    ['HDPE/a.csv']
    >>> print(found.notes[0].split(": ")[1].split(";")[0])
    a link to a folder already read as HDPE
    """
    root = Path(root)
    parts = _pattern_parts(pattern)
    pats = ["**", *parts] if recursive else parts
    deep = "**" in pats
    # folders below root that can hold a match; deeper ones are not walked
    max_depth = len(pats) - 1
    found = Found()
    seen: dict[tuple[int, int], Path] = {}
    # the real tree first, then the links it holds (shallowest first, then
    # by name), then theirs: a folder read through its own path is never
    # taken by a link to it, nor a class folder's link by a deeper one
    rounds: list[tuple[Path, int]] = [(root, 0)]
    while rounds:
        links: list[tuple[Path, int]] = []
        for top, depth in sorted(rounds, key=lambda r: (r[1], r[0])):
            if _visit(top, root, seen, found, link=top != root):
                _walk(top, depth, root, pats, deep, max_depth, seen, found, links)
        rounds = links
    found.files.sort()
    return found


def _pattern_parts(pattern: str) -> list[str]:
    """The components of a relative glob pattern (as pathlib refuses others)."""
    if not pattern or Path(pattern).is_absolute():
        raise ValueError(
            f"pattern must be a non-empty relative glob pattern such as '*.txt'; "
            f"got {pattern!r}"
        )
    return [os.path.normcase(p) for p in Path(pattern).parts]


def _match(names: list[str], pats: list[str]) -> bool:
    """Whether a path's components match the pattern's; ``**``: any folders."""
    if not pats:
        return not names
    if pats[0] == "**":
        # folders only: the file name itself is never taken by "**"
        return any(_match(names[i:], pats[1:]) for i in range(len(names)))
    return (
        bool(names) and fnmatchcase(names[0], pats[0]) and _match(names[1:], pats[1:])
    )


def _key(path: Path) -> tuple[int, int] | None:
    """The identity of a folder (device, inode), links followed; None: unreadable."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _visit(top: Path, root: Path, seen, found: Found, link: bool) -> bool:
    """Mark folder ``top`` read; False (with a note) when it was already."""
    key = _key(top)
    if key is None:
        found.notes.append(
            f"{top}: cannot be opened as a folder: skipped (check it exists "
            "and that you may read it)"
        )
        return False
    if key not in seen:
        seen[key] = top
        return True
    first = seen[key]
    kind = "a link" if link else "a folder"
    target = f" to {os.path.realpath(top)}" if link else ""
    if first == top or first in top.parents:
        why = f"{kind} back to {_shown(first, root)}, which contains it"
    else:
        why = f"{kind} to a folder already read as {_shown(first, root)}"
    found.notes.append(
        f"{top}{target}: {why}; not followed, so that no file is read twice "
        "(remove the link, or read its target on its own)"
    )
    return False


def _shown(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` where it lies in it, else whole."""
    if path == root or root not in path.parents:
        return str(path)
    return path.relative_to(root).as_posix()


def _walk(top, depth, root, pats, deep, max_depth, seen, found, links) -> None:
    """Collect the files below ``top``; links to folders go to ``links``."""
    stack = [(top, depth)]
    while stack:
        folder, level = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            found.notes.append(
                f"{folder}: cannot be listed ({exc}): skipped (check that you "
                "may read it)"
            )
            continue
        n_matches, has_folders = 0, False
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            mode = _mode(entry)
            if mode is not None and stat.S_ISDIR(mode):
                has_folders = True
                if deep or level < max_depth:
                    if entry.is_symlink():
                        links.append((path, level + 1))
                    elif _visit(path, root, seen, found, link=False):
                        subfolders.append((path, level + 1))
                continue
            # files and file links; a broken link (mode None) too, so that
            # reading it says what is wrong rather than dropping it unseen
            if mode is not None and not stat.S_ISREG(mode):
                continue  # sockets, pipes, devices: no spectra
            if entry.name.startswith("."):
                continue
            names = [os.path.normcase(n) for n in path.relative_to(root).parts]
            if _match(names, pats):
                found.files.append(path)
                n_matches += 1
        if folder != root and not n_matches and not has_folders:
            if not folder.name.startswith("."):
                found.empty.append(folder)
        stack.extend(reversed(subfolders))


def _mode(entry: os.DirEntry) -> int | None:
    """The entry's file mode, links followed; None for a broken link."""
    try:
        return entry.stat(follow_symlinks=True).st_mode
    except OSError:
        return None


def _label_of(path: Path, label_from) -> str:
    if callable(label_from):
        return label_from(path)
    if label_from in ("folder", "auto"):
        return path.parent.name
    return path.name.split("__")[0]  # "rruff_name"


def _class_counts(parts, skipped, label_from) -> dict:
    """``{class: (files read, files skipped)}``, classes sorted."""
    counts: dict = {}
    for part in parts:
        # a table of several classes counts once for each of them
        for label in dict.fromkeys(part.y.tolist()):
            counts.setdefault(label, [0, 0])[0] += 1
    rule = "folder" if label_from == "auto" else label_from
    for name, _ in skipped:
        try:
            label = _label_of(Path(name), rule)
        except Exception:  # the user's callable fails on a file never read
            label = None
        counts.setdefault(label, [0, 0])[1] += 1
    return {k: tuple(v) for k, v in sorted(counts.items(), key=lambda kv: str(kv[0]))}


def _class_warnings(walks, read_paths, skipped, counts, pattern, by_folder):
    """One line per class (folder) of which no file was read."""
    if not by_folder:
        return [
            f"class {label!r}: none of its {n} files could be read (see .skipped "
            "for why); it is left out"
            for label, (n_read, n) in counts.items()
            if not n_read
        ]
    roots = {root for root, _ in walks}
    read = {path.parent for path in read_paths}
    failed = Counter(Path(name).parent for name, _ in skipped)
    messages = [
        f"class folder {folder}: none of its {n} files could be read (see "
        f".skipped for why); the class {folder.name!r} is left out"
        for folder, n in sorted(failed.items())
        if folder not in read and folder not in roots
    ]
    for _, walk in walks:
        messages += [
            f"class folder {folder}: no file matching {pattern!r} in it; the "
            f"class {folder.name!r} is left out (put its spectra in it, or "
            "remove it)"
            for folder in walk.empty
        ]
    return messages
