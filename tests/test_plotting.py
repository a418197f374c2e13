"""The plotting helpers draw what they are given and reject mismatched input."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sklearn_raman import LeNet1DClassifier, make_spectra  # noqa: E402
from sklearn_raman.plotting import (  # noqa: E402
    plot_benchmark,
    plot_confusion_matrix,
    plot_embedding,
    plot_saliency,
    plot_spectra,
    plot_training_history,
)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data():
    return make_spectra(
        n_classes=3,
        n_samples_per_class=8,
        n_points=120,
        random_state=0,
        return_wavenumbers=True,
    )


def test_plot_spectra_lines_and_bands(data):
    X, y, wn = data
    ax = plot_spectra(X, y, wn, max_spectra=2)
    assert len(ax.get_lines()) == 6  # 2 per class
    np.testing.assert_allclose(ax.get_lines()[0].get_xdata(), wn)
    assert "cm" in ax.get_xlabel()
    ax = plot_spectra(X, y, wn, mean_std=True)
    assert len(ax.get_lines()) == 3 and len(ax.collections) == 3
    mean0 = X[y == np.unique(y)[0]].mean(axis=0)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), mean0)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        str(c) for c in np.unique(y)
    ]
    assert plot_spectra(X[:3]).get_xlabel() == "point"


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda X, y, wn: plot_spectra(X[0], y), "must be 2-D"),
        (lambda X, y, wn: plot_spectra(X, y, wn[:-1]), "wavenumbers has shape"),
        (lambda X, y, wn: plot_spectra(X, y[:-1]), "y has shape"),
        (lambda X, y, wn: plot_saliency(X[0], X[0][:-1]), "relevance has"),
        (lambda X, y, wn: plot_embedding(X[:, :3], y), "must be"),
        (lambda X, y, wn: plot_embedding(X[:, :2], y[:-1]), "y has shape"),
    ],
)
def test_plots_reject_mismatched_input(data, call, match):
    with pytest.raises(ValueError, match=match):
        call(*data)


def test_plot_saliency(data):
    X, _, wn = data
    relevance = np.linspace(0, 1, X.shape[1])
    ax = plot_saliency(X[0], relevance, wn)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), X[0])
    np.testing.assert_allclose(ax.images[0].get_array()[0], relevance)


def test_plot_training_history(data):
    X, y, _ = data
    clf = LeNet1DClassifier._create_test_instance(
        max_epochs=3, validation_fraction=0.25
    ).fit(X, y)
    ax = plot_training_history(clf)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["train loss", "valid loss", "valid acc"]
    assert list(ax.get_lines()[0].get_xdata()) == [1, 2, 3]
    plain = LeNet1DClassifier._create_test_instance(
        max_epochs=2, validation_fraction=0.0
    ).fit(X, y)
    ax = plot_training_history(plain.history_)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train loss"]
    with pytest.raises(TypeError, match="skorch History"):
        plot_training_history(object())


def test_plot_embedding_benchmark_confusion(data):
    _, y, _ = data
    coords = np.random.default_rng(0).normal(size=(len(y), 2))
    ax = plot_embedding(coords, y)
    assert len(ax.collections) == 3
    records = [
        {"model": "a", "protocol": "random", "top1": 0.8},
        {"model": "a", "protocol": "random", "top1": 0.9},
        {"model": "b", "protocol": "random", "top1": 0.7},
    ]
    ax = plot_benchmark(records)
    assert [p.get_height() for p in ax.patches] == pytest.approx([0.85, 0.7])
    ax = plot_confusion_matrix(y, y)
    np.testing.assert_allclose(ax.images[0].get_array(), np.eye(3))


def test_plot_attention_places_bands_on_the_axis():
    from sklearn_raman.plotting import plot_attention

    rng = np.random.default_rng(0)
    weights = rng.dirichlet(np.ones(4), size=(3, 5))  # 3 samples, 5 bands, 4 patches
    weights[1] = np.nan  # a sample without image
    extents = [(slice(k * 20, (k + 1) * 20),) for k in range(5)]
    grid = np.linspace(400, 4000, 100)
    ax = plot_attention(weights, extents, grid)
    mesh = ax.collections[0]
    np.testing.assert_allclose(
        mesh.get_array().reshape(5, 4), weights[[0, 2]].mean(axis=0)
    )
    low, high = ax.get_ylim()
    assert low < 450 and high > 3950
    with pytest.raises(ValueError, match="3 query extents for 5 rows"):
        plot_attention(weights, extents[:3])
    with pytest.raises(ValueError, match="NaN"):
        plot_attention(np.full((2, 5, 4), np.nan))
