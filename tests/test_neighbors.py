import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier

from sklearn_raman import load_rruff_sang2021, make_spectra
from sklearn_raman.model_selection import PaperSplit
from sklearn_raman.neighbors import LibrarySearchClassifier


@pytest.fixture(scope="module")
def spectra():
    X, y = make_spectra(
        n_classes=6, n_samples_per_class=30, n_points=300, snr_db=12, random_state=0
    )
    return X[:120], X[120:], y[:120], y[120:]


def test_cosine_search_equals_1nn_cosine(spectra):
    X_train, X_test, y_train, _ = spectra
    lib = LibrarySearchClassifier(chunk_size=7).fit(X_train, y_train)
    knn = KNeighborsClassifier(1, metric="cosine").fit(X_train, y_train)
    np.testing.assert_array_equal(lib.predict(X_test), knn.predict(X_test))
    np.testing.assert_array_equal(
        lib.predict_proba(X_test).argmax(1),
        np.searchsorted(lib.classes_, lib.predict(X_test)),
    )


def test_pearson_equals_1nn_correlation(spectra):
    X_train, X_test, y_train, _ = spectra
    lib = LibrarySearchClassifier(metric="pearson").fit(X_train, y_train)
    knn = KNeighborsClassifier(1, metric="correlation").fit(X_train, y_train)
    np.testing.assert_array_equal(lib.predict(X_test), knn.predict(X_test))


def test_search_hits_sorted_and_self_match(spectra):
    X_train, _, y_train, _ = spectra
    for metric in ("cosine", "pearson", "hqi"):
        lib = LibrarySearchClassifier(metric=metric, derivative=metric == "hqi").fit(
            X_train, y_train
        )
        scores, idx = lib.search(X_train[:10], k=4)
        assert scores.shape == idx.shape == (10, 4)
        assert np.all(np.diff(scores, axis=1) <= 1e-6)
        np.testing.assert_array_equal(idx[:, 0], np.arange(10))
        np.testing.assert_allclose(scores[:, 0], 1.0, rtol=1e-5)


def test_hqi_is_squared_cosine(spectra):
    X_train, X_test, y_train, _ = spectra
    cos = (
        LibrarySearchClassifier(metric="cosine")
        .fit(X_train, y_train)
        .class_scores(X_test)
    )
    hqi = (
        LibrarySearchClassifier(metric="hqi").fit(X_train, y_train).class_scores(X_test)
    )
    positive = cos > 0
    np.testing.assert_allclose(hqi[positive], cos[positive] ** 2, rtol=1e-5)


def test_reject_threshold():
    X, y = make_spectra(n_classes=3, n_samples_per_class=10, random_state=0)
    lib = LibrarySearchClassifier(reject_threshold=0.9999).fit(X[:20], y[:20])
    pred = lib.predict(np.vstack([X[:2], X[25:]]))
    assert list(pred[:2]) == list(y[:2])  # exact library members pass
    assert (pred[2:] == -1).all()  # integer labels: -1 for unknown
    lib = LibrarySearchClassifier(reject_threshold=0.9999, unknown_label="none")
    pred = lib.fit(X[:20], np.array(["a", "b", "c"])[y[:20]]).predict(X[25:])
    assert (pred == "none").all()


@pytest.mark.parametrize(
    "labels, unknown_label, shown",
    [
        ([-1, 1, 2], -1, "-1"),  # by default: -2 (tests/test_open_set.py)
        ([0, 1, 2], 2, "2"),
        (["unknown", "b", "c"], None, "'unknown'"),
    ],
)
def test_unknown_label_cannot_be_a_class(spectra, labels, unknown_label, shown):
    X, _, y, _ = spectra
    y = np.asarray(labels)[y % 3]
    search = LibrarySearchClassifier(reject_threshold=0.9, unknown_label=unknown_label)
    with pytest.raises(ValueError, match=f"unknown_label {shown} is also a class"):
        search.fit(X, y)
    # set after fit, the clash is caught at predict time
    fitted = LibrarySearchClassifier().fit(X, y)
    fitted.set_params(reject_threshold=0.9, unknown_label=unknown_label)
    with pytest.raises(ValueError, match="is also a class"):
        fitted.predict(X[:2])


def test_dataset_1_equals_knn_and_paper_accuracy(rruff_npz):
    d = load_rruff_sang2021(rruff_npz, subset=1)
    train, test = next(PaperSplit(random_state=0).split(d.X, d.y))
    lib = LibrarySearchClassifier().fit(d.X[train], d.y[train])
    knn = KNeighborsClassifier(1, metric="cosine").fit(d.X[train], d.y[train])
    pred = lib.predict(d.X[test])
    np.testing.assert_array_equal(pred, knn.predict(d.X[test]))
    assert np.mean(pred == d.y[test]) > 0.95


@pytest.mark.parametrize("metric", ["cosine", "pearson", "hqi"])
@pytest.mark.parametrize("derivative", [False, True])
def test_compressed_search_finds_the_exact_hits(metric, derivative):
    X, y = make_spectra(
        n_classes=30, n_samples_per_class=30, n_points=300, snr_db=20, random_state=1
    )
    lib_X, lib_y, queries = X[:600], y[:600], X[600:]
    exact = LibrarySearchClassifier(metric=metric, derivative=derivative)
    exact.fit(lib_X, lib_y)
    compressed = LibrarySearchClassifier(
        metric=metric, derivative=derivative, n_components=24, chunk_size=100
    ).fit(lib_X, lib_y)
    assert compressed._compressed.basis.shape[1] == 24
    np.testing.assert_array_equal(compressed.predict(queries), exact.predict(queries))
    s_exact, i_exact = exact.search(queries, k=5)
    s_comp, i_comp = compressed.search(queries, k=5)
    np.testing.assert_array_equal(i_comp, i_exact)
    np.testing.assert_allclose(s_comp, s_exact, atol=1e-12)
    # class scores: exact where a class can hold the best hit, bounded elsewhere
    c_exact, c_comp = exact.class_scores(queries), compressed.class_scores(queries)
    rows = np.arange(len(queries))
    best = c_exact.argmax(1)
    np.testing.assert_allclose(c_comp[rows, best], c_exact[rows, best], atol=1e-12)
    assert np.abs(c_comp - c_exact).max() < 0.25
    np.testing.assert_array_equal(
        compressed.predict_proba(queries).argmax(1),
        exact.predict_proba(queries).argmax(1),
    )


def test_compressed_search_rejects_as_the_exact_one():
    X, y = make_spectra(
        n_classes=5, n_samples_per_class=60, n_points=300, random_state=0
    )
    other, _ = make_spectra(
        n_classes=2, n_samples_per_class=10, n_points=300, random_state=9
    )
    kw = dict(reject_threshold=0.95, unknown_label="none")
    exact = LibrarySearchClassifier(**kw).fit(X, y.astype(str))
    comp = LibrarySearchClassifier(n_components=10, **kw).fit(X, y.astype(str))
    queries = np.vstack([X[:20], other])
    np.testing.assert_array_equal(comp.predict(queries), exact.predict(queries))
    assert (exact.predict(other) == "none").all()


def test_compressed_search_on_rruff_dataset_2(rruff_npz):
    d = load_rruff_sang2021(rruff_npz, subset=2)
    train, test = next(PaperSplit(random_state=0).split(d.X, d.y))
    exact = LibrarySearchClassifier().fit(d.X[train], d.y[train])
    comp = LibrarySearchClassifier(n_components=192).fit(d.X[train], d.y[train])
    np.testing.assert_array_equal(comp.predict(d.X[test]), exact.predict(d.X[test]))
