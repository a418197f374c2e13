import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score, top_k_accuracy_score
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC, LinearSVC, NuSVC
from sklearn.svm import _base as svm_base

from sklearn_raman.metrics import (
    PAPER_SCORING,
    class_scores,
    ovr_auc,
    paper_metrics,
    top_k_accuracy,
)


@pytest.fixture
def scores():
    rng = np.random.default_rng(0)
    y = np.repeat(np.array(["a", "b", "c", "d", "e"]), 20)
    proba = rng.dirichlet(np.ones(5), size=100)
    proba[np.arange(100), np.repeat(np.arange(5), 20)] += 0.3  # informative
    return y, proba / proba.sum(1, keepdims=True), np.array(["a", "b", "c", "d", "e"])


def test_top_k_counts_ties_pessimistically():
    classes = ["albite", "calcite", "quartz", "zircon"]
    one_hot = np.array([[0, 1, 0, 0]] * 4, dtype=float)  # a 1-NN predicting calcite
    # the hit must not depend on the alphabetical place of the true class:
    # albite (before calcite) and zircon (after it) are both misses at k = 3
    for truth in ("albite", "quartz", "zircon"):
        assert top_k_accuracy([truth], one_hot[:1], classes, k=3) == 0.0
    assert top_k_accuracy(["calcite"], one_hot[:1], classes, k=1) == 1.0
    # a tie at the k-th place: a hit only if every tied class fits
    tied = np.array([[0.5, 0.2, 0.2, 0.1]])
    assert top_k_accuracy(["calcite"], tied, classes, k=2) == 0.0
    assert top_k_accuracy(["calcite"], tied, classes, k=3) == 1.0
    assert top_k_accuracy(["zircon"], tied, classes, k=3) == 0.0
    assert top_k_accuracy(["zircon"], tied, classes, k=4) == 1.0
    assert top_k_accuracy(["calcite"], [[np.nan] * 4], classes, k=4) == 0.0


@pytest.mark.parametrize("k", [1, 2, 3])
def test_top_k_matches_sklearn(scores, k):
    y, proba, classes = scores
    expected = top_k_accuracy_score(y, proba, k=k, labels=classes)
    assert top_k_accuracy(y, proba, classes, k) == pytest.approx(expected)


def test_ovr_auc_matches_sklearn_and_copes_with_missing_classes(scores):
    y, proba, classes = scores
    expected = roc_auc_score(y, proba, multi_class="ovr", average="weighted")
    assert ovr_auc(y, proba, classes) == pytest.approx(expected)
    subset = np.isin(y, ["a", "b"])  # three classes absent from this "test set"
    value = ovr_auc(y[subset], proba[subset], classes)
    assert 0.5 < value <= 1.0
    assert np.isnan(ovr_auc(["a", "a"], proba[:2], classes))  # no negatives


def test_paper_metrics_keys_and_values(scores):
    y, proba, classes = scores
    m = paper_metrics(y, proba, classes)
    assert set(m) == {
        "top1",
        "top3",
        "top5",
        "precision_weighted",
        "recall_weighted",
        "f1_weighted",
        "precision_macro",
        "recall_macro",
        "f1_macro",
        "roc_auc",
        "pr_auc",
    }
    assert m["top1"] <= m["top3"] <= m["top5"] == 1.0
    assert m["recall_weighted"] == pytest.approx(m["top1"])
    perfect = paper_metrics(["a", "b"], [[1.0, 0.0], [0.0, 1.0]], ["a", "b"])
    assert all(v == 1.0 for v in perfect.values())
    votes = paper_metrics(
        ["a", "b"], [[0.6, 0.4], [0.6, 0.4]], ["a", "b"], y_pred=["a", "b"]
    )
    assert votes["top1"] == 1.0


def test_unknown_labels_count_as_misses():
    assert top_k_accuracy(["zzz"], [[0.5, 0.5]], ["a", "b"], k=2) == 0.0


@pytest.mark.parametrize(
    "model",
    [
        KNeighborsClassifier(5),
        make_pipeline(PCA(5), LinearSVC(max_iter=5000, random_state=0)),  # no proba
    ],
    ids=["knn", "pca_linsvc"],
)
@pytest.mark.parametrize("n_classes", [2, 4])
def test_paper_scoring_in_cross_validate_equals_paper_metrics(model, n_classes):
    X, y = make_classification(
        n_samples=150, n_classes=n_classes, n_informative=6, random_state=0
    )
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    res = cross_validate(
        model, X, y, cv=cv, scoring=PAPER_SCORING, return_estimator=True
    )
    for fold, (_, test) in enumerate(cv.split(X, y)):
        fitted = res["estimator"][fold]
        expected = paper_metrics(
            y[test],
            class_scores(fitted, X[test]),
            fitted.classes_,
            y_pred=fitted.predict(X[test]),
        )
        for name in PAPER_SCORING:
            assert res[f"test_{name}"][fold] == pytest.approx(expected[name]), name


@pytest.mark.parametrize(
    "model",
    [
        SVC(C=10.0),
        NuSVC(nu=0.05, break_ties=True),
        make_pipeline(PCA(8), SVC(kernel="poly", degree=2)),
    ],
    ids=["svc", "nusvc", "pca_svc"],
)
def test_one_vs_one_class_scores_equal_decision_function(model, monkeypatch):
    # the vectorised vote count is scikit-learn's own reduction, exactly
    X, y = make_classification(
        n_samples=400, n_features=12, n_informative=10, n_classes=9, random_state=0
    )
    labels = np.array([f"mineral {c}" for c in "ABCDEFGHI"])[y]
    model.fit(X, labels)
    expected = model.decision_function(X)

    def python_loop(*args, **kwargs):
        raise AssertionError("scikit-learn's per-pair loop was used")

    with monkeypatch.context() as patch:
        patch.setattr(svm_base, "_ovr_decision_function", python_loop)
        scores = class_scores(model, X.tolist())
    np.testing.assert_allclose(scores, expected, atol=1e-12)
    final = model[-1] if hasattr(model, "steps") else model
    assert final.decision_function_shape == "ovr"


def test_one_vs_one_class_scores_two_classes_and_ovo_shape():
    X, y = make_classification(n_samples=100, n_features=5, random_state=0)
    model = SVC().fit(X, y)
    scores = class_scores(model, X)
    np.testing.assert_array_equal(scores[:, 1], model.decision_function(X))
    np.testing.assert_array_equal(scores[:, 0], -scores[:, 1])
    X3, y3 = make_classification(
        n_samples=150, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    ovo = SVC(decision_function_shape="ovo").fit(X3, y3)
    np.testing.assert_array_equal(class_scores(ovo, X3), ovo.decision_function(X3))
