"""The map plots: materials, outlines and legend as drawn; size-class counts."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from sklearn_raman.plotting import (  # noqa: E402
    plot_material_map,
    plot_size_distribution,
)
from sklearn_raman.plotting._maps import (  # noqa: E402
    BACKGROUND_COLOUR,
    UNKNOWN_COLOUR,
    _material_colours,
)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _u8(colour):
    return (np.asarray(to_rgba(colour)) * 255).round().astype(np.uint8)


@pytest.fixture
def scene():
    """A 20 x 30 map: calcite and quartz particles, an unknown one, background."""
    codes = np.full((20, 30), -2)
    labels = np.zeros((20, 30), dtype=int)
    codes[2:8, 3:10], labels[2:8, 3:10] = 2, 1  # quartz, 6 x 7
    codes[10:18, 12:25], labels[10:18, 12:25] = 0, 2  # calcite, 8 x 13
    codes[12:15, 2:6], labels[12:15, 2:6] = -1, 3  # unknown, 3 x 4
    classes = np.array(["calcite", "albite", "quartz"])  # albite absent
    return codes, classes, labels


def test_image_shape_extent_in_um(scene):
    codes, classes, labels = scene
    ax = plot_material_map(
        codes, classes, particle_labels=labels, pixel_size_um=(2.0, 3.0)
    )
    image = ax.images[0]
    assert image.get_array().shape == (20, 30, 4)
    np.testing.assert_allclose(image.get_extent(), [0, 60, 60, 0])
    np.testing.assert_allclose(ax.images[1].get_extent(), [0, 60, 60, 0])
    assert ax.get_ylim() == (60, 0)  # row 0 at the top
    assert "µm" in ax.get_xlabel() and "µm" in ax.get_ylabel()
    assert ax.get_title() == ""
    assert plot_material_map(codes, classes, title="filter 3").get_title() == (
        "filter 3"
    )


def test_pixel_colours(scene):
    codes, classes, _ = scene
    rgba = plot_material_map(codes, classes).images[0].get_array()
    calcite, quartz = _material_colours(2)  # sorted names present
    np.testing.assert_array_equal(rgba[0, 0], _u8(BACKGROUND_COLOUR))
    np.testing.assert_array_equal(rgba[13, 3], _u8(UNKNOWN_COLOUR))
    np.testing.assert_array_equal(rgba[12, 20], _u8(calcite))
    np.testing.assert_array_equal(rgba[5, 5], _u8(quartz))
    # every pixel of a code has its one colour
    for code, colour in [(-2, BACKGROUND_COLOUR), (-1, UNKNOWN_COLOUR)]:
        assert (rgba[codes == code] == _u8(colour)).all()
    assert (rgba[codes == 2] == _u8(quartz)).all()
    # distinct colours, none grey like background or unknown
    palette = _material_colours(54)
    assert len({tuple(c) for c in palette}) == 54
    assert not np.any(np.ptp(palette[:, :3], axis=1) < 0.05)


def test_legend_entries_and_counts(scene):
    codes, classes, labels = scene
    ax = plot_material_map(codes, classes, particle_labels=labels)
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "calcite (104 px)",
        "quartz (42 px)",
        "unknown (12 px)",
        f"background ({600 - 104 - 42 - 12} px)",
    ]
    faces = [h.get_facecolor() for h in legend.legend_handles]
    calcite, quartz = _material_colours(2)
    np.testing.assert_allclose(faces[0], calcite)
    np.testing.assert_allclose(faces[1], quartz)
    np.testing.assert_allclose(faces[2], UNKNOWN_COLOUR)
    np.testing.assert_allclose(faces[3], BACKGROUND_COLOUR)
    # no background, no unknown: no entries for them
    texts = plot_material_map(np.zeros((3, 3), int), ["a"]).get_legend().get_texts()
    assert [t.get_text() for t in texts] == ["a (9 px)"]


def test_integer_classes_and_repeated_names():
    codes = np.array([[0, 1, 2], [2, 2, -2]])
    ax = plot_material_map(codes, [7, 3, 7])  # 7 twice: one material
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "3 (1 px)",
        "7 (4 px)",
        "background (1 px)",
    ]
    rgba = ax.images[0].get_array()
    np.testing.assert_array_equal(rgba[0, 0], rgba[1, 1])


def test_outline_pixels(scene):
    codes, classes, labels = scene
    ax = plot_material_map(codes, classes, particle_labels=labels)
    alpha = ax.images[1].get_array()[..., 3]
    assert (ax.images[1].get_array()[..., :3] == 0).all()  # black
    expected = np.zeros(codes.shape, bool)
    for rows, cols in [((2, 8), (3, 10)), ((10, 18), (12, 25)), ((12, 15), (2, 6))]:
        ring = np.zeros(codes.shape, bool)
        ring[slice(*rows), slice(*cols)] = True
        ring[rows[0] + 1 : rows[1] - 1, cols[0] + 1 : cols[1] - 1] = False
        expected |= ring
    np.testing.assert_array_equal(alpha == 255, expected)
    assert (alpha[~expected] == 0).all()  # interiors and background clear
    # no particle_labels: no overlay
    assert len(plot_material_map(codes, classes).images) == 1


def test_outline_touching_particles_and_border():
    labels = np.zeros((4, 6), int)
    labels[:, :3], labels[:, 3:5] = 1, 2  # touching; 1 on the left border
    alpha = (
        plot_material_map(np.zeros((4, 6), int), ["a"], particle_labels=labels)
        .images[1]
        .get_array()[..., 3]
    )
    expected = np.array(
        [
            [1, 1, 1, 1, 1, 0],
            [1, 0, 1, 1, 1, 0],
            [1, 0, 1, 1, 1, 0],
            [1, 1, 1, 1, 1, 0],
        ],
        bool,
    )
    np.testing.assert_array_equal(alpha == 255, expected)


def test_draws_on_given_axes(scene):
    codes, classes, labels = scene
    _, (left, right) = plt.subplots(1, 2)
    assert plot_material_map(codes, classes, ax=right) is right
    assert not left.images


@pytest.mark.parametrize(
    "codes, classes, kwargs, error, match",
    [
        (np.zeros(5, int), ["a"], {}, ValueError, "codes must be 2-D"),
        (np.zeros((2, 2)), ["a"], {}, TypeError, "codes must be an integer"),
        (np.array([[0, 3]]), ["a", "b"], {}, ValueError, "codes holds 3 "),
        (np.array([[0, -3]]), ["a", "b"], {}, ValueError, "codes holds -3 "),
        (np.array([[0]]), [["a"]], {}, ValueError, "classes must be 1-D"),
        (
            np.zeros((2, 2), int),
            ["a"],
            {"particle_labels": np.zeros((2, 3), int)},
            ValueError,
            r"particle_labels has shape \(2, 3\)",
        ),
        (
            np.zeros((2, 2), int),
            ["a"],
            {"particle_labels": np.zeros((2, 2))},
            TypeError,
            "particle_labels must be an integer",
        ),
        (
            np.zeros((2, 2), int),
            ["a"],
            {"particle_labels": -np.ones((2, 2), int)},
            ValueError,
            "particle_labels holds -1",
        ),
        (
            np.zeros((2, 2), int),
            ["a"],
            {"pixel_size_um": (1.0, 0.0)},
            ValueError,
            "pixel_size_um must be two positive",
        ),
        (
            np.zeros((2, 2), int),
            ["a"],
            {"pixel_size_um": 1.0},
            ValueError,
            "pixel_size_um must be two numbers",
        ),
    ],
)
def test_material_map_validation(codes, classes, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_material_map(codes, classes, **kwargs)


def test_large_map_draws():
    """1000 x 1000 pixels, 2025 particles: one overlay, drawn (timed by hand)."""
    rows, cols = np.divmod(np.arange(1000), 22)
    block = (cols[:, None] < 15) & (cols[None, :] < 15) & (rows[:, None] < 45)
    block &= rows[None, :] < 45
    labels = np.where(block, 1 + rows[:, None] * 45 + rows[None, :], 0)
    codes = np.where(block, labels % 12, -2)
    classes = [f"m{i:02d}" for i in range(12)]
    ax = plot_material_map(codes, classes, particle_labels=labels)
    ax.figure.canvas.draw()
    assert len(ax.images) == 2
    assert (ax.images[1].get_array()[..., 3] == 255).sum() == 2025 * 56  # rings


def _heights(ax):
    return [[int(bar.get_height()) for bar in c] for c in ax.containers]


def test_size_distribution_counts_and_edges():
    materials = ["quartz", "calcite", "quartz", "quartz", "calcite", "quartz"]
    feret = [19.99, 20.0, 20.0, 50.0, 499.9, 500.0]
    ax = plot_size_distribution(materials, feret)
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "< 20",
        "20-50",
        "50-100",
        "100-500",
        ">= 500",
    ]
    # calcite, quartz (sorted); 20 µm is in 20-50, 500 in >= 500
    assert _heights(ax) == [[0, 1, 0, 1, 0], [1, 1, 1, 0, 1]]
    assert len(ax.patches) == 10
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "calcite",
        "quartz",
    ]
    assert ax.get_ylabel() == "particles" and "µm" in ax.get_xlabel()
    # bars of a size class side by side, centred on its tick
    centres = [bar.get_x() + bar.get_width() / 2 for bar in ax.patches]
    np.testing.assert_allclose(centres[0] + centres[5], 2 * 0)
    np.testing.assert_allclose((centres[1] + centres[6]) / 2, 1)


def test_size_distribution_custom_classes_and_title():
    ax = plot_size_distribution(
        [1, 1, 2], [5, 10, 10], size_classes=[10], title="sizes"
    )
    assert [t.get_text() for t in ax.get_xticklabels()] == ["< 10", ">= 10"]
    assert _heights(ax) == [[1, 1], [0, 1]]
    assert ax.get_title() == "sizes"


def test_size_distribution_colours_match_the_map():
    codes = np.array([[0, 1, 2, -1]])
    classes = np.array(["quartz", "albite", "calcite"])
    rgba = plot_material_map(codes, classes).images[0].get_array()
    ax = plot_size_distribution(
        ["unknown", "quartz", "calcite", "albite"], [1.0, 2.0, 3.0, 4.0]
    )
    # albite, calcite, quartz, then unknown
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "albite",
        "calcite",
        "quartz",
        "unknown",
    ]
    bars = [c[0].get_facecolor() for c in ax.containers]
    for bar, pixel in zip(bars, [rgba[0, 1], rgba[0, 2], rgba[0, 0], rgba[0, 3]]):
        np.testing.assert_array_equal(_u8(bar), pixel)
    # integer materials: -1 is the unknown when named so
    ax = plot_size_distribution([-1, 3, 5], [1, 1, 1], unknown_label=-1)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["3", "5", "-1"]
    np.testing.assert_allclose(ax.containers[2][0].get_facecolor(), UNKNOWN_COLOUR)
    np.testing.assert_allclose(ax.containers[0][0].get_facecolor(), rgba[0, 1] / 255)


def test_size_distribution_empty():
    ax = plot_size_distribution([], [])
    assert ax.get_legend() is None and len(ax.patches) == 0
    assert len(ax.get_xticklabels()) == 5


@pytest.mark.parametrize(
    "materials, feret, kwargs, error, match",
    [
        (["a", "b"], [1.0], {}, ValueError, r"feret_max_um has shape \(1,\)"),
        ([["a"]], [[1.0]], {}, ValueError, "materials must be 1-D"),
        (["a"], ["big"], {}, TypeError, "feret_max_um must be numbers"),
        (["a", "b"], [1.0, np.nan], {}, ValueError, r"feret_max_um\[1\] is nan"),
        (["a"], [-1.0], {}, ValueError, r"feret_max_um\[0\] is -1.0"),
        (["a"], [1.0], {"size_classes": (20, 20, 50)}, ValueError, "strictly"),
        (["a"], [1.0], {"size_classes": (50, 20)}, ValueError, "strictly"),
        (["a"], [1.0], {"size_classes": (0, 20)}, ValueError, "positive"),
        (["a"], [1.0], {"size_classes": ()}, ValueError, "1-D sequence"),
        (["a"], [1.0], {"size_classes": ("a", "b")}, ValueError, "1-D sequence"),
        (["a"], [1.0], {"size_classes": (1, np.inf)}, ValueError, "finite"),
    ],
)
def test_size_distribution_validation(materials, feret, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_size_distribution(materials, feret, **kwargs)
