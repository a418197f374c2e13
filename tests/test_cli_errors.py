"""The command line's errors: one line on stderr and exit status 2 for a user
error, a traceback for a bug or with ``--debug``; ``--laser`` converts
wavelength axes to Raman shift."""

import sys

import numpy as np
import pytest

from sklearn_raman.cli import main
from sklearn_raman.datasets import make_spectra, raman_shift_to_wavelength

JCAMP = (
    "##TITLE={title}\n##JCAMP-DX=4.24\n##DATA TYPE={kind} SPECTRUM\n"
    "##XUNITS={xunits}\n##YUNITS=ARBITRARY UNITS\n##NPOINTS=50\n"
    "##XYPOINTS=(XY..XY)\n{rows}\n##END=\n"
)


def _write_csv(path, axis, values, header="Raman shift (cm-1),Intensity"):
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savetxt(path, np.c_[axis, values], delimiter=",", header=header, comments="")


def _folder(root, n_per_class=4):
    """Two classes of Raman-shift CSVs, 400 to 1600 cm-1."""
    shift = np.linspace(400.0, 1600.0, 120)
    for c in ("PE", "PS"):
        for i in range(n_per_class):
            _write_csv(root / c / f"{c}_{i}.csv", shift, np.sin(shift / (50 + i)) + 2)
    return root


def _one_error_line(capsys, *expected):
    """stderr is one 'error: ...' line holding each expected text, no traceback."""
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "Traceback" not in err
    for text in expected:
        assert text in lines[0], (text, lines[0])
    return lines[0]


def test_missing_and_empty_folders(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert main(["benchmark", "--data", str(missing), "--models", "knn1"]) == 2
    _one_error_line(capsys, str(missing))
    (tmp_path / "empty").mkdir()
    out = tmp_path / "m.skops"
    assert main(["train", "--data", str(tmp_path / "empty"), "--out", str(out)]) == 2
    _one_error_line(capsys, str(tmp_path / "empty"), "no files")
    argv = ["pretrain", "--data", str(missing), "--out", str(tmp_path / "e")]
    assert main(argv) == 2
    _one_error_line(capsys, str(missing))


def test_no_readable_file_and_unknown_format(tmp_path, capsys):
    notes = tmp_path / "junk" / "PE" / "notes.txt"
    notes.parent.mkdir(parents=True)
    notes.write_text("measured on Monday\nno numbers here\n")
    out = str(tmp_path / "m.skops")
    assert main(["train", "--data", str(tmp_path / "junk"), "--out", out]) == 2
    _one_error_line(capsys, str(notes))
    binary = tmp_path / "binary" / "PE" / "scan.bin"
    binary.parent.mkdir(parents=True)
    binary.write_bytes(b"\x07\x00\x01\x02\xff" * 20)
    assert main(["benchmark", "--data", str(binary.parents[1])]) == 2
    _one_error_line(capsys, str(binary), "no format")


def test_identify_of_files_none_readable(tmp_path, capsys):
    model = tmp_path / "lib.skops"
    folder = _folder(tmp_path / "refs")
    argv = ["train", "--data", str(folder), "--model", "library", "--cv", "2"]
    assert main(argv + ["--out", str(model)]) == 0
    notes = tmp_path / "queries" / "notes.txt"
    notes.parent.mkdir()
    notes.write_text("nothing to see\n")
    capsys.readouterr()
    with pytest.warns(UserWarning, match="notes.txt"):  # skipped, and said so
        assert main(["identify", str(model), str(notes.parent)]) == 2
    _one_error_line(capsys, str(notes.parent), "could be read")
    assert main(["identify", str(tmp_path / "none.skops"), str(notes)]) == 2
    _one_error_line(capsys, "none.skops")


def test_no_common_range(tmp_path, capsys):
    _write_csv(tmp_path / "a" / "low.csv", np.arange(100.0, 200.0), np.ones(100))
    _write_csv(tmp_path / "b" / "high.csv", np.arange(300.0, 400.0), np.ones(100))
    assert main(["benchmark", "--data", str(tmp_path), "--models", "knn1"]) == 2
    _one_error_line(capsys, "no common range", "high.csv", "--start and --stop")


def test_axis_kind_mismatch(tmp_path, capsys):
    folder = _folder(tmp_path / "refs")
    rows = "\n".join(f"{x}, {x % 3}" for x in range(1000, 1500, 10))
    ftir = folder / "PS" / "ir.jdx"
    ftir.write_text(JCAMP.format(title="ir", kind="INFRARED", xunits="1/CM", rows=rows))
    assert main(["benchmark", "--data", str(folder), "--models", "knn1"]) == 2
    _one_error_line(capsys, "mixes axes of different kinds", str(ftir))


def test_missing_optional_extra(tmp_path, capsys, monkeypatch):
    # a Galactic SPC file needs spc-io: hidden, the error names the file and
    # the pip install (before any byte past the header is parsed)
    spc = tmp_path / "refs" / "PE" / "scan.spc"
    spc.parent.mkdir(parents=True)
    spc.write_bytes(b"\x00K" + b"\x00" * 510)
    monkeypatch.setitem(sys.modules, "spc_io", None)
    assert main(["benchmark", "--data", str(spc.parents[1])]) == 2
    _one_error_line(capsys, str(spc), "pip install")


def test_debug_and_the_environment_variable_show_the_traceback(
    tmp_path, capsys, monkeypatch
):
    missing = str(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="nowhere"):
        main(["--debug", "benchmark", "--data", missing])
    with pytest.raises(FileNotFoundError, match="nowhere"):
        main(["benchmark", "--debug", "--data", missing])
    monkeypatch.setenv("SKLEARN_RAMAN_DEBUG", "1")
    with pytest.raises(FileNotFoundError, match="nowhere"):
        main(["benchmark", "--data", missing])
    monkeypatch.setenv("SKLEARN_RAMAN_DEBUG", "0")
    assert main(["benchmark", "--data", missing]) == 2
    _one_error_line(capsys, missing)


@pytest.mark.parametrize(
    "error",
    [
        KeyError("x_kind"),
        TypeError("unsupported operand"),
        AttributeError("no attribute"),
        IndexError("out of range"),
        ImportError("cannot import name 'thing'"),  # the package's own: a bug
        OSError(28, "No space left on device"),
    ],
)
def test_a_bug_keeps_its_traceback(error, monkeypatch):
    from sklearn_raman.cli import benchmark

    def broken(args):
        raise error

    monkeypatch.setattr(benchmark, "run", broken)
    with pytest.raises(type(error)):
        main(["benchmark"])


def test_a_message_of_several_lines_is_printed_on_one(monkeypatch, capsys):
    from sklearn.utils._param_validation import InvalidParameterError

    from sklearn_raman.cli import benchmark

    def refused(args):
        raise InvalidParameterError("The 'step' parameter\n   must be > 0.\n")

    monkeypatch.setattr(benchmark, "run", refused)
    assert main(["benchmark"]) == 2
    assert capsys.readouterr().err == "error: The 'step' parameter must be > 0.\n"


def test_laser_values(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["benchmark", "--data", str(tmp_path), "--laser", "*532*=green"])
    assert exit_.value.code == 2
    assert "--laser takes NM or PATTERN=NM" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["benchmark", "--data", str(tmp_path), "--laser", "5"])  # not nm
    assert "from 100 to 2000" in capsys.readouterr().err
    folder = _folder(tmp_path / "refs")
    argv = ["benchmark", "--data", str(folder), "--models", "knn1"]
    assert main(argv + ["--laser", "532", "--laser", "*785*=785"]) == 2
    _one_error_line(capsys, "--laser", "not both")
    assert main(["benchmark", "--laser", "532", "--models", "knn1"]) == 2
    _one_error_line(capsys, "--laser", "synthetic")


SHIFTS = np.linspace(300.0, 1700.0, 300)


@pytest.fixture
def nm_folder(tmp_path):
    """Two classes of ``nm,Intensity`` CSVs, half at 532 nm, half at 785 nm."""
    X, y = make_spectra(2, 8, SHIFTS.size, random_state=0)
    for i, (x, c) in enumerate(zip(X, y)):
        laser = 532 if i % 2 else 785
        axis = raman_shift_to_wavelength(SHIFTS, laser)
        name = tmp_path / "nm" / f"class{c}" / f"s{i:02d}_{laser}nm.csv"
        _write_csv(name, axis, x, header="nm,Intensity")
    return tmp_path / "nm"


def test_benchmark_converts_wavelengths_with_per_file_lasers(nm_folder, capsys):
    argv = ["benchmark", "--data", str(nm_folder), "--models", "knn1"]
    assert main(argv + ["--repeats", "1"]) == 2
    line = _one_error_line(capsys, "wavelength in nm", "--laser", str(nm_folder))
    assert line.endswith("'*785*=785')")
    encoder = str(nm_folder.parent / "encoder.safetensors")
    assert main(["pretrain", "--data", str(nm_folder), "--out", encoder]) == 2
    _one_error_line(capsys, "wavelength in nm", "--laser", str(nm_folder))
    lasers = ["--laser", "*532*=532", "--laser", "*785*=785"]
    assert main(argv + ["--repeats", "1", *lasers]) == 0
    out = capsys.readouterr().out
    assert "converted 16 spectra from wavelength (nm) to Raman shift" in out
    assert "laser 532, 785 nm" in out
    # on the common range of the Raman shifts the files were written on
    assert f"16 spectra, {SHIFTS.size} points, 2 classes" in out


def test_train_and_identify_with_lasers(nm_folder, tmp_path, capsys):
    from sklearn_raman.identification import SpectrumIdentifier

    model = tmp_path / "m.skops"
    argv = ["train", "--data", str(nm_folder), "--model", "library", "--cv", "2"]
    lasers = ["--laser", "*532*=532", "--laser", "*785*=785"]
    assert main(argv + lasers + ["--out", str(model)]) == 0
    identifier = SpectrumIdentifier.load(model)
    assert identifier.x_kind_ == "raman_shift"
    assert identifier.grid_[0] == pytest.approx(SHIFTS[0], abs=1e-6)
    assert identifier.grid_[-1] == pytest.approx(SHIFTS[-1], abs=1e-6)
    query = next(nm_folder.glob("class0/*_532nm.csv"))
    capsys.readouterr()
    assert main(["identify", str(model), str(query)]) == 2
    _one_error_line(capsys, str(query), "wavelength in nm", "--laser")
    assert main(["identify", str(model), str(query), "--laser", "532"]) == 0
    out = capsys.readouterr().out
    assert f"{query} [" in out and "1. class0" in out


def test_a_folder_mixing_wavelength_and_raman_shift_files(nm_folder, capsys):
    import warnings

    from sklearn_raman.datasets import SpectrumFileWarning

    for c in ("class0", "class1"):  # files of a third instrument, in Raman shift
        for i in range(2):
            values = np.cos(SHIFTS / (40 + i + 10 * int(c[-1]))) + 2
            _write_csv(nm_folder / c / f"shift_{i}.csv", SHIFTS, values)
    argv = ["benchmark", "--data", str(nm_folder), "--models", "knn1", "--repeats", "1"]
    with pytest.warns(SpectrumFileWarning, match="axes of 2 kinds"):
        assert main(argv) == 2  # read_spectra's warning is passed on
    _one_error_line(capsys, "wavelength in nm", "--laser")
    lasers = ["--laser", "*532*=532", "--laser", "*785*=785"]
    with warnings.catch_warnings():  # converted to one kind: no warning of two
        warnings.simplefilter("error", SpectrumFileWarning)
        assert main(argv + lasers) == 0
    out = capsys.readouterr().out
    assert "converted 16 spectra" in out and "20 spectra" in out
