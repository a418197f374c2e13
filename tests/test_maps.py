"""Maps: the map type, pixel identification in chunks and on Dask, particles."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklearn_raman.datasets import SpectrumFileError, make_map
from sklearn_raman.identification import SpectrumIdentifier
from sklearn_raman.maps import (
    BACKGROUND,
    UNKNOWN,
    SpectralMap,
    identify_map,
    label_particles,
    match_particles,
    measure_particles,
    open_npy_map,
    read_map,
    score_particles,
    signal_to_noise,
    size_class_of,
)
from sklearn_raman.neighbors import LibrarySearchClassifier
from sklearn_raman.open_set import OpenSetClassifier
from sklearn_raman.preprocessing import MinMaxPerSpectrum, SpectrumResampler

pytest.importorskip("skimage", reason="maps need scikit-image (the maps extra)")


@pytest.fixture(scope="module")
def scan():
    return make_map(shape=(64, 64), n_particles=14, random_state=3)


@pytest.fixture(scope="module")
def model(scan):
    references = [(scan.wavenumbers, r) for r in scan.references]
    return SpectrumIdentifier(model="library_pearson").fit(references, scan.reference_y)


@pytest.fixture(scope="module")
def smap(scan):
    return SpectralMap(scan.data, scan.wavenumbers, pixel_size_um=scan.pixel_size_um)


@pytest.fixture(scope="module")
def result(model, smap):
    return identify_map(model, smap)


# the map type


def test_map_type_checks_its_data():
    axis = np.arange(5.0)
    with pytest.raises(ValueError, match="3D"):
        SpectralMap(np.zeros((4, 5)), axis)
    with pytest.raises(ValueError, match="4 wavenumbers for spectra of 5"):
        SpectralMap(np.zeros((2, 2, 5)), np.arange(4.0))
    with pytest.raises(ValueError, match="pixel_size_um"):
        SpectralMap(np.zeros((2, 2, 5)), axis, pixel_size_um=(1, -1))
    smap = SpectralMap(np.zeros((2, 3, 5)), axis, pixel_size_um=(2, 4))
    assert smap.y_um.tolist() == [2.0, 6.0] and smap.x_um.tolist() == [1, 3, 5]
    assert "2 x 3 pixels x 5 points" in repr(smap)


def test_pixels_round_trip_without_copying():
    data = np.random.default_rng(0).random((3, 4, 6))
    smap = SpectralMap(data, np.arange(6.0))
    X = smap.to_X()
    assert np.shares_memory(X, data) and X.shape == (12, 6)
    assert np.array_equal(X[5], data[1, 1])
    back = SpectralMap.from_X(X, (3, 4), np.arange(6.0))
    assert np.array_equal(back.data, data)
    with pytest.raises(ValueError, match="not 3 x 5"):
        SpectralMap.from_X(X, (3, 5), np.arange(6.0))


def test_memory_map_is_read_in_plain_chunks(tmp_path):
    data = np.random.default_rng(1).random((7, 5, 4)).astype(np.float32)
    np.save(tmp_path / "m.npy", data)
    smap = open_npy_map(tmp_path / "m.npy", np.arange(4.0))
    assert isinstance(smap.data, np.memmap)
    chunks = list(smap.iter_rows(3))
    assert [(a, b) for a, b, _ in chunks] == [(0, 3), (3, 6), (6, 7)]
    for start, stop, X in chunks:
        assert not isinstance(X, np.memmap)
        assert np.array_equal(X, data[start:stop].reshape(-1, 4))


def _write_text_map(path, rows):
    path.write_text("\n".join(["x,y,100,200,300", *rows]))
    return path


def test_text_map_with_stage_coordinates(tmp_path):
    rows = [
        f"{10 + 2.5 * x},{-5 + 2.5 * y},{x},{y},1" for y in range(3) for x in range(2)
    ]
    smap = read_map(_write_text_map(tmp_path / "m.csv", rows[::-1]), layout="rows")
    assert smap.shape == (3, 2) and smap.pixel_size_um == (2.5, 2.5)
    assert smap.data[2, 1].tolist() == [1.0, 2.0, 1.0]


def test_text_map_refuses_holes_and_repeats(tmp_path):
    rows = [f"{x},{y},1,2,3" for y in range(2) for x in range(2)]
    # stage coordinates 0 and 1 (strings in a table): a grid of 2 x 2
    with pytest.raises(SpectrumFileError, match="1 of the map's 2 x 2 pixels"):
        read_map(_write_text_map(tmp_path / "hole.csv", rows[:3]), layout="rows")
    with pytest.raises(SpectrumFileError, match="more than one spectrum"):
        read_map(
            _write_text_map(tmp_path / "twice.csv", [*rows, rows[0]]), layout="rows"
        )


def test_single_spectrum_is_not_a_map(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("100,1\n200,2\n300,3\n")
    with pytest.raises(SpectrumFileError, match="not a map"):
        read_map(path)
    with pytest.raises(IsADirectoryError):
        read_map(tmp_path)


def test_image_file_is_a_map():
    from conftest import SHARED_DATA

    path = SHARED_DATA / "formats" / "openspecy" / "CA_small_UF.hdr"
    if not path.is_file():
        pytest.skip(f"{path} not found (../shared/data)")
    smap = read_map(path)
    assert smap.shape == (13, 16) and smap.n_points == 427
    assert smap.pixel_size_um == (25.0, 25.0) and smap.x_kind == "wavenumber"
    pytest.importorskip("wdf", reason="the formats extra (renishaw-wdf) reads .wdf")
    wdf = SHARED_DATA / "formats" / "wdf" / "rosettasciio" / "renishaw_test_map.wdf"
    smap = read_map(wdf)
    # the stage steps (µm) of the map area, which the positions fall on
    assert smap.shape == (3, 3) and smap.pixel_size_um == (100.0, 100.0)
    assert smap.x_kind == "wavelength"  # as WiRE recorded this one


# the background gate


def test_signal_to_noise_separates_bands_from_blank_filter(scan):
    X = scan.data.reshape(-1, scan.data.shape[2])
    coverage = scan.coverage.ravel()
    reference = np.median(X, axis=0)
    snr = signal_to_noise(X, reference=reference)
    assert snr[coverage == 0].max() < 6 <= snr[coverage == 1].min()
    with pytest.raises(ValueError, match="window"):
        signal_to_noise(X, window=0)


# particles


def test_single_pixel_geometry():
    labels = np.zeros((3, 3), int)
    labels[1, 1] = 1
    props = measure_particles(labels, (10.0, 10.0))
    assert props["area"].tolist() == [100.0]
    assert props["feret_max"][0] == pytest.approx(10 * np.sqrt(2))
    assert props["feret_min"][0] == pytest.approx(10)
    assert (props["centroid_x"][0], props["centroid_y"][0]) == (15.0, 15.0)


def test_label_particles_options():
    codes = np.full((5, 5), BACKGROUND)
    codes[0, 0:2] = 0
    codes[1, 1] = UNKNOWN
    codes[4, 4] = 1
    labels, which = label_particles(codes)
    assert labels.max() == 2 and which.tolist() == [0, 1]
    labels, which = label_particles(codes, min_pixels=2)
    assert labels.max() == 1 and labels[4, 4] == 0
    labels, which = label_particles(codes, grouping="material", unknown=False)
    assert labels[1, 1] == 0 and which.tolist() == [0, 1]
    only_unknown = np.full((2, 2), UNKNOWN)
    assert label_particles(only_unknown)[1].tolist() == [UNKNOWN]
    with pytest.raises(ValueError, match="grouping"):
        label_particles(codes, grouping="blobs")
    with pytest.raises(ValueError, match="min_pixels"):
        label_particles(codes, min_pixels=0)
    with pytest.raises(ValueError, match="2D integer"):
        label_particles(codes.astype(float))


def test_size_classes_are_closed_on_the_left():
    assert size_class_of([19.9, 20, 50, 499, 500]).tolist() == [
        "< 20",
        "20-50",
        "50-100",
        "100-500",
        ">= 500",
    ]
    with pytest.raises(ValueError, match="increasing"):
        size_class_of([1], size_classes=(50, 20))


def test_match_particles_one_to_one():
    true = np.array([[1, 1, 1, 0, 2]])
    found = np.array([[1, 1, 1, 1, 1]])  # two merged into one
    pairs, iou = match_particles(found, true)
    assert pairs.tolist() == [[1, 1]] and iou[0] == pytest.approx(0.6)


# identification


def test_particles_found_as_made(scan, result):
    scores = score_particles(result, scan.particle_ids, scan.particles["material"])
    assert scores["recall"] >= 0.95 and scores["precision"] >= 0.95
    assert scores["material_accuracy"] >= 0.95
    assert scores["feret_error_px"] <= 1.0
    # bare filter is background, fully covered pixels are not
    assert np.all(result.codes[scan.coverage == 0] == BACKGROUND)
    assert np.all(result.codes[scan.coverage == 1] != BACKGROUND)


def test_particle_table_and_counts(scan, result, tmp_path):
    table = result.particles
    n = result.n_particles
    assert all(len(column) == n for column in table.values())
    assert table["particle_id"].tolist() == list(range(1, n + 1))
    assert np.allclose(table["area_um2"], table["n_pixels"] * 100.0)
    assert np.all(table["feret_max_um"] >= table["feret_min_um"])
    assert sum(row["total"] for row in result.counts()) == n
    assert {row["material"] for row in result.counts()} <= {
        *scan.classes,
        "unknown",
    }
    assert result.particle_spectra.shape == (n, scan.data.shape[2])
    result.to_csv(tmp_path / "out" / "particles.csv")
    lines = (tmp_path / "out" / "particles.csv").read_text().splitlines()
    assert len(lines) == n + 1 and lines[0].startswith("particle_id,material,")
    result.save_pixels(tmp_path / "pixels.npz")
    saved = np.load(tmp_path / "pixels.npz")
    assert np.array_equal(saved["codes"], result.codes)
    assert saved["classes"].tolist() == [str(c) for c in result.classes]
    assert "particles" in result.summary()


def test_chunks_and_memory_map_give_the_same_result(model, smap, result, tmp_path):
    np.save(tmp_path / "m.npy", smap.data)
    mapped = open_npy_map(tmp_path / "m.npy", smap.wavenumbers, pixel_size_um=10)
    other = identify_map(model, mapped, chunk_pixels=1000)
    assert np.array_equal(other.codes, result.codes)
    assert np.array_equal(other.particle_labels, result.particle_labels)
    assert np.allclose(other.scores, result.scores, equal_nan=True)


def test_dask_threads_and_local_cluster_agree(model, smap, result, tmp_path):
    da = pytest.importorskip("dask.array")
    distributed = pytest.importorskip("distributed")
    lazy = SpectralMap(
        da.from_array(smap.data, chunks=(20, 20, -1)),
        smap.wavenumbers,
        pixel_size_um=smap.pixel_size_um,
    )
    threaded = identify_map(model, lazy, chunk_pixels=400, scheduler="threads")
    assert np.array_equal(threaded.codes, result.codes)
    np.save(tmp_path / "m.npy", smap.data)
    from_file = open_npy_map(
        tmp_path / "m.npy", smap.wavenumbers, chunks=24, pixel_size_um=10
    )
    assert from_file.is_lazy
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        clustered = identify_map(model, lazy, chunk_pixels=400)
        read_by_workers = identify_map(model, from_file)
    for other in (clustered, read_by_workers):
        assert np.array_equal(other.codes, result.codes)
        assert np.array_equal(other.particle_labels, result.particle_labels)
        assert np.allclose(other.particle_spectra, result.particle_spectra)


def test_plain_pipelines_and_classifiers(scan, smap):
    y = scan.reference_y
    plain = make_pipeline(
        SpectrumResampler(start=700, stop=3900, step=10),
        MinMaxPerSpectrum(),
        LogisticRegression(max_iter=500),
    ).fit([(scan.wavenumbers, r) for r in scan.references], y)
    found = identify_map(plain, smap)
    assert UNKNOWN not in found.codes  # no open set: no unknown
    assert np.isnan(found.novelty).all()
    on_axis = OpenSetClassifier(LibrarySearchClassifier(metric="pearson")).fit(
        scan.references, y
    )
    open_set = identify_map(on_axis, smap)
    assert open_set.threshold == on_axis.threshold_
    small = SpectralMap(scan.data[..., :100], scan.wavenumbers[:100])
    with pytest.raises(ValueError, match="100 points per spectrum"):
        identify_map(on_axis, small)


def test_map_missing_the_grid_warns_and_kind_mismatch_raises(model, scan):
    half = SpectralMap(
        scan.data[..., :300], scan.wavenumbers[:300], x_kind="wavenumber"
    )
    with pytest.warns(UserWarning, match="of the model's grid"):
        identify_map(model, half)
    shifted = SpectralMap(scan.data, scan.wavenumbers, x_kind="raman_shift")
    model_kind = SpectrumIdentifier(model="library_pearson")
    model_kind.fit(
        [(scan.wavenumbers, r) for r in scan.references],
        scan.reference_y,
        x_kind="wavenumber",
    )
    with pytest.raises(ValueError, match="raman_shift, the model's a wavenumber"):
        identify_map(model_kind, shifted)


def test_map_without_pixel_size_reports_pixels(model, scan):
    result = identify_map(model, SpectralMap(scan.data, scan.wavenumbers))
    assert result.unit == "px" and "area_px" in result.particles
    assert "size_class" not in result.particles
    with pytest.raises(ValueError, match="no pixel size"):
        result.plot_sizes()


def test_background_options(model, smap):
    everything = identify_map(model, smap, background=None)
    assert BACKGROUND not in everything.codes
    strict = identify_map(model, smap, background_threshold=1e9)
    assert np.all(strict.codes == BACKGROUND) and strict.n_particles == 0
    assert strict.counts() == []
    with pytest.raises(ValueError, match="needs a threshold"):
        identify_map(model, smap, background="intensity")
    with pytest.raises(ValueError, match="background must be"):
        identify_map(model, smap, background="otsu")
    with pytest.raises(ValueError, match="background_spectrum must be"):
        identify_map(model, smap, background_spectrum=np.zeros(3))
    nan_map = smap.data.copy()
    nan_map[0, 0, 5] = np.nan
    gated = identify_map(model, SpectralMap(nan_map, smap.wavenumbers))
    assert gated.codes[0, 0] == BACKGROUND


def test_cnn_identifies_a_map(scan, smap):
    import torch

    torch.set_num_threads(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = SpectrumIdentifier(
            model="recommended",
            training={"max_epochs": 15, "n_threads": 1},
            cv=3,
        ).fit([(scan.wavenumbers, r) for r in scan.references], scan.reference_y)
    found = identify_map(model, smap)
    scores = score_particles(found, scan.particle_ids, scan.particles["material"])
    assert scores["recall"] >= 0.9
    assert found.n_particles >= 1 and np.isfinite(found.novelty[found.codes >= 0]).all()
