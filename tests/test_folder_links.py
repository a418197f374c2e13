"""read_spectra on folders with links: followed, loop-safe, reported per class."""

import os
import warnings
from pathlib import Path

import pytest

from sklearn_raman import read_spectra
from sklearn_raman.datasets import SpectrumFileError, SpectrumFileWarning
from sklearn_raman.datasets._walk import find_files

SPECTRUM = "x,y\n100,1\n200,2\n300,3\n"


@pytest.fixture(autouse=True)
def _needs_symlinks(tmp_path):
    try:
        os.symlink(tmp_path, tmp_path / "probe")
    except (OSError, NotImplementedError) as exc:
        pytest.skip(f"this system cannot make symbolic links ({exc})")
    (tmp_path / "probe").unlink()


def folder(path: Path, n: int, text: str = SPECTRUM) -> Path:
    path.mkdir(parents=True)
    for i in range(n):
        (path / f"s{i}.csv").write_text(text)
    return path


def read(*args, **kwargs):
    """read_spectra, and the messages of the SpectrumFileWarnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = read_spectra(*args, **kwargs)
    messages = [str(w.message) for w in caught if w.category is SpectrumFileWarning]
    return data, messages


def names(data, root: Path) -> list[str]:
    return [Path(f).relative_to(root).as_posix() for f in data.filenames]


@pytest.fixture
def store(tmp_path):
    """Class folders outside the tree read, to be linked into it."""
    return {
        "LDPE": folder(tmp_path / "store" / "ldpe_2021", 2),
        "PP": folder(tmp_path / "store" / "pp_export", 4),
        "HDPE": folder(tmp_path / "store" / "hdpe", 3),
    }


def test_linked_class_folders_are_read_under_the_links_name(tmp_path, store):
    root = tmp_path / "refs"
    folder(root / "HDPE", 3)
    for name in ("LDPE", "PP"):
        os.symlink(store[name], root / name)
    data, messages = read(root)
    assert messages == []
    assert data.counts == {"HDPE": (3, 0), "LDPE": (2, 0), "PP": (4, 0)}
    assert data.y.tolist() == ["HDPE"] * 3 + ["LDPE"] * 2 + ["PP"] * 4
    # paths as seen through the link, sorted: deterministic
    assert names(data, root) == sorted(names(data, root))
    assert names(data, root)[3] == "LDPE/s0.csv"
    assert len(set(data.filenames)) == 9


def test_a_tree_of_links_only(tmp_path, store):
    root = tmp_path / "refs"
    root.mkdir()
    for name, target in store.items():
        os.symlink(target, root / name)
    data, messages = read(root, pattern="*.csv")
    assert messages == []
    assert data.counts == {"HDPE": (3, 0), "LDPE": (2, 0), "PP": (4, 0)}
    # a linked root is read too
    os.symlink(root, tmp_path / "refs_link")
    again, _ = read(tmp_path / "refs_link")
    assert again.counts == data.counts


def test_loops_and_second_names_warn_once_and_read_nothing_twice(tmp_path, store):
    root = tmp_path / "refs"
    folder(root / "HDPE", 3)
    os.symlink(store["LDPE"], root / "LDPE")
    os.symlink(root, root / "HDPE" / "up")  # back to the root: a loop
    os.symlink(".", root / "self")  # the root again, relative
    os.symlink(root / "HDPE", root / "again")  # a sibling already read
    os.symlink("../LDPE", root / "HDPE" / "ldpe")  # a link to a linked folder
    os.symlink(root / "ZZZ", root / "AAA")  # sorts before the real folder
    folder(root / "ZZZ", 1)
    data, messages = read(root)
    assert data.counts == {"HDPE": (3, 0), "LDPE": (2, 0), "ZZZ": (1, 0)}
    assert len(data.filenames) == len(set(data.filenames)) == 6
    assert len(messages) == 5
    for link in ("HDPE/up", "self", "again", "HDPE/ldpe", "AAA"):
        hits = [m for m in messages if m.startswith(f"{root / link} to ")]
        assert len(hits) == 1, (link, messages)
    (up,) = [m for m in messages if m.startswith(str(root / "HDPE" / "up"))]
    real_root = os.path.realpath(root)
    assert f"{root / 'HDPE' / 'up'} to {real_root}: a link back to {root}," in up
    assert "which contains it; not followed" in up
    (again,) = [m for m in messages if m.startswith(str(root / "again"))]
    assert "already read as HDPE" in again
    # the real folder wins over a link to it, whatever the names' order
    (aaa,) = [m for m in messages if m.startswith(str(root / "AAA"))]
    assert "already read as ZZZ" in aaa


def test_a_link_to_a_folder_containing_the_root(tmp_path):
    root = folder(tmp_path / "data" / "refs" / "HDPE", 2).parent
    os.symlink(tmp_path / "data", root / "up")
    found = find_files(root)
    assert [p.relative_to(root).as_posix() for p in found.files] == [
        "HDPE/s0.csv",
        "HDPE/s1.csv",
    ]
    (note,) = found.notes
    assert note.startswith(f"{root / 'up' / 'refs'}: a folder back to")


def test_linked_files_are_read_as_files(tmp_path):
    root = tmp_path / "refs"
    folder(root / "PE", 1)
    target = tmp_path / "elsewhere" / "measured.csv"
    target.parent.mkdir()
    target.write_text(SPECTRUM)
    os.symlink(target, root / "PE" / "linked.csv")
    data, messages = read(root)
    assert messages == []
    assert names(data, root) == ["PE/linked.csv", "PE/s0.csv"]
    assert data.counts == {"PE": (2, 0)}


def test_an_empty_class_folder_warns_with_its_name(tmp_path, store):
    root = tmp_path / "refs"
    folder(root / "HDPE", 2)
    (root / "PS").mkdir()
    (root / "PET").mkdir()
    (root / "PET" / "notes.txt").write_text("not a csv")
    os.symlink(folder(tmp_path / "empty_target", 0), root / "PVC")
    data, messages = read(root, pattern="*.csv")
    assert data.counts == {"HDPE": (2, 0)}
    for name in ("PET", "PS", "PVC"):
        hits = [m for m in messages if m.startswith(f"class folder {root / name}:")]
        assert len(hits) == 1, (name, messages)
        assert f"no file matching '*.csv' in it; the class {name!r}" in hits[0]
    assert len(messages) == 3


def test_a_class_folder_of_unreadable_files_warns_and_is_counted(tmp_path):
    root = tmp_path / "refs"
    folder(root / "HDPE", 2)
    folder(root / "PS", 2, text="not a spectrum\n")
    (root / "HDPE" / "bad.csv").write_text("not a spectrum\n")
    data, messages = read(root, on_error="skip")
    assert data.counts == {"HDPE": (2, 1), "PS": (0, 2)}
    assert len(data.skipped) == 3
    (line,) = messages
    assert line.startswith(f"class folder {root / 'PS'}: none of its 2 files")
    # other labels: by class
    data, messages = read(
        root, label_from=lambda p: p.parent.name.lower(), on_error="skip"
    )
    assert data.counts == {"hdpe": (2, 1), "ps": (0, 2)}
    assert messages == [
        "class 'ps': none of its 2 files could be read (see "
        ".skipped for why); it is left out"
    ]


def test_a_broken_link_is_a_file_that_cannot_be_read(tmp_path):
    root = tmp_path / "refs"
    folder(root / "HDPE", 1)
    os.symlink(tmp_path / "gone.csv", root / "HDPE" / "lost.csv")
    with pytest.raises(SpectrumFileError, match=r"lost.csv: a link to .*gone.csv"):
        read_spectra(root)
    data, _ = read(root, on_error="skip")
    assert data.counts == {"HDPE": (1, 1)}
    ((path, reason),) = data.skipped
    assert path == str(root / "HDPE" / "lost.csv")
    assert "which does not exist; fix or remove the link" in reason


def test_patterns_reach_through_links(tmp_path, store):
    root = tmp_path / "refs"
    root.mkdir()
    os.symlink(store["PP"], root / "PP")
    folder(root / "PE" / "deep", 1)
    (root / "PE" / "deep" / "s0.txt").write_text(SPECTRUM)
    os.symlink(store["LDPE"], root / "PE" / "deep" / "LDPE")
    labels = lambda p: p.parent.name  # noqa: E731
    csv, _ = read(root, labels, pattern="*.csv")
    assert names(csv, root) == [
        "PE/deep/LDPE/s0.csv",
        "PE/deep/LDPE/s1.csv",
        "PE/deep/s0.csv",
        "PP/s0.csv",
        "PP/s1.csv",
        "PP/s2.csv",
        "PP/s3.csv",
    ]
    # as Path.glob: the whole path below the root matches when not recursive
    flat, _ = read(root, labels, pattern="*/*.csv", recursive=False)
    assert names(flat, root) == [f"PP/s{i}.csv" for i in range(4)]
    deep, _ = read(root, labels, pattern="PE/**/*.txt", recursive=False)
    assert names(deep, root) == ["PE/deep/s0.txt"]


def test_walk_matches_rglob_on_a_tree_without_links(tmp_path):
    root = tmp_path / "refs"
    folder(root / "a" / "b", 2)
    folder(root / "c", 1)
    (root / "c" / ".hidden.csv").write_text(SPECTRUM)
    (root / "c" / "x.txt").write_text(SPECTRUM)
    for pattern in ("*", "*.csv", "b/*.csv", "s1.*"):
        expected = sorted(
            p for p in root.rglob(pattern) if p.is_file() and not p.name.startswith(".")
        )
        assert find_files(root, pattern).files == expected, pattern
    for pattern in ("*", "*/*", "a/*/*.csv", "**/*.csv"):
        expected = sorted(
            p for p in root.glob(pattern) if p.is_file() and not p.name.startswith(".")
        )
        assert find_files(root, pattern, recursive=False).files == expected, pattern
    with pytest.raises(ValueError, match="relative glob pattern"):
        find_files(root, "")
