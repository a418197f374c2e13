"""The identification workflow end to end: ``train`` a model from a reference
folder, ``identify`` files with it, a held-out material comes back "unknown"."""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from conftest import SHARED_DATA

from sklearn_raman import persistence
from sklearn_raman.__main__ import main
from sklearn_raman.datasets import SpectrumFileError, make_spectra

MMPSD_FTIR = SHARED_DATA / "mmpsd" / "FTIR"
NAMES = np.array(["albite", "calcite", "gypsum", "quartz", "mystery"])


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """make_spectra files: 4 reference minerals, and a fifth held out."""
    root = tmp_path_factory.mktemp("spectra")
    X, y, wn = make_spectra(5, 16, 400, random_state=3, return_wavenumbers=True)
    for i, (x, c) in enumerate(zip(X, y)):
        folder = root / ("query" if NAMES[c] == "mystery" else "reference") / NAMES[c]
        folder.mkdir(parents=True, exist_ok=True)
        np.savetxt(
            folder / f"{NAMES[c]}_{i:03d}.csv",
            np.c_[wn, x],
            delimiter=",",
            header="wavenumber,intensity",
            comments="",
        )
    return root


def _verdicts(path) -> Counter:
    """(true material: its folder, verdict) -> count, from a results CSV."""
    rows = list(csv.DictReader(open(path)))
    return Counter((r["file"].split("/")[-2], r["verdict"]) for r in rows)


def _known_accuracy(verdicts: Counter) -> float:
    known = {k: n for k, n in verdicts.items() if k[0] != "mystery"}
    return sum(n for (a, b), n in known.items() if a == b) / sum(known.values())


def test_train_identify_cnn(folders, tmp_path, capsys):
    model = tmp_path / "minerals.skops"
    assert (
        main(
            ["train", "--data", str(folders / "reference"), "--max-epochs", "15"]
            + ["--out", str(model)]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "64 spectra of 4 classes" in out and "train_loss" in out  # epochs shown
    assert "embedding_distance" in out
    results, plots = tmp_path / "results.csv", tmp_path / "plots"
    argv = ["identify", str(model), str(folders / "query"), "--top", "3"]
    assert main(argv + ["--out", str(results), "--plots", str(plots)]) == 0
    out = capsys.readouterr().out
    assert len(list(plots.glob("*.png"))) == 16
    verdicts = _verdicts(results)
    main(["identify", str(model), str(folders / "reference"), "--out", str(results)])
    verdicts += _verdicts(results)
    assert verdicts[("mystery", "unknown")] == 16  # the held-out mineral: unknown
    assert _known_accuracy(verdicts) >= 0.95
    assert "UNKNOWN" in out and "1. " in out and "prediction set at 95%" in out
    row = next(csv.DictReader(open(results)))
    assert {"verdict", "embedding_distance", "threshold", "match_3"} <= set(row)
    assert {"probability_1", "prediction_set"} <= set(row)
    bundle = persistence.load(model)  # a plain skops file: the pipeline inside
    assert bundle["reference_spectra"].shape == (4, 400)
    assert list(bundle["classes"]) == ["albite", "calcite", "gypsum", "quartz"]


def test_a_train_log_written_to_a_file_holds_no_escape_characters(folders, tmp_path):
    # skorch marks each column's best score with a colour code on any output
    log = tmp_path / "log.txt"
    argv = ["train", "--data", str(folders / "reference"), "--max-epochs", "3"]
    argv += ["--out", str(tmp_path / "m.skops")]
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    with open(log, "wb") as out:
        subprocess.run(
            [sys.executable, "-m", "sklearn_raman", *argv],
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
            env=env,
        )
    text = log.read_bytes()
    assert b"train_loss" in text  # the epoch table is there
    assert b"\x1b" not in text


def test_quiet_drops_epoch_tables_and_per_spectrum_lines(folders, tmp_path, capsys):
    model = tmp_path / "m.skops"
    argv = ["train", "--data", str(folders / "reference"), "--max-epochs", "2"]
    assert main([*argv, "--out", str(model), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "train_loss" not in out and f"wrote {model}" in out
    results = tmp_path / "r.csv"
    argv = ["identify", str(model), str(folders / "query"), "-q", "--out"]
    assert main([*argv, str(results)]) == 0
    out = capsys.readouterr().out
    assert "UNKNOWN" not in out and "1. " not in out and f"wrote {results}" in out
    assert sum(_verdicts(results).values()) == 16  # every query spectrum


def test_the_epoch_table_keeps_its_colours_on_a_terminal(monkeypatch):
    from sklearn_raman.neural._callbacks import PlainPrintLog, colour_wanted

    class Terminal:
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert colour_wanted(Terminal()) and not colour_wanted(open(os.devnull, "w"))
    monkeypatch.setattr(sys, "stdout", Terminal())
    row = {"epoch": 1, "train_loss": 0.5, "train_loss_best": True, "dur": 0.1}
    assert "\x1b[" in PlainPrintLog().initialize().table(row)
    monkeypatch.setenv("NO_COLOR", "1")  # no-color.org
    assert "\x1b[" not in PlainPrintLog().initialize().table(row)


def test_train_identify_library(folders, tmp_path, capsys):
    model = tmp_path / "library.skops"
    main(
        ["train", "--data", str(folders / "reference"), "--model", "library"]
        + ["--out", str(model)]
    )
    results = tmp_path / "results.csv"
    main(["identify", str(model), str(folders), "--out", str(results)])
    verdicts = _verdicts(results)
    # the held-out mineral's best similarities reach into the knowns' lowest
    # (0.79-0.94 against 0.87-): 14 of 16 below the conformal threshold
    assert verdicts[("mystery", "unknown")] >= 14
    assert _known_accuracy(verdicts) >= 0.95
    assert "similarity" in next(csv.DictReader(open(results)))


def test_identify_mmpsd_with_a_polymer_held_out(mmpsd_reference, tmp_path):
    """Real FTIR files: PET held out of a library of HDPE, LDPE and PP."""
    model, results = tmp_path / "plastics.skops", tmp_path / "results.csv"
    with pytest.warns(UserWarning, match="beyond the 2 columns"):  # stray values
        main(
            ["train", "--data", str(mmpsd_reference), "--model", "library"]
            + ["--out", str(model)]
        )
    with pytest.warns(UserWarning, match="beyond the 2 columns"):
        main(["identify", str(model), str(MMPSD_FTIR), "--out", str(results)])
    verdicts = _verdicts(results)
    assert verdicts[("PET", "unknown")] >= 35  # of 39
    polyolefins = sum(n for (a, b), n in verdicts.items() if a != "PET")
    assert sum(n for (a, b), n in verdicts.items() if a == b) >= 0.95 * polyolefins


@pytest.mark.slow
def test_identify_mmpsd_cnn(mmpsd_reference, tmp_path):
    """The recommended CNN on real FTIR files, PET held out (about 25 s)."""
    model, results = tmp_path / "plastics.skops", tmp_path / "results.csv"
    main(
        [
            "train",
            "--data",
            str(mmpsd_reference),
            "--max-epochs",
            "20",
            "--out",
            str(model),
        ]
    )
    main(["identify", str(model), str(MMPSD_FTIR), "--out", str(results)])
    verdicts = _verdicts(results)
    assert verdicts[("PET", "unknown")] == 39


def test_train_with_a_baseline_on_native_axes(folders, tmp_path):
    # raw files: each on a sloped background of its own; --baseline removes it
    # on the file's own axis, in training and when identifying
    raw = tmp_path / "raw"
    rng = np.random.default_rng(0)
    for path in sorted((folders / "reference").rglob("*.csv")):
        wn, x = np.loadtxt(path, delimiter=",", skiprows=1).T
        keep = slice(rng.integers(0, 40), len(wn) - rng.integers(0, 40))
        slope = rng.uniform(0.5, 3) * (wn - wn[0]) / np.ptp(wn)
        out = raw / path.parent.name / path.name
        out.parent.mkdir(parents=True, exist_ok=True)
        np.savetxt(out, np.c_[wn, x + slope][keep], delimiter=",")
    model = tmp_path / "library.skops"
    argv = ["train", "--data", str(raw), "--model", "library", "--out", str(model)]
    assert main(argv + ["--baseline", "arpls", "--threads", "1"]) == 0
    steps = persistence.load(model)["pipeline"].named_steps
    assert steps["onnativeaxis"].transformer[-1].method == "arpls"
    results = tmp_path / "results.csv"
    main(["identify", str(model), str(raw), "--out", str(results)])
    verdicts = _verdicts(results)
    assert _known_accuracy(verdicts) >= 0.9
    with pytest.raises(SystemExit):
        main(argv + ["--baseline", "nope"])


def test_identify_refuses_another_axis_and_warns_of_a_short_one(
    folders, tmp_path, capsys
):
    model = tmp_path / "library.skops"
    main(
        ["train", "--data", str(folders / "reference"), "--model", "library"]
        + ["--out", str(model)]
    )
    bundle = persistence.load(model)
    bundle["x_kind"] = "raman_shift"  # as a reader of instrument files records
    persistence.dump(bundle, model)
    nm = tmp_path / "nm.jdx"
    nm.write_text(
        "##TITLE=in nm\n##JCAMP-DX=4.24\n##DATA TYPE=RAMAN SPECTRUM\n"
        "##XUNITS=NANOMETERS\n##YUNITS=ARBITRARY UNITS\n##NPOINTS=100\n"
        "##XYPOINTS=(XY..XY)\n"
        + "\n".join(f"{x}, 1" for x in range(800, 900))
        + "\n##END=\n"
    )
    assert main(["identify", str(model), str(nm)]) == 2  # a user error
    err = capsys.readouterr().err
    assert "nm.jdx: its axis is a wavelength" in err and len(err.splitlines()) == 1
    with pytest.raises(SpectrumFileError, match="nm.jdx: its axis is a wavelength"):
        main(["--debug", "identify", str(model), str(nm)])
    spc = tmp_path / "short.csv"
    spc.write_text("\n".join(f"{x},{x % 7}" for x in range(200, 600)))
    with pytest.warns(UserWarning, match="short.csv: .* covers 25% of the model"):
        main(["identify", str(model), str(spc)])
    pipeline = tmp_path / "pipeline.skops"
    persistence.dump(bundle["pipeline"], pipeline)
    assert main(["identify", str(pipeline), str(spc)]) == 2
    err = capsys.readouterr().err
    assert re.search("^error: .*not a model written by .*train", err)


def test_identify_two_classes_without_probabilities(folders, tmp_path):
    """A binary model's one decision margin still ranks both classes per spectrum."""
    reference = tmp_path / "two"
    for mineral in ("albite", "quartz"):
        shutil.copytree(folders / "reference" / mineral, reference / mineral)
    model, results = tmp_path / "svm.skops", tmp_path / "results.csv"
    main(
        [
            "train",
            "--data",
            str(reference),
            "--model",
            "pca_linsvc",
            "--out",
            str(model),
        ]
    )
    main(["identify", str(model), str(reference), "--out", str(results)])
    rows = list(csv.DictReader(open(results)))
    assert len(rows) == 32 and {"match_2", "decision_2"} <= set(rows[0])
    assert all(r["match_1"] == r["file"].split("/")[-2] for r in rows)


def test_pretrain_then_train_from_it(folders, tmp_path, capsys):
    # pre-train on a library folder, then build a model from it on the
    # encoder's grid; the kept grid and the init_from reach the network
    from sklearn_raman.neural._pretrain import encoder_grid

    encoder = tmp_path / "enc.safetensors"
    argv = ["pretrain", "--data", str(folders / "reference"), "--max-epochs", "2"]
    assert main(argv + ["--step", "2", "--out", str(encoder)]) == 0
    out = capsys.readouterr().out
    assert "64 spectra of 4 classes" in out and f"--init-from {encoder}" in out
    grid = encoder_grid(encoder)
    assert grid["step"] == 2
    # pre-training's recipe: a cosine output layer, no label smoothing
    from sklearn_raman.neural._persistence import read_weights

    params = json.loads(
        read_weights(str(encoder), "CompactResNet1DClassifier")[1]["params"]
    )
    assert params["output_layer"] == "cosine" and params["label_smoothing"] == 0.0
    model = tmp_path / "m.skops"
    argv = ["train", "--data", str(folders / "reference"), "--max-epochs", "2"]
    assert main(argv + ["--init-from", str(encoder), "--out", str(model)]) == 0
    pipeline = persistence.load(model)["pipeline"]
    assert pipeline[0].grid_[1] - pipeline[0].grid_[0] == 2
    assert pipeline[-1].estimator.init_from == str(encoder)
    with pytest.raises(SystemExit):  # argparse: no such model
        main(["pretrain", "--data", str(folders / "reference"), "--model", "nope"])
    # classical: a user error, one line and exit status 2
    argv = ["pretrain", "--data", str(folders), "--model", "knn1", "--out", "x"]
    assert main(argv) == 2
    assert "not a deep network" in capsys.readouterr().err


def test_pretrain_on_real_ftir_files_then_train_from_it(mmpsd_reference, tmp_path):
    # real instrument files, default grid choice: the encoder keeps the common
    # range of the library and the model built from it uses that grid
    from sklearn_raman.neural._pretrain import encoder_grid

    encoder, model = tmp_path / "ftir.safetensors", tmp_path / "m.skops"
    argv = ["pretrain", "--data", str(mmpsd_reference), "--max-epochs", "1"]
    assert main(argv + ["--out", str(encoder)]) == 0
    grid = encoder_grid(encoder)
    argv = ["train", "--data", str(mmpsd_reference), "--max-epochs", "1", "--cv", "2"]
    assert main(argv + ["--init-from", str(encoder), "--out", str(model)]) == 0
    axis = persistence.load(model)["pipeline"][0].grid_
    assert axis[0] == pytest.approx(grid["start"]) and axis[1] - axis[
        0
    ] == pytest.approx(grid["step"])
