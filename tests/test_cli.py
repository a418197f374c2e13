import json

import pytest

from sklearn_raman.__main__ import main


def test_benchmark_cli_synthetic(tmp_path, capsys):
    status = main(
        [
            "benchmark",
            "--n-classes",
            "3",
            "--n-samples-per-class",
            "10",
            "--n-points",
            "200",
            "--models",
            "knn1",
            "pca_linsvc",
            "--repeats",
            "2",
            "--out",
            str(tmp_path),
        ]
    )
    assert status == 0
    out = capsys.readouterr().out
    assert "| knn1 |" in out and "| pca_linsvc |" in out
    records = json.loads((tmp_path / "results.json").read_text())
    assert len(records) == 4
    # synthetic data: split by instrument, so test spectra come from new ones
    assert {r["protocol"] for r in records} == {"grouped"}
    assert "n_instruments=6" in (tmp_path / "results.md").read_text()
    keys = {
        "model",
        "protocol",
        "repeat",
        "top1",
        "top3",
        "top5",
        "roc_auc",
        "precision_weighted",
        "recall_weighted",
        "f1_weighted",
        "pr_auc",
        "fit_s",
        "predict_s",
    }
    assert keys <= set(records[0])
    assert all(0 <= r["top1"] <= 1 for r in records)
    assert "| model |" in (tmp_path / "results.md").read_text()


def test_benchmark_cli_with_a_cnn(capsys):
    status = main(
        [
            "benchmark",
            "--n-classes",
            "3",
            "--n-samples-per-class",
            "10",
            "--n-points",
            "100",
            "--models",
            "knn1",
            "seresnet1d",
            "recommended",
            "--repeats",
            "1",
            "--max-epochs",
            "2",
        ]
    )
    assert status == 0
    out = capsys.readouterr().out
    assert "| seresnet1d |" in out and "| recommended |" in out


def test_max_epochs_takes_a_count_or_auto(capsys):
    from sklearn_raman.__main__ import _parser

    for command in (
        "benchmark",
        "pretrain --rruff x --out y",
        "train --data x --out y",
    ):
        args = command.split()
        assert (
            _parser().parse_args([*args, "--max-epochs", "auto"]).max_epochs == "auto"
        )
        assert _parser().parse_args([*args, "--max-epochs", "7"]).max_epochs == 7
        with pytest.raises(SystemExit):
            _parser().parse_args([*args, "--max-epochs", "0"])
    assert "positive whole number or 'auto'; got '0'" in capsys.readouterr().err


def test_make_models_errors():
    import pytest

    from sklearn_raman.benchmark import make_models

    with pytest.raises(ValueError, match="unknown model 'svm'"):
        make_models(["svm"])


def test_benchmark_cli_folder(tmp_path, capsys):
    from sklearn_raman import make_spectra

    X, y = make_spectra(
        n_classes=2, n_samples_per_class=8, n_points=150, ragged=True, random_state=0
    )
    for i, ((wn, x), label) in enumerate(zip(X, y)):
        folder = tmp_path / f"class{label}"
        folder.mkdir(exist_ok=True)
        lines = "\n".join(f"{a:.3f},{b:.5f}" for a, b in zip(wn, x))
        (folder / f"s{i}.csv").write_text("shift,intensity\n" + lines)
    status = main(
        [
            "benchmark",
            "--data",
            str(tmp_path),
            "--step",
            "4",
            "--models",
            "knn1",
            "--repeats",
            "1",
        ]
    )
    assert status == 0
    assert "16 spectra" in capsys.readouterr().out


def test_benchmark_cli_both_protocols_and_plots(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    status = main(
        [
            "benchmark",
            "--n-classes",
            "3",
            "--n-samples-per-class",
            "12",
            "--n-points",
            "150",
            "--models",
            "knn1",
            "library",
            "--repeats",
            "2",
            "--protocol",
            "random",
            "grouped",
            "--n-jobs",
            "2",
            "--out",
            str(tmp_path),
        ]
    )
    assert status == 0
    records = json.loads((tmp_path / "results.json").read_text())
    assert {r["protocol"] for r in records} == {"random", "grouped"}
    assert len(records) == 8
    for name in ("top1.png", "confusion_best.png"):
        assert (tmp_path / name).stat().st_size > 1000
    table = (tmp_path / "results.md").read_text()
    assert "| library | grouped |" in table and "Command:" in table
