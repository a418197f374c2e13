"""make_map: synthetic filter maps whose particle list is the truth of the pixels."""

import numpy as np
import pytest
from scipy import ndimage

from sklearn_raman import make_map
from sklearn_raman._geometry import feret_diameters

EIGHT = np.ones((3, 3), dtype=bool)


@pytest.fixture(scope="module")
def small_map():
    return make_map(
        shape=(60, 80),
        n_classes=3,
        n_particles=15,
        particle_size=(2.0, 12.0),
        n_points=120,
        pixel_size_um=(5.0, 8.0),
        n_references_per_class=4,
        random_state=0,
    )


def test_shapes_and_dtypes(small_map):
    m = small_map
    assert m.data.shape == (60, 80, 120) and m.data.dtype == np.float32
    assert m.wavenumbers.shape == (120,)
    assert m.wavenumbers[[0, -1]].tolist() == [600.0, 4000.0]
    assert m.pixel_size_um == (5.0, 8.0)
    assert all(isinstance(s, float) for s in m.pixel_size_um)
    assert m.classes.tolist() == ["material_0", "material_1", "material_2"]
    assert m.pixel_labels.shape == (60, 80)
    assert np.issubdtype(m.pixel_labels.dtype, np.integer)
    assert m.particle_ids.shape == (60, 80) and m.particle_ids.dtype == np.int32
    assert m.coverage.shape == (60, 80) and m.coverage.dtype == np.float32
    assert m.templates.shape == (3, 120)
    np.testing.assert_allclose(m.templates.max(axis=1), 1.0)
    assert (m.templates >= 0).all()
    assert m.background_spectrum.shape == (120,)
    assert 0 < m.background_spectrum.max() <= 0.1 + 1e-12
    assert np.isfinite(m.data).all()
    p = m.particles
    assert p.particle_id.size == 15
    assert all(np.asarray(v).shape == (15,) for v in p.values())
    assert p.particle_id.tolist() == list(range(1, 16))


def test_class_names_sort_in_index_order():
    kw = dict(shape=(40, 40), n_particles=3, particle_size=(2.0, 6.0), n_points=20)
    m = make_map(n_classes=12, **kw, random_state=1)
    assert m.classes[0] == "material_00" and m.classes[-1] == "material_11"
    assert sorted(m.classes) == m.classes.tolist()
    m = make_map(n_classes=9, **kw)
    assert m.classes[-1] == "material_8"


def test_same_seed_same_map():
    kw = dict(shape=(40, 50), n_particles=8, particle_size=(2.0, 8.0), n_points=50)
    a, b = make_map(**kw, random_state=3), make_map(**kw, random_state=3)
    for key in ("data", "particle_ids", "coverage", "pixel_labels", "references"):
        np.testing.assert_array_equal(a[key], b[key])
    for key in a.particles:
        np.testing.assert_array_equal(a.particles[key], b.particles[key])
    c = make_map(**kw, random_state=4)
    assert not np.array_equal(a.particle_ids, c.particle_ids)


def test_particle_list_is_the_truth_of_the_pixels(small_map):
    m = small_map
    p = m.particles
    size_x, size_y = m.pixel_size_um
    ids = m.particle_ids
    # the same pixels: f >= 0.5, a label exactly where an id is
    np.testing.assert_array_equal(ids > 0, m.coverage >= 0.5)
    np.testing.assert_array_equal(m.pixel_labels >= 0, ids > 0)
    assert (m.pixel_labels[ids == 0] == -1).all()
    assert set(np.unique(ids)) == {0, *p.particle_id.tolist()}
    counts = np.bincount(ids.ravel(), minlength=p.particle_id.size + 1)[1:]
    np.testing.assert_array_equal(p.n_pixels, counts)
    assert (p.n_pixels >= 1).all()
    np.testing.assert_allclose(p.area_um2, p.n_pixels * size_x * size_y)
    rows, cols = np.indices(ids.shape)
    for k, i in enumerate(p.particle_id):
        mask = ids == i
        labels = np.unique(m.pixel_labels[mask])
        assert labels.size == 1 and m.classes[labels[0]] == p.material[k]
        assert np.allclose(
            (p.feret_max_um[k], p.feret_min_um[k]),
            feret_diameters(mask, (size_x, size_y)),
        )
        assert np.isclose(p.centroid_x_um[k], ((cols[mask] + 0.5) * size_x).mean())
        assert np.isclose(p.centroid_y_um[k], ((rows[mask] + 0.5) * size_y).mean())
    assert (p.feret_max_um >= p.feret_min_um).all()
    # numbered in raster order of their first pixel, as a labelling numbers them
    firsts = [np.flatnonzero(ids.ravel() == i)[0] for i in p.particle_id]
    assert firsts == sorted(firsts)
    # materials are balanced
    assert sorted(np.unique(p.material, return_counts=True)[1]) == [5, 5, 5]


def test_particles_apart_under_8_connectivity(small_map):
    m = small_map
    labels, n = ndimage.label(m.particle_ids > 0, structure=EIGHT)
    assert n == m.particles.particle_id.size
    # each component is one particle: the labelling gives back the ids
    np.testing.assert_array_equal(labels, m.particle_ids)
    # mixed pixels too (coverage > 0) touch one particle only
    touched, n_touched = ndimage.label(m.coverage > 0, structure=EIGHT)
    assert n_touched == n
    assert (m.particle_ids[touched == 0] == 0).all()


def test_edge_pixels_are_mixed(small_map):
    f = small_map.coverage
    assert ((f > 0) & (f < 1)).sum() > 20
    assert (f == 1).any() and (f == 0).any()
    assert ((f > 0) & (f < 0.5)).any() and ((f >= 0.5) & (f < 1)).any()


def test_particle_sizes_follow_particle_size():
    m = make_map(
        shape=(200, 200), n_particles=40, particle_size=(4.0, 16.0), random_state=0
    )
    diameters = np.sqrt(4 * m.particles.n_pixels / np.pi)
    assert diameters.min() > 2.5 and diameters.max() < 20
    assert np.median(diameters) < 10  # log-uniform: more small ones


def test_spectra_carry_the_class():
    m = make_map(
        shape=(80, 80),
        n_classes=5,
        n_particles=20,
        particle_size=(5.0, 15.0),
        n_points=200,
        noise=0.005,
        n_references_per_class=3,
        random_state=2,
    )
    full = m.coverage == 1
    assert full.sum() > 200
    X = m.data[full].astype(float)

    def centred(a):
        a = a - a.mean(axis=1, keepdims=True)
        return a / np.linalg.norm(a, axis=1, keepdims=True)

    predicted = (centred(X) @ centred(m.templates).T).argmax(axis=1)
    assert (predicted == m.pixel_labels[full]).mean() > 0.99
    # the filter's pixels look like the filter, not like a material
    filt = m.data[m.coverage == 0].astype(float)
    np.testing.assert_allclose(filt.mean(axis=0), m.background_spectrum, atol=0.02)
    # an edge pixel still shows its particle's bands, weaker
    edge = (m.coverage >= 0.5) & (m.coverage < 1)
    assert edge.sum() > 50
    edge_pred = (centred(m.data[edge].astype(float)) @ centred(m.templates).T).argmax(1)
    assert (edge_pred == m.pixel_labels[edge]).mean() > 0.95
    r = m.references.astype(float)
    reference_pred = (centred(r) @ centred(m.templates).T).argmax(axis=1)
    assert (m.classes[reference_pred] == m.reference_y).all()


def test_references(small_map):
    m = small_map
    assert m.references.shape == (12, 120) and m.references.dtype == np.float32
    assert m.reference_y.tolist() == [c for c in m.classes for _ in range(4)]
    empty = make_map(
        shape=(20, 20),
        n_particles=2,
        particle_size=(2.0, 5.0),
        n_points=30,
        n_references_per_class=0,
    )
    assert empty.references.shape == (0, 30) and empty.reference_y.size == 0


def test_no_noise_and_no_particles():
    m = make_map(shape=(10, 12), n_particles=0, n_points=25, noise=0.0)
    assert m.particles.particle_id.size == 0 and (m.particle_ids == 0).all()
    assert (m.pixel_labels == -1).all() and (m.coverage == 0).all()
    # no noise: each pixel is b * background + c0 + c1 t + c2 t², exactly
    t = np.linspace(-1, 1, 25)
    basis = np.stack([m.background_spectrum, np.ones(25), t, t**2], axis=1)
    X = m.data.reshape(-1, 25).astype(float)
    coef = np.linalg.lstsq(basis, X.T, rcond=None)[0]
    np.testing.assert_allclose(basis @ coef, X.T, atol=1e-5)
    assert ((coef[0] >= 0.8 - 1e-4) & (coef[0] <= 1.2 + 1e-4)).all()
    assert (np.abs(coef[1:]) <= 0.03 + 1e-4).all()


def test_impossible_placement():
    with pytest.raises(ValueError, match=r"n_particles=50.*particle_size"):
        make_map(shape=(30, 30), n_particles=50, particle_size=(8.0, 10.0), n_points=10)
    with pytest.raises(ValueError, match="larger than the map.*lower n_particles"):
        make_map(shape=(20, 20), n_particles=1, particle_size=(40.0, 40.0))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"shape": (0, 10)}, r"shape must be two positive integers.*\(0, 10\)"),
        ({"shape": (10,)}, r"shape.*\(10,\)"),
        ({"shape": (10, 10, 3)}, r"shape"),
        ({"shape": (10.5, 10)}, r"shape.*10\.5"),
        ({"shape": 10}, r"shape.*10"),
        ({"n_classes": 0}, r"n_classes.*0"),
        ({"n_classes": 2.5}, r"n_classes.*2\.5"),
        ({"n_particles": -1}, r"n_particles.*-1"),
        ({"particle_size": (5.0, 3.0)}, r"particle_size.*\(5\.0, 3\.0\)"),
        ({"particle_size": (0.0, 3.0)}, r"particle_size.*\(0\.0, 3\.0\)"),
        ({"particle_size": (-1.0, 3.0)}, r"particle_size"),
        ({"particle_size": 3.0}, r"particle_size.*3\.0"),
        ({"noise": -0.1}, r"noise.*-0\.1"),
        ({"n_points": 0}, r"n_points.*0"),
        ({"wavenumber_range": (4000.0, 600.0)}, r"wavenumber_range"),
        ({"pixel_size_um": 0.0}, r"pixel_size_um.*0\.0"),
        ({"pixel_size_um": (10.0, -1.0)}, r"pixel_size_um"),
        ({"n_references_per_class": -2}, r"n_references_per_class.*-2"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_map(**{"shape": (20, 20), "n_particles": 2, "n_points": 10, **kwargs})
