"""OpenSetClassifier: calibrated rejection of spectra of no known class."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from sklearn_raman import (
    CompactResNet1DClassifier,
    LibrarySearchClassifier,
    MinMaxPerSpectrum,
    OpenSetClassifier,
    SpectrumResampler,
    classical_baselines,
    make_spectra,
)
from sklearn_raman.classical import PLSDAClassifier, RocketClassifier
from sklearn_raman.metrics import class_scores
from sklearn_raman.open_set._conformal import fold_draw
from sklearn_raman.open_set._scores import decision_scores


@pytest.fixture(scope="module")
def split():
    """Six classes; the last two are never trained on (the unknowns)."""
    X, y = make_spectra(
        n_classes=6, n_samples_per_class=40, n_points=300, snr_db=30, random_state=0
    )
    X = MinMaxPerSpectrum().fit_transform(X)
    rng = np.random.default_rng(0)
    known = np.isin(y, np.unique(y)[:4])
    test = rng.random(len(y)) < 0.3
    return (
        (X[known & ~test], y[known & ~test]),
        (X[known & test], y[known & test]),
        X[~known],
    )


def _rates(clf, split):
    (X_train, y_train), (X_known, y_known), X_unknown = split
    clf.fit(X_train, y_train)
    pred_known = clf.predict(X_known)
    accepted = pred_known != clf.unknown_label_
    rejected = clf.predict(X_unknown) == clf.unknown_label_
    return (
        accepted.mean(),
        rejected.mean(),
        (pred_known[accepted] == y_known[accepted]).mean(),
    )


def _MiniRocket(**params):
    return RocketClassifier("minirocket", **params)


@pytest.mark.parametrize(
    "estimator, novelty_score",
    [
        (LogisticRegression(max_iter=2000), "max_proba"),
        (LogisticRegression(max_iter=2000), "energy"),
        (LibrarySearchClassifier(), "similarity"),
        (
            CompactResNet1DClassifier._create_test_instance(max_epochs=15),
            "embedding_distance",
        ),
        (CompactResNet1DClassifier._create_test_instance(max_epochs=15), "energy"),
        # the strongest classical baselines (classical_baselines)
        (PLSDAClassifier(), "max_proba"),
        (PLSDAClassifier(), "combined"),
        (_MiniRocket(n_kernels=500, random_state=0), "max_logit"),
        (_MiniRocket(n_kernels=500, random_state=0), "combined"),
        (classical_baselines(random_state=0)["hgb"], "max_proba"),
    ],
    ids=[
        "logreg-max_proba",
        "logreg-energy",
        "library-similarity",
        "cnn-embedding",
        "cnn-energy",
        "plsda-max_proba",
        "plsda-combined",
        "minirocket-max_logit",
        "minirocket-combined",
        "hgb-max_proba",
    ],
)
def test_unknown_classes_are_rejected_and_knowns_accepted(
    split, estimator, novelty_score
):
    if isinstance(estimator, RocketClassifier):
        pytest.importorskip("aeon", reason="the rocket extra (aeon) is not installed")
    clf = OpenSetClassifier(
        estimator, novelty_score=novelty_score, cv=3, random_state=0
    )
    known_recall, unknown_rejected, accuracy = _rates(clf, split)
    assert known_recall >= 0.85  # calibrated for 0.95 on held-out knowns
    assert unknown_rejected >= 0.5  # two classes it never saw
    assert accuracy >= 0.9
    # the conformal rank: the floor((n + 1) * 0.05)-th smallest held-out score
    n = len(clf.calibration_scores_)
    rank = max(int(np.floor((n + 1) * 0.05 + 1e-9)), 1)
    assert clf.threshold_ == np.sort(clf.calibration_scores_)[rank - 1]


def test_target_recall_sets_the_share_of_calibration_scores_accepted(split):
    (X, y), _, _ = split
    for recall in (0.8, 0.95, 1.0):
        clf = OpenSetClassifier(
            LibrarySearchClassifier(),
            novelty_score="similarity",
            target_recall=recall,
            random_state=0,
        ).fit(X, y)
        accepted = (clf.calibration_scores_ >= clf.threshold_).mean()
        assert accepted >= recall and accepted <= recall + 0.05
        assert len(clf.calibration_scores_) == len(y)  # cross-fitting: every spectrum


def test_unknown_label_follows_the_labels_dtype_and_never_collides(split):
    (X, y), _, X_unknown = split
    codes = np.unique(y, return_inverse=True)[1]
    names = np.char.add("mineral ", codes.astype(str))
    logreg = LogisticRegression(max_iter=2000)
    ints = OpenSetClassifier(logreg, random_state=0).fit(X, codes)
    assert ints.unknown_label_ == -1 and ints.predict(X_unknown).dtype.kind == "i"
    strs = OpenSetClassifier(logreg, random_state=0).fit(X, names)
    assert strs.unknown_label_ == "unknown"
    assert strs.predict(X_unknown).dtype.kind == "U"
    with pytest.raises(ValueError, match="is also a class"):
        OpenSetClassifier(logreg, unknown_label=names[0]).fit(X, names)
    shifted = OpenSetClassifier(logreg).fit(X, codes - 1)  # -1 is a class
    assert shifted.unknown_label_ == -2


def test_scores_that_the_model_cannot_give_raise_naming_the_fix(split):
    (X, y), _, _ = split
    with pytest.raises(ValueError, match="needs a LibrarySearchClassifier"):
        OpenSetClassifier(LogisticRegression(), novelty_score="similarity").fit(X, y)
    with pytest.raises(ValueError, match="needs an embedding"):
        OpenSetClassifier(LogisticRegression(), novelty_score="embedding_distance").fit(
            X, y
        )


def test_ragged_spectra_through_a_pipeline():
    spectra, y = make_spectra(
        n_classes=4, n_samples_per_class=15, ragged=True, random_state=1
    )
    model = make_pipeline(
        SpectrumResampler(start=300, stop=1700, step=2), LibrarySearchClassifier()
    )
    clf = OpenSetClassifier(model, novelty_score="similarity", cv=3, random_state=0)
    clf.fit(spectra[:50], y[:50])
    assert clf.predict(spectra[50:]).shape == (10,)
    assert clf.score_samples(spectra[:3]).shape == (3,)


@pytest.mark.parametrize("method", ["auto", "split", "cross", "final", "mondrian"])
@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.2])
def test_prediction_sets_cover_held_out_knowns(alpha, method):
    X, y = make_spectra(
        n_classes=8, n_samples_per_class=60, n_points=200, snr_db=12, random_state=3
    )
    rng = np.random.default_rng(1)
    test = rng.random(len(y)) < 0.5
    clf = OpenSetClassifier(LogisticRegression(max_iter=3000), cv=5, random_state=0)
    clf.fit(X[~test], y[~test])
    sets = clf.predict_set(X[test], alpha=alpha, method=method)
    covered = sets[np.arange(test.sum()), np.searchsorted(clf.classes_, y[test])]
    assert covered.mean() >= 1 - alpha - 0.03
    assert sets.sum(1).mean() < len(clf.classes_)  # informative, not everything
    with pytest.raises(ValueError, match="alpha must be in"):
        clf.predict_set(X[:2], alpha=0)
    with pytest.raises(ValueError, match="method must be one of"):
        clf.predict_set(X[:2], method="jackknife")


def test_split_sets_depend_on_the_spectrum_not_its_batch():
    X, y = make_spectra(n_classes=4, n_samples_per_class=30, n_points=120, snr_db=8)
    clf = OpenSetClassifier(LogisticRegression(max_iter=2000), cv=4, random_state=0)
    clf.fit(X[::2], y[::2])
    new = X[1::2]
    sets = clf.predict_set(new, alpha=0.2)
    order = np.random.default_rng(0).permutation(len(new))
    assert_array_equal(clf.predict_set(new[order], alpha=0.2), sets[order])
    assert_array_equal(clf.predict_set(new[:1], alpha=0.2), sets[:1])
    assert_array_equal(clf.predict_set(pd.DataFrame(new), alpha=0.2), sets)
    # spectra are spread over the folds, all of whose models vote
    draws = fold_draw(new, clf.random_state) % len(clf.fold_estimators_)
    assert len(np.unique(draws)) == len(clf.fold_estimators_)


def test_split_sets_are_not_conservative_where_folds_disagree():
    # each physical sample measured as 4 near-identical replicates, split at
    # random by spectrum: a new replicate's sample is in the training data of
    # most, not all, fold models, so pooling the folds (cross) over-covers
    X, y = make_spectra(
        n_classes=10, n_samples_per_class=20, n_points=150, snr_db=5, random_state=4
    )
    rng = np.random.default_rng(0)
    X = np.repeat(X, 4, axis=0) + rng.normal(0, 0.05, (len(X) * 4, X.shape[1]))
    y = np.repeat(y, 4)
    test = rng.random(len(y)) < 0.4
    clf = OpenSetClassifier(LogisticRegression(max_iter=3000), cv=3, random_state=0)
    clf.fit(X[~test], y[~test])
    column = np.searchsorted(clf.classes_, y[test])
    coverage = {
        method: clf.predict_set(X[test], alpha=0.1, method=method)[
            np.arange(len(column)), column
        ].mean()
        for method in ("split", "cross")
    }
    assert abs(coverage["split"] - 0.9) < 0.03
    assert coverage["cross"] > coverage["split"] + 0.03  # measured 0.987 vs 0.900


def test_group_calibration_scores_new_samples_not_replicates():
    # three near-identical replicates per physical sample: folds by spectrum
    # score a replicate of a training sample (optimistic); folds by sample do not
    X, y = make_spectra(
        n_classes=5, n_samples_per_class=12, n_points=200, random_state=2
    )
    rng = np.random.default_rng(0)
    X = np.repeat(X, 3, axis=0) + rng.normal(0, 1e-3, (len(X) * 3, X.shape[1]))
    y = np.repeat(y, 3)
    groups = np.repeat(np.arange(len(X) // 3), 3)
    library = LibrarySearchClassifier()
    by_spectrum = OpenSetClassifier(library, novelty_score="similarity", random_state=0)
    by_sample = OpenSetClassifier(library, novelty_score="similarity", random_state=0)
    by_spectrum.fit(X, y)
    by_sample.fit(X, y, groups=groups)
    assert np.median(by_spectrum.calibration_scores_) > 0.999  # replicates found
    assert np.median(by_sample.calibration_scores_) < 0.999
    assert by_sample.threshold_ < by_spectrum.threshold_
    # prediction sets: pooled folds by sample, one fold a spectrum otherwise
    assert by_sample.grouped_calibration_ and not by_spectrum.grouped_calibration_
    for clf, method in ((by_sample, "cross"), (by_spectrum, "split")):
        assert_array_equal(
            clf.predict_set(X[:20]), clf.predict_set(X[:20], method=method)
        )
    with pytest.raises(ValueError, match="groups for"):
        by_sample.fit(X, y, groups=groups[:-1])


@pytest.mark.parametrize("novelty_score", ["max_logit", "margin"])
def test_decision_scores(split, novelty_score):
    clf = OpenSetClassifier(
        LogisticRegression(max_iter=2000), novelty_score=novelty_score, random_state=0
    )
    known_recall, unknown_rejected, _ = _rates(clf, split)
    assert known_recall >= 0.85 and unknown_rejected >= 0.5


# One rule for the unknown label, shared by library search and the open-set
# wrapper: (labels, unknown_label given, label expected, dtype expected)
UNKNOWN_RULE = [
    (np.array(["a", "bb", "c"]), None, "unknown", "<U7"),
    (np.array(["a", "bb", "c"]), "none", "none", "<U4"),
    (np.array([0, 1, 2]), None, -1, "int64"),
    (np.array([-1, 0, 1]), None, -2, "int64"),  # -1 is a class: one below
    (np.array([0, 1, 2], dtype=np.uint8), None, -1, "int16"),  # widened to hold -1
    (np.array([0.0, 1.0, 2.0]), None, -1, "float64"),
    (np.array([0, 1, 2]), "unknown", "unknown", "object"),  # mixed: object
    (np.array([False, True, True]), None, "unknown", "object"),
]


def _all_rejected(kind, X, y, given):
    """Predictions of X by ``kind`` with every spectrum rejected."""
    if kind == "library":
        search = LibrarySearchClassifier(reject_threshold=2.0, unknown_label=given)
        return search.fit(X, y), search.predict(X)
    clf = OpenSetClassifier(LibrarySearchClassifier(), unknown_label=given, cv=2)
    clf.fit(X, y)
    clf.threshold_ = np.inf  # every score is below it
    return clf, clf.predict(X)


@pytest.mark.parametrize("kind", ["library", "open_set"])
@pytest.mark.parametrize("labels, given, label, dtype", UNKNOWN_RULE)
def test_one_unknown_label_rule_for_library_search_and_open_set(
    kind, labels, given, label, dtype
):
    X, codes = make_spectra(n_classes=3, n_samples_per_class=6, random_state=0)
    y = labels[codes]
    model, pred = _all_rejected(kind, X, y, given)
    assert pred.dtype == np.dtype(dtype)
    for p in pred.tolist():  # "-1" is no -1
        assert p == label and isinstance(p, str) == isinstance(label, str)
    if kind == "open_set":
        assert model.unknown_label_ == label


@pytest.mark.parametrize("kind", ["library", "open_set"])
@pytest.mark.parametrize(
    "labels, given, shown",
    [
        (np.array(["unknown", "b", "c"]), None, "'unknown'"),  # the default
        (np.array(["a", "b", "c"]), "b", "'b'"),
        (np.array([0, 1, 2]), 2, "2"),
        (np.array([-1, 1, 2]), -1, "-1"),
    ],
)
def test_an_unknown_label_that_is_a_class_raises_naming_it(kind, labels, given, shown):
    X, codes = make_spectra(n_classes=3, n_samples_per_class=6, random_state=0)
    with pytest.raises(ValueError, match=f"unknown_label {shown} is also a class"):
        _all_rejected(kind, X, labels[codes], given)


def test_accepted_spectra_keep_their_class_in_the_unknown_dtype(split):
    (X, y), _, X_unknown = split
    names = np.array(["albite", "calcite", "gypsum", "quartz"])[y]
    clf = OpenSetClassifier(LibrarySearchClassifier(), cv=3, random_state=0)
    pred = clf.fit(X, names).predict(np.vstack([X[:5], -X_unknown[:5]]))
    assert pred.dtype == np.dtype("<U7")
    assert_array_equal(pred[:5], names[:5])  # "calcite" not cut to "calci"
    assert_array_equal(pred[5:], "unknown")


@pytest.mark.parametrize(
    "estimator, expected",
    [
        (LibrarySearchClassifier(), "similarity"),
        (make_pipeline(MinMaxPerSpectrum(), LibrarySearchClassifier()), "similarity"),
        (KNeighborsClassifier(3), "max_proba"),
        # an embedding transform alone is no deep network
        (LinearDiscriminantAnalysis(), "max_proba"),
        (LinearSVC(random_state=0), "margin"),
        (make_pipeline(StandardScaler(), LinearSVC(random_state=0)), "margin"),
    ],
    ids=["library", "library-pipeline", "knn", "lda", "linsvc", "linsvc-pipeline"],
)
def test_auto_novelty_score_follows_the_estimators_capabilities(
    split, estimator, expected
):
    (X, y), _, _ = split
    auto = OpenSetClassifier(estimator, cv=3, random_state=0).fit(X, y)
    assert auto.novelty_score == "auto" and auto.novelty_score_ == expected
    explicit = OpenSetClassifier(
        estimator, novelty_score=expected, cv=3, random_state=0
    ).fit(X, y)
    assert_array_equal(auto.calibration_scores_, explicit.calibration_scores_)
    assert auto.threshold_ == explicit.threshold_
    assert_array_equal(auto.score_samples(X[:10]), explicit.score_samples(X[:10]))


@pytest.mark.parametrize("in_pipeline", [False, True], ids=["net", "pipeline"])
def test_auto_novelty_score_of_a_deep_network_is_the_embedding(split, in_pipeline):
    (X, y), _, _ = split
    net = CompactResNet1DClassifier._create_test_instance(max_epochs=1)
    model = make_pipeline(MinMaxPerSpectrum(), net) if in_pipeline else net
    clf = OpenSetClassifier(model, cv=2, random_state=0).fit(X, y)
    assert clf.novelty_score_ == "embedding_distance"
    fitted = clf.estimator_[-1] if in_pipeline else clf.estimator_
    centroids = clf._score_state  # class centroids of the embedding
    assert centroids.shape == (len(clf.classes_), fitted.module_.embedding_dim)


def test_identify_equals_the_separate_calls_with_one_forward(split, monkeypatch):
    (X, y), (X_known, _), X_unknown = split
    queries = np.vstack([X_known[:6], X_unknown[:6]])
    clf = OpenSetClassifier(LogisticRegression(max_iter=2000), cv=3, random_state=0)
    clf.fit(X, y)
    proba = clf.predict_proba(queries)
    expected_sets = clf.predict_set(queries, alpha=0.05)
    expected = (clf.predict(queries), clf.score_samples(queries))
    calls = []
    forward = clf.estimator_.predict_proba
    monkeypatch.setattr(
        clf.estimator_, "predict_proba", lambda X: calls.append(1) or forward(X)
    )
    result = clf.identify(queries, top=3)
    assert len(calls) == 1  # the top matches and max_proba share one forward
    assert result.score_kind == "probability"
    order = np.argsort(-proba, axis=1, kind="stable")[:, :3]
    assert_array_equal(result.top_classes, clf.classes_[order])
    assert_array_equal(result.top_scores, np.take_along_axis(proba, order, axis=1))
    assert_array_equal(result.verdicts, expected[0])
    assert_array_equal(result.novelty, expected[1])
    assert_array_equal(result.prediction_sets, expected_sets)
    assert (result.verdicts[6:] == clf.unknown_label_).mean() >= 0.5
    assert clf.identify(queries, alpha=None).prediction_sets is None
    assert clf.identify(queries, top=99).top_classes.shape == (12, 4)
    with pytest.raises(ValueError, match="top must be an integer >= 1"):
        clf.identify(queries, top=0)


def test_identify_without_probabilities_ranks_by_the_decision(split):
    (X, y), _, X_unknown = split
    two = np.isin(y, np.unique(y)[:2])
    clf = OpenSetClassifier(LinearSVC(), cv=3, random_state=0).fit(X[two], y[two])
    result = clf.identify(X_unknown[:5], top=5)
    margin = clf.decision_function(X_unknown[:5])
    assert result.score_kind == "decision" and result.prediction_sets is None
    assert result.top_classes.shape == (5, 2)
    assert_array_equal(result.top_scores[:, 0], np.abs(margin))  # [-s, s]
    assert_array_equal(result.novelty, clf.score_samples(X_unknown[:5]))
    assert_array_equal(result.verdicts, clf.predict(X_unknown[:5]))


def test_reject_gives_the_verdicts_of_predict(split):
    (X, y), _, X_unknown = split
    clf = OpenSetClassifier(LibrarySearchClassifier(), cv=3, random_state=0)
    clf.fit(X, y)
    queries = np.vstack([X[:5], X_unknown[:5]])
    pred, scores = clf.estimator_.predict(queries), clf.score_samples(queries)
    assert_array_equal(clf.reject(pred, scores), clf.predict(queries))
    assert_array_equal(clf.reject([0, 1], [clf.threshold_, -1.0]), [0, -1])


def test_one_column_decisions_widen_alike_in_metrics_and_open_set(split):
    (X, y), _, _ = split
    two = np.isin(y, np.unique(y)[:2])
    svm = LinearSVC().fit(X[two], y[two])
    s = svm.decision_function(X[:8])
    widened = decision_scores(svm, X[:8])
    assert_array_equal(widened, np.c_[-s, s])
    assert_array_equal(widened, class_scores(svm, X[:8]))
    margin = OpenSetClassifier(svm, novelty_score="margin", cv=3).fit(X[two], y[two])
    np.testing.assert_allclose(
        margin.score_samples(X[:8]), 2 * np.abs(margin.decision_function(X[:8]))
    )
