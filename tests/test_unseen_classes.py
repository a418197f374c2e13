"""Promises on materials never seen: leave-classes-out splits, calibration on
unseen classes, embedding scores, coherent prediction sets."""

import warnings

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklearn_raman import make_spectra
from sklearn_raman.metrics import open_set_metrics
from sklearn_raman.model_selection import LeaveClassesOut
from sklearn_raman.open_set import OpenSetClassifier


@pytest.fixture(scope="module")
def spectra():
    X, y = make_spectra(
        n_classes=12, n_samples_per_class=40, n_points=200, random_state=1
    )
    train = (y < 8) & (np.arange(len(y)) % 2 == 0)
    return X, y, train


def _embedding_model():
    # LDA has transform (an embedding) and predict_proba
    return make_pipeline(PCA(20), LinearDiscriminantAnalysis())


def test_leave_classes_out_holds_whole_classes_out():
    y = np.repeat(np.arange(8), 12)
    groups = np.repeat(np.arange(8 * 4), 3)  # 4 samples of 3 spectra per class
    splitter = LeaveClassesOut(n_unknown=2, n_splits=6, random_state=0)
    held = []
    for train, test in splitter.split(y, y, groups):
        unseen = set(y[test].tolist()) - set(y[train].tolist())
        assert len(unseen) >= 2
        held.append(sorted(set(np.unique(y).tolist()) - set(y[train].tolist())))
        assert not set(groups[train].tolist()) & set(groups[test].tolist())
        assert len(np.intersect1d(train, test)) == 0
    # disjoint draws: the first 4 splits hold out every class once
    assert sorted(sum(held[:4], [])) == list(range(8))
    assert splitter.get_n_splits() == 6
    with pytest.raises(ValueError, match="hold out 1 to 6"):
        next(LeaveClassesOut(n_unknown=7).split(y, y))
    with pytest.raises(ValueError, match="known_test_size"):
        next(LeaveClassesOut(n_unknown=1, known_test_size=1.0).split(y, y))


def test_leave_classes_out_keeps_known_classes_of_shared_samples():
    # each sample holds spectra of two classes (a map with two materials):
    # the closure over samples must not take every sample of a known class
    y = np.tile([0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 0], 3)
    groups = np.repeat(np.arange(len(y) // 2), 2)
    for seed in range(20):
        splitter = LeaveClassesOut(n_unknown=1, n_splits=6, random_state=seed)
        for train, test in splitter.split(y, y, groups):
            unseen = set(y[test].tolist()) - set(y[train].tolist())
            held = [c for c in np.unique(y) if not np.isin(c, y[train])]
            assert len(unseen) == len(held) == 1
            assert not set(groups[train].tolist()) & set(groups[test].tolist())


def test_class_calibration_rejects_the_requested_share_of_unseen_classes(spectra):
    X, y, train = spectra
    clf = OpenSetClassifier(
        _embedding_model(),
        novelty_score="embedding_distance",
        calibration="classes",
        target_rejection=0.9,
        random_state=0,
    ).fit(X[train], y[train])
    assert clf.unknown_rejection_ >= 0.9 and clf.known_recall_ >= 0.95
    test = ~train
    metrics = open_set_metrics(
        y[test], clf.classes_, clf.score_samples(X[test]), clf.predict(X[test]), -1
    )
    # classes the calibration never saw (8-11): rejected as asked
    assert metrics["unknown_rejected"] >= 0.9
    assert metrics["known_accepted"] >= 0.95 and metrics["accepted_accuracy"] == 1.0


def test_unreachable_rejection_warns_and_keeps_the_known_recall(spectra):
    X, y, train = spectra
    with pytest.warns(UserWarning, match="the known recall is kept"):
        clf = OpenSetClassifier(
            LogisticRegression(max_iter=2000),
            calibration="classes",
            target_rejection=0.999,
            random_state=0,
        ).fit(X[train], y[train])
    plain = OpenSetClassifier(LogisticRegression(max_iter=2000), random_state=0)
    assert clf.threshold_ == plain.fit(X[train], y[train]).threshold_
    assert np.isnan(plain.unknown_rejection_)
    assert plain.unknown_calibration_scores_ is None


def test_class_calibration_errors(spectra):
    X, y, train = spectra
    with pytest.raises(ValueError, match="needs calibration='classes'"):
        OpenSetClassifier(LogisticRegression(), target_rejection=0.9).fit(X, y)
    two = y < 2
    with pytest.raises(ValueError, match="at least 3 classes"):
        OpenSetClassifier(LogisticRegression(), calibration="classes").fit(
            X[two], y[two]
        )


@pytest.mark.parametrize(
    "score", ["embedding_knn", "mahalanobis", "relative_mahalanobis"]
)
def test_embedding_scores_separate_unseen_classes(spectra, score):
    X, y, train = spectra
    clf = OpenSetClassifier(_embedding_model(), novelty_score=score, random_state=0)
    clf.fit(X[train], y[train])
    test = ~train
    metrics = open_set_metrics(
        y[test], clf.classes_, clf.score_samples(X[test]), clf.predict(X[test]), -1
    )
    assert metrics["auroc"] > 0.95
    with pytest.raises(ValueError, match="needs an embedding"):
        OpenSetClassifier(LogisticRegression(), novelty_score=score).fit(X, y)


def test_every_non_empty_set_holds_the_top_match(spectra):
    X, y, train = spectra
    clf = OpenSetClassifier(LogisticRegression(max_iter=2000), random_state=0)
    clf.fit(X[train], y[train])
    for alpha in (0.01, 0.05, 0.2):
        found = clf.identify(X, top=3, alpha=alpha)
        sets = found.prediction_sets
        top = np.searchsorted(clf.classes_, found.top_classes[:, 0])
        non_empty = sets.any(axis=1)
        assert non_empty.any()
        assert sets[non_empty, top[non_empty]].all()


def test_mondrian_sets_cover_each_class(spectra):
    X, y, _ = spectra
    rng = np.random.default_rng(0)
    test = rng.random(len(y)) < 0.5
    clf = OpenSetClassifier(LogisticRegression(max_iter=2000), random_state=0)
    clf.fit(X[~test], y[~test])
    sets = clf.predict_set(X[test], alpha=0.2, method="mondrian")
    covered = sets[np.arange(test.sum()), np.searchsorted(clf.classes_, y[test])]
    per_class = [covered[y[test] == c].mean() for c in clf.classes_]
    assert min(per_class) >= 0.6 and covered.mean() >= 0.75


def test_open_set_metrics_counts():
    m = open_set_metrics(
        ["a", "a", "b", "x", "y"],
        ["a", "b"],
        [0.9, 0.2, 0.8, 0.7, 0.1],
        ["a", "unknown", "a", "a", "unknown"],
        "unknown",
    )
    assert (m["n_known"], m["n_unknown"]) == (3, 2)
    assert m["unknown_rejected"] == 0.5 and m["known_accepted"] == pytest.approx(2 / 3)
    assert m["accepted_accuracy"] == 0.5  # "b" named "a"
    assert m["open_set_accuracy"] == pytest.approx(2 / 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        only_known = open_set_metrics(["a"], ["a"], [1.0], ["a"], "unknown")
    assert np.isnan(only_known["auroc"]) and np.isnan(only_known["unknown_rejected"])


def test_identifier_calibrates_on_unseen_materials_and_checks_them():
    from sklearn_raman.identification import SpectrumIdentifier, check_unknowns

    spectra, y = make_spectra(
        n_classes=6, n_samples_per_class=12, ragged=True, random_state=0
    )
    ident = SpectrumIdentifier(model="library", calibration="classes", cv=3)
    ident.fit(spectra, y)
    assert 0 <= ident.unknown_rejection_ <= 1
    assert np.isnan(
        SpectrumIdentifier(model="library", cv=3).fit(spectra, y).unknown_rejection_
    )
    results = check_unknowns(ident, spectra, y, n_unknown=2, n_splits=3)
    held = [r["unknown_classes"] for r in results]
    assert sorted(sum(held, [])) == [str(c) for c in range(6)]  # disjoint draws
    for r in results:
        assert r["n_unknown"] == 24 and r["n_known"] > 0
        assert 0 <= r["unknown_rejected"] <= 1 and r["auroc"] > 0.5
    with pytest.raises(ValueError, match="at least 3"):
        two = np.flatnonzero(y < 2)
        check_unknowns(ident, [spectra[i] for i in two], y[two])


def test_train_check_unknowns_prints_the_figures(tmp_path, capsys):
    from sklearn_raman.cli import main

    spectra, y = make_spectra(
        n_classes=5, n_samples_per_class=8, ragged=True, random_state=0
    )
    for i, ((axis, values), c) in enumerate(zip(spectra, y)):
        folder = tmp_path / "refs" / f"m{c}"
        folder.mkdir(parents=True, exist_ok=True)
        np.savetxt(folder / f"s{i}.csv", np.c_[axis, values], delimiter=",")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status = main(
            [
                "train",
                "--data",
                str(tmp_path / "refs"),
                "--model",
                "library",
                "--cv",
                "3",
                "--check-unknowns",
                "1",
                "--check-splits",
                "2",
                "--calibrate-on-unseen",
                "--out",
                str(tmp_path / "m.skops"),
            ]
        )
    assert status == 0
    out = capsys.readouterr().out
    assert out.count("held out m") == 2 and "mean: unknowns rejected" in out
    assert "calibration: materials held out whole are rejected at" in out


def test_combined_score_adds_a_library_search_to_a_classifier(spectra, tmp_path):
    from sklearn.svm import LinearSVC

    from sklearn_raman import SpectrumResampler
    from sklearn_raman.persistence import dump, load

    X, y, train = spectra
    test = ~train
    known = y[test] < 8

    def fitted(score, calibration="known"):
        model = make_pipeline(PCA(10), LinearSVC())
        return OpenSetClassifier(
            model, novelty_score=score, calibration=calibration, random_state=0
        ).fit(X[train], y[train])

    def rejected(clf):
        return np.mean(clf.score_samples(X[test])[~known] < clf.threshold_)

    margin, combined = fitted("margin"), fitted("combined")
    # the SVM's margin lets most unseen classes through; the library part
    # of the training spectra does not
    assert rejected(margin) < 0.6 and rejected(combined) >= 0.9
    assert combined.known_recall_ >= 0.95
    assert combined.combiner_["weights"].tolist() == [0.5, 0.5]
    assert combined.calibration_scores_.ndim == 1
    assert margin.combiner_ is None
    # held-out classes weight the parts by a logistic regression
    weighted = fitted("combined", "classes")
    assert np.isclose(weighted.combiner_["weights"].sum(), 1.0)
    assert weighted.combiner_["weights"].tolist() != [0.5, 0.5]
    assert weighted.unknown_rejection_ >= 0.8
    # saved and loaded: the same scores
    path = tmp_path / "combined.skops"
    dump(combined, path)
    np.testing.assert_allclose(
        load(path).score_samples(X[test]), combined.score_samples(X[test])
    )
    # spectra as (wavenumbers, intensities) pairs: the library part compares
    # them after the pipeline's resampler
    wn = np.linspace(100, 1800, X.shape[1])
    pairs = [(wn, x) for x in X]
    pipe = make_pipeline(
        SpectrumResampler(start=100, stop=1800, step=10), PCA(10), LinearSVC()
    )
    clf = OpenSetClassifier(pipe, novelty_score="combined", random_state=0)
    clf.fit([p for p, t in zip(pairs, train) if t], y[train])
    scores = clf.score_samples([p for p, t in zip(pairs, test) if t])
    assert np.mean(scores[~known] < clf.threshold_) >= 0.9


def test_combined_score_errors(spectra):
    from sklearn_raman.neighbors import LibrarySearchClassifier

    X, y, train = spectra
    with pytest.raises(ValueError, match="use novelty_score='similarity'"):
        OpenSetClassifier(LibrarySearchClassifier(), novelty_score="combined").fit(X, y)
