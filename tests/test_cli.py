import json

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
    assert {
        "model",
        "protocol",
        "repeat",
        "top1",
        "f1_weighted",
        "fit_s",
        "predict_s",
    } <= set(records[0])
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
            "--repeats",
            "1",
            "--max-epochs",
            "2",
        ]
    )
    assert status == 0
    assert "| seresnet1d |" in capsys.readouterr().out


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
