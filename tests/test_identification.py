"""The identification API: SpectrumIdentifier fit / identify / save / load."""

import csv

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import LinearSVC

from sklearn_raman import make_spectra
from sklearn_raman.datasets import SpectrumFileError, read_spectra
from sklearn_raman.identification import SpectrumIdentifier
from sklearn_raman.preprocessing import SpectrumResampler

NAMES = np.array(["albite", "calcite", "gypsum", "quartz", "mystery"])


@pytest.fixture(scope="module")
def minerals():
    # the data of the CLI's end-to-end tests (tests/test_identify.py)
    X, y, wn = make_spectra(5, 16, 400, random_state=3, return_wavenumbers=True)
    spectra, y = [(wn, x) for x in X], NAMES[y]
    query = (y == "mystery") | (np.arange(len(y)) % 4 == 0)
    pick = lambda mask: [s for s, m in zip(spectra, mask) if m]  # noqa: E731
    return pick(~query), y[~query], pick(query), y[query]


def test_library_identifier_rejects_the_held_out_class_and_names_the_rest(
    minerals, tmp_path
):
    references, y, queries, truth = minerals
    identifier = SpectrumIdentifier(model="library").fit(references, y)
    assert identifier.novelty_score_ == "similarity"
    assert list(identifier.classes_) == ["albite", "calcite", "gypsum", "quartz"]
    assert identifier.reference_spectra_.shape == (4, len(identifier.grid_))
    result = identifier.identify(queries, top=3)
    known = truth != "mystery"
    # the held-out mineral lies close to the knowns (best similarities
    # 0.79-0.94, the knowns' held-out ones from 0.87): at the conformal
    # threshold (the 2nd smallest of 47 held-out scores) half is rejected
    assert np.mean(result.verdicts[~known] == "unknown") >= 0.5
    # 95 % known recall: about one of 17 known spectra may be rejected
    assert np.mean(result.verdicts[known] == truth[known]) >= 0.9
    # the top match is the model's own prediction; the verdict is it or unknown
    accepted = result.verdicts != "unknown"
    assert np.all(result.verdicts[accepted] == result.top_classes[accepted, 0])
    assert np.all((result.novelty < result.threshold) == ~accepted)
    # the same from a saved file
    path = tmp_path / "minerals.skops"
    identifier.save(path)
    loaded = SpectrumIdentifier.load(path)
    again = loaded.identify(queries, top=3)
    np.testing.assert_array_equal(again.verdicts, result.verdicts)
    np.testing.assert_allclose(again.novelty, result.novelty)
    assert loaded.threshold_ == identifier.threshold_
    # records and CSV: one row per spectrum, columns as the CLI writes them
    records = result.records()
    assert len(records) == len(queries)
    assert list(records[0])[:6] == [
        "file",
        "spectrum",
        "verdict",
        "similarity",
        "threshold",
        "prediction_set",
    ]
    assert {"match_3", "probability_3"} <= set(records[0])
    out = tmp_path / "results.csv"
    result.to_csv(out)
    rows = list(csv.DictReader(open(out)))
    assert [r["verdict"] for r in rows] == [str(v) for v in result.verdicts]
    frame = result.to_frame()
    assert frame.shape[0] == len(queries)


def test_the_open_set_default_score_follows_the_model(minerals):
    references, y, _, _ = minerals
    knn = SpectrumIdentifier(model=KNeighborsClassifier(3)).fit(references, y)
    assert knn.novelty_score_ == "max_proba"
    svm = SpectrumIdentifier(model=LinearSVC(), cv=3).fit(references, y)
    assert svm.novelty_score_ == "margin"
    result = svm.identify(references[:4])
    assert result.score_kind == "decision" and result.prediction_sets is None


def test_identifier_reads_a_folder_and_checks_the_queries(tmp_path):
    X, y, wn = make_spectra(3, 8, 300, random_state=0, return_wavenumbers=True)
    for i, (x, c) in enumerate(zip(X, y)):
        folder = tmp_path / "refs" / NAMES[c]
        folder.mkdir(parents=True, exist_ok=True)
        np.savetxt(folder / f"s{i:02d}.csv", np.c_[wn, x], delimiter=",")
    data = read_spectra(tmp_path / "refs")
    identifier = SpectrumIdentifier(model="library").fit(data, source="refs")
    assert identifier.trained_on_ == "refs" and identifier.n_spectra_ == 24
    result = identifier.identify(data)
    first = str(data.filenames[0])
    assert result.files[0] == first and first.endswith(f"{result.names[0]}.csv")
    assert np.mean(result.verdicts == data.y) >= 0.95
    identifier.x_kind_ = "raman_shift"
    nm = tmp_path / "nm.jdx"
    nm.write_text(
        "##TITLE=in nm\n##JCAMP-DX=4.24\n##DATA TYPE=RAMAN SPECTRUM\n"
        "##XUNITS=NANOMETERS\n##YUNITS=ARBITRARY UNITS\n##NPOINTS=100\n"
        "##XYPOINTS=(XY..XY)\n"
        + "\n".join(f"{x}, 1" for x in range(800, 900))
        + "\n##END=\n"
    )
    with pytest.raises(SpectrumFileError, match="nm.jdx: its axis is a wavelength"):
        identifier.identify(read_spectra([nm], label_from=lambda _: ""))
    short = [(wn[:60], X[0, :60])]
    with pytest.warns(UserWarning, match="spectrum 0: .* of the model's grid"):
        identifier.identify(short)


def test_identifier_errors_name_what_is_wrong(minerals, tmp_path):
    references, y, _, _ = minerals
    with pytest.raises(ValueError, match="at least 2"):
        SpectrumIdentifier(model="library").fit(references[:3], ["a"] * 3)
    with pytest.raises(ValueError, match="requires y to be passed"):
        SpectrumIdentifier(model="library").fit(references)
    apart = [(np.arange(0.0, 100), np.ones(100)), (np.arange(500.0, 600), np.ones(100))]
    with pytest.raises(ValueError, match="no common range \\(b.txt starts at 500"):
        SpectrumIdentifier(model="library").fit(
            apart, ["x", "y"], names=["a.txt", "b.txt"]
        )
    other = tmp_path / "other.skops"
    from sklearn_raman import persistence

    persistence.dump(KNeighborsClassifier(), other)
    with pytest.raises(ValueError, match="not a model written by"):
        SpectrumIdentifier.load(other)


def test_resampler_names_the_spectra_without_a_common_range():
    apart = [(np.arange(0.0, 10), np.ones(10)), (np.arange(50.0, 60), np.ones(10))]
    with pytest.raises(ValueError, match="first.csv stops at 9"):
        SpectrumResampler().fit(apart, names=["first.csv", "second.csv"])
    with pytest.raises(ValueError, match="2 names for 1 spectra|1 names for 2"):
        SpectrumResampler().fit(apart, names=["first.csv"])


def test_an_identifier_is_a_classifier_in_pipelines_and_skops(minerals, tmp_path):

    from sklearn_raman import persistence

    references, y, queries, truth = minerals
    identifier = SpectrumIdentifier(model="library").fit(references, y)
    verdicts = identifier.identify(queries).verdicts
    np.testing.assert_array_equal(identifier.predict(queries), verdicts)
    known = truth != "mystery"
    assert identifier.score(
        [q for q, k in zip(queries, known) if k], truth[known]
    ) == np.mean(verdicts[known] == truth[known])
    path = tmp_path / "identifier.skops"
    persistence.dump(identifier, path)  # the estimator itself, trusted as such
    np.testing.assert_array_equal(persistence.load(path).predict(queries), verdicts)


def test_a_loaded_identifier_keeps_its_parameters_and_refits(minerals, tmp_path):
    from sklearn.base import clone

    references, y, queries, _ = minerals
    identifier = SpectrumIdentifier(
        KNeighborsClassifier(3), unknown_recall=1.0, cv=3, random_state=7
    ).fit(references, y)
    assert (
        identifier.threshold_
        <= identifier.pipeline_[-1]
        .score_samples(identifier.pipeline_[:-1].transform(references))
        .min()
    )  # unknown_recall=1.0: every reference accepted in cross-fitting
    path = tmp_path / "knn.skops"
    identifier.save(path)
    loaded = SpectrumIdentifier.load(path)
    assert loaded.get_params()["cv"] == 3 and loaded.random_state == 7
    assert isinstance(loaded.model, KNeighborsClassifier)
    refit = clone(loaded).fit(references, y)
    np.testing.assert_array_equal(refit.predict(queries), loaded.predict(queries))


def test_groups_and_baseline_reach_the_model(minerals):
    references, y, _, _ = minerals
    groups = np.arange(len(y)) // 2  # pairs of spectra: one sample each
    identifier = SpectrumIdentifier(model="library", baseline="arpls").fit(
        references, y, groups=groups
    )
    open_set = identifier.pipeline_[-1]
    assert open_set.grouped_calibration_
    native = identifier.pipeline_.named_steps["onnativeaxis"]
    assert native.transformer[-1].method == "arpls"
    ungrouped = SpectrumIdentifier(model="library").fit(references, y)
    assert not ungrouped.pipeline_[-1].grouped_calibration_


def test_settings_that_would_be_lost_are_refused(minerals):
    references, y, queries, _ = minerals
    with pytest.raises(ValueError, match="apply to a model given by name"):
        SpectrumIdentifier(LinearSVC(), training={"max_epochs": 3}).fit(references, y)
    with pytest.raises(ValueError, match="not a deep network"):
        SpectrumIdentifier(LinearSVC(), init_from="enc.safetensors").fit(references, y)
    with pytest.raises(ValueError, match="give device as the identifier's own"):
        SpectrumIdentifier("recommended", training={"device": "cpu"}).fit(references, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        SpectrumIdentifier(model="library").fit(references, y[:5])
    identifier = SpectrumIdentifier(model="library").fit(references, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        identifier.identify(queries, names=["a.txt"])


def test_fit_under_metadata_routing(minerals):
    import sklearn

    references, y, _, _ = minerals
    with sklearn.config_context(enable_metadata_routing=True):
        identifier = SpectrumIdentifier(model="library").fit(
            references, y, groups=np.arange(len(y))
        )
    assert identifier.pipeline_[-1].grouped_calibration_


def test_match_plots_leave_the_pyplot_backend_alone(minerals, tmp_path):
    plt = pytest.importorskip("matplotlib.pyplot")
    from sklearn_raman.identification import save_match_plots

    references, y, queries, _ = minerals
    identifier = SpectrumIdentifier(model="library").fit(references, y)
    backend = plt.get_backend()
    paths = save_match_plots(identifier, identifier.identify(queries[:3]), tmp_path)
    assert [p.exists() and p.stat().st_size > 1000 for p in paths] == [True] * 3
    assert plt.get_backend() == backend


def test_identify_in_chunks_gives_the_whole_batch_result(monkeypatch, capsys):
    import sklearn_raman.identification._identifier as module

    spectra, y = make_spectra(
        n_classes=3, n_samples_per_class=30, ragged=True, random_state=0
    )
    identifier = SpectrumIdentifier(model="library").fit(spectra, y)
    whole = identifier.identify(spectra, progress=False)
    monkeypatch.setattr(module, "_CHUNK", 7)  # 13 chunks, the last of 6
    chunked = identifier.identify(spectra, progress=True)
    assert "90/90" in capsys.readouterr().err  # the bar counts spectra
    assert_array_equal(chunked.verdicts, whole.verdicts)
    assert_array_equal(chunked.top_classes, whole.top_classes)
    assert_array_equal(chunked.prediction_sets, whole.prediction_sets)
    np.testing.assert_allclose(chunked.novelty, whole.novelty, atol=1e-12)
    np.testing.assert_allclose(chunked.X, whole.X)
