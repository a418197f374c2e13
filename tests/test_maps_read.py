"""Maps read as spectra: ENVI and Agilent FPA images, pixel coordinates, shapes."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest
from conftest import SHARED_DATA

from sklearn_raman.datasets import SpectrumFileError, read_spectra, read_spectrum
from sklearn_raman.datasets._agilent import read_agilent_mosaic, read_agilent_tile
from sklearn_raman.datasets._envi import read_envi
from sklearn_raman.datasets._formats import vendor_format

OPENSPECY = SHARED_DATA / "formats" / "openspecy"
AGILENT = SHARED_DATA / "formats" / "agilent_fpa"


def _need(path):
    if not path.is_file():
        pytest.skip(f"shared test file {path} is absent (../shared/data not here)")


def _image(data):
    """The spectra put back into an image by their metadata."""
    ny, nx = data.metadata[0]["map_shape"]
    image = np.full((ny, nx, len(data.axes[0])), np.nan)
    for meta, values in zip(data.metadata, data.values):
        image[meta["y"], meta["x"]] = values
    return image


def test_open_specy_envi_map_reads_as_open_specys_test_expects():
    _need(OPENSPECY / "CA_small_UF.hdr")
    data = read_envi(OPENSPECY / "CA_small_UF.hdr")
    X = np.asarray(data.values, dtype=np.float64)  # float32 in the file
    assert X.shape == (208, 427)
    assert data.axes[0][[0, -1]].round(1).tolist() == [717.4, 4003.7]
    assert (X.min().round(2), X.max().round(2)) == (-1.32, 1.17)
    # Open Specy's spectra[point, pixel] (1-based): pixels in row-major order
    assert X[[0, 0, 44, 44], [0, 426, 0, 426]].round(2).tolist() == [
        -0.86,
        -0.88,
        -0.62,
        -0.64,
    ]
    meta = data.metadata[44]
    assert (meta["x"], meta["y"], meta["map_shape"]) == (12, 2, (13, 16))
    assert meta["pixel_size_um"] == (25.0, 25.0)  # {0.000025, ...} in metres
    assert meta["description"].startswith("Pixel 15, XPos=12549.72")
    assert (meta["x_kind"], meta["x_unit"], meta["y_kind"]) == (
        "wavenumber",
        "cm-1",
        "absorbance",
    )
    assert np.array_equal(_image(data), X.reshape(13, 16, 427))


def test_envi_reads_from_the_data_file_and_in_folders():
    _need(OPENSPECY / "CA_small_UF.hdr")
    assert vendor_format(OPENSPECY / "CA_small_UF.hdr").name == "envi"
    by_data = read_envi(OPENSPECY / "CA_small_UF.dat")
    assert by_data.n_spectra == 208
    _, values, meta = read_spectrum(OPENSPECY / "CA_small_UF.hdr", spectrum=44)
    assert values[0].round(2) == -0.62 and meta["format"] == "envi"
    data = read_spectra([OPENSPECY / "CA_small_UF.hdr"], label_from=lambda p: "CA")
    assert len(data.spectra) == 208 and len(set(data.groups)) == 1


def _write_envi(folder, cube, interleave, byte_order=None, dtype="<f4", **extra):
    """``cube`` (lines, samples, bands) written as an ENVI image in ``folder``."""
    lines, samples, bands = cube.shape
    order = {"bsq": (2, 0, 1), "bil": (0, 2, 1), "bip": (0, 1, 2)}[interleave]
    offset = extra.pop("offset", 0)
    raw = np.transpose(cube, order).astype(dtype).tobytes()
    (folder / "m.dat").write_bytes(b"\x07" * offset + raw)
    code = {"f4": 4, "f8": 5, "i2": 2, "u2": 12, "i4": 3, "u1": 1}[
        np.dtype(dtype).str[1:]
    ]
    text = [
        "ENVI",
        f"samples = {samples}",
        f"lines   = {lines}",
        f"bands = {bands}",
        f"header offset = {offset}",
        f"data type = {code}",
        f"interleave = {interleave}",
        "wavelength units = Nanometers",
        "wavelength = {" + ",\n ".join(str(500 + i) for i in range(bands)) + "}",
    ]
    if byte_order is not None:
        text.append(f"byte order = {byte_order}")
    text += [f"{k.replace('_', ' ')} = {v}" for k, v in extra.items()]
    (folder / "m.hdr").write_text("\r\n".join(text) + "\r\n")
    return folder / "m.hdr"


def test_a_folder_of_images_reads_each_image_once_through_its_header(tmp_path):
    rng = np.random.default_rng(1)
    for name in ("PE", "PP"):
        (tmp_path / name).mkdir()
        _write_envi(tmp_path / name, rng.normal(size=(2, 3, 4)), "bsq")
    # a text .dat beside no header is a spectrum file of its own
    (tmp_path / "PP" / "s.dat").write_text("500,1\n501,2\n502,3\n503,4\n")
    data = read_spectra(tmp_path)
    assert sorted(data.filenames.tolist()) == sorted(
        [str(tmp_path / "PE" / "m.hdr")] * 6
        + [str(tmp_path / "PP" / "m.hdr")] * 6
        + [str(tmp_path / "PP" / "s.dat")]
    )
    assert data.counts == {"PE": (1, 0), "PP": (2, 0)}
    assert vendor_format(tmp_path / "PE" / "m.dat").name == "envi"
    # named by its data file, or by both files: still one image
    both = read_spectra(
        [tmp_path / "PE" / "m.dat", tmp_path / "PE" / "m.hdr"], label_from="folder"
    )
    assert len(both.spectra) == 6
    only_data = read_spectra(tmp_path, pattern="*.dat")
    assert len(only_data.spectra) == 13


def test_a_folder_of_fpa_files_reads_the_tile_and_the_mosaic_once():
    _need(AGILENT / "tile.bsp")
    with pytest.warns(UserWarning, match="class 'README'"):
        data = read_spectra(AGILENT, label_from=lambda p: p.stem, on_error="skip")
    assert data.counts == {"README": (0, 1), "mosaic": (1, 0), "tile": (1, 0)}
    assert len(data.spectra) == 600
    tiles = read_spectra(AGILENT, pattern="*.dmd", label_from=lambda p: "x")
    assert len(tiles.y) == 200


@pytest.mark.parametrize("interleave", ["bsq", "bil", "bip"])
@pytest.mark.parametrize("byte_order, dtype", [(None, "<f4"), (0, "<f8"), (1, ">f4")])
def test_every_interleave_and_byte_order_reads_back_exactly(
    tmp_path, interleave, byte_order, dtype
):
    rng = np.random.default_rng(0)
    cube = rng.normal(size=(3, 4, 5)).astype(dtype)  # lines, samples, bands
    header = _write_envi(tmp_path, cube, interleave, byte_order, dtype, offset=16)
    data = read_envi(header)
    assert data.n_spectra == 12
    assert np.array_equal(np.asarray(data.values), cube.reshape(12, 5))
    assert np.array_equal(_image(data), cube)
    assert data.axes[0].tolist() == [500, 501, 502, 503, 504]
    assert data.metadata[0]["x_kind"] == "wavelength"
    assert "pixel_size_um" not in data.metadata[0]


def test_envi_integer_types_and_map_info_pixel_size(tmp_path):
    cube = np.arange(2 * 3 * 4).reshape(2, 3, 4).astype(">u2")
    header = _write_envi(
        tmp_path,
        cube,
        "bsq",
        1,
        ">u2",
        map_info="{Arbitrary, 1.0, 1.0, 0.0, 0.0, 5.5, 5.5, 0, units=Micrometers}",
    )
    data = read_envi(header)
    assert np.array_equal(np.asarray(data.values), cube.reshape(6, 4))
    assert data.metadata[5]["pixel_size_um"] == (5.5, 5.5)
    assert (data.metadata[5]["x"], data.metadata[5]["y"]) == (2, 1)


def test_envi_errors_name_the_file_and_the_fix(tmp_path):
    cube = np.zeros((2, 2, 3), dtype="<f4")
    header = _write_envi(tmp_path, cube, "bip")
    (tmp_path / "m.dat").write_bytes(bytes(40))  # 48 expected
    with pytest.raises(SpectrumFileError, match=r"m\.dat: 40 bytes.*describes 48"):
        read_envi(header)
    header.write_text(header.read_text().replace("data type = 4", "data type = 6"))
    with pytest.raises(SpectrumFileError, match="data type = 6"):
        read_envi(header)
    header.write_text("ENVI\nsamples = 2\nlines = 2\nbands = 3\ndata type = 4\n")
    (tmp_path / "m.dat").write_bytes(bytes(48))
    with pytest.raises(SpectrumFileError, match="no band centres"):
        read_envi(header)
    (tmp_path / "m.dat").unlink()
    with pytest.raises(SpectrumFileError, match="no data file next to"):
        read_envi(header)
    header.write_text("not ENVI\n")
    with pytest.raises(SpectrumFileError, match="line 1"):
        read_envi(header)


def test_agilent_tile_reads_400_spectra_with_pixel_coordinates():
    _need(AGILENT / "tile.bsp")
    data = read_agilent_tile(AGILENT / "tile.bsp")
    X = np.asarray(data.values)
    assert X.shape == (400, 572)
    axis = data.axes[0]
    # step × (first + i): 3.8569 × (337 ... 908), the "3500, 1300" region
    assert axis[[0, -1]].round(1).tolist() == [1299.8, 3502.1]
    assert np.allclose(np.diff(axis), 3.856934547424316)
    assert -0.01 < X.min() and X.max() <= 8.0 and np.median(X) < 0.1  # absorbance
    meta = data.metadata[-1]
    assert (meta["x"], meta["y"], meta["map_shape"]) == (19, 19, (20, 20))
    assert meta["y_kind"] == "absorbance" and meta["acquired"] == "2020-01-23T16:37:04"
    assert meta["pixel_size_um"] == (20.6, 20.6)  # the file's "FPA Pixel Size"
    # stored rows run bottom-up: pixel (x, y) is stored row 19 - y, column x
    raw = np.fromfile(AGILENT / "tile.dat", "<f4")[255:].reshape(572, 20, 20)
    assert np.array_equal(_image(data)[3, 5], raw[:, 16, 5])
    assert read_agilent_tile(AGILENT / "tile.dat").n_spectra == 400


def test_agilent_mosaic_places_its_tiles_by_column_and_row():
    _need(AGILENT / "mosaic.dmt")
    data = read_agilent_mosaic(AGILENT / "mosaic.dmt")
    assert np.asarray(data.values).shape == (200, 572)
    assert data.metadata[0]["map_shape"] == (10, 20)  # two 10 × 10 tiles side by side
    image = _image(data)
    left = np.fromfile(AGILENT / "mosaic_0000_0000.dmd", "<f4")[255:]
    right = np.fromfile(AGILENT / "mosaic_0001_0000.dmd", "<f4")[255:]
    left, right = left.reshape(572, 10, 10), right.reshape(572, 10, 10)
    assert np.array_equal(image[:, :10], np.transpose(left, (1, 2, 0))[::-1])
    assert np.array_equal(image[:, 10:], np.transpose(right, (1, 2, 0))[::-1])
    # the particle of band 200 runs on across the tile edge
    particle = image[:, :, 200] > 0.1
    assert particle[:, 9].any() and particle[:, 10].any()
    assert data.metadata[15]["tile"] == (1, 0)
    assert read_agilent_mosaic(AGILENT / "mosaic_0001_0000.dmd").n_spectra == 200


def test_agilent_files_read_through_read_spectra_and_errors(tmp_path):
    _need(AGILENT / "tile.bsp")
    data = read_spectra(
        [AGILENT / "tile.bsp", AGILENT / "mosaic.dmt"], label_from=lambda p: p.stem
    )
    assert len(data.spectra) == 600
    assert {m["format"] for m in data.metadata} == {
        "agilent_fpa_tile",
        "agilent_fpa_mosaic",
    }
    (tmp_path / "t.bsp").write_bytes((AGILENT / "tile.bsp").read_bytes())
    with pytest.raises(SpectrumFileError, match=r"t\.dat is missing"):
        read_agilent_tile(tmp_path / "t.bsp")
    (tmp_path / "t.dat").write_bytes(bytes(1020 + 572 * 4 * 3))
    with pytest.raises(SpectrumFileError, match="square tile of 572 bands"):
        read_agilent_tile(tmp_path / "t.bsp")
    (tmp_path / "m.dmt").write_bytes((AGILENT / "mosaic.dmt").read_bytes())
    (tmp_path / "m_0001_0000.dmd").write_bytes(
        (AGILENT / "mosaic_0001_0000.dmd").read_bytes()
    )
    with pytest.raises(SpectrumFileError, match=r"lacks 1: m_0000_0000\.dmd"):
        read_agilent_mosaic(tmp_path / "m.dmt")


def test_wdf_maps_keep_their_pixels_and_shape():
    pytest.importorskip("wdf")
    from sklearn_raman.datasets._wdf import read_wdf

    folder = SHARED_DATA / "formats" / "wdf" / "rosettasciio"
    _need(folder / "renishaw_test_map.wdf")
    data = read_wdf(folder / "renishaw_test_map.wdf")
    pixels = [(m["x"], m["y"]) for m in data.metadata]
    assert pixels == [(x, y) for y in range(3) for x in range(3)]
    assert {m["map_shape"] for m in data.metadata} == {(3, 3)}
    line = read_wdf(folder / "renishaw_test_linescan.wdf")
    assert [(m["x"], m["y"]) for m in line.metadata] == [(i, 0) for i in range(5)]
    assert line.metadata[0]["map_shape"] == (1, 5)
    single = read_wdf(folder / "renishaw_test_spectrum.wdf")
    assert "map_shape" not in single.metadata[0]


def test_witec_image_scans_keep_their_pixels_and_shape(tmp_path, monkeypatch):
    from sklearn_raman.datasets._witec import read_witec

    # an image scan of 3 × 2 pixels as witio returns it: (SizeX, SizeY, points)
    cube = np.arange(3 * 2 * 4, dtype=float).reshape(3, 2, 4)
    graph = types.SimpleNamespace(
        class_name="TDGraph",
        caption="scan",
        array=lambda: cube,
        x_axis=lambda: (np.arange(4.0), "rel. 1/cm"),
        payload=types.SimpleNamespace(find=lambda name: None),
        position_grid=lambda unit: (_ for _ in ()).throw(ValueError("no transform")),
    )
    project = types.SimpleNamespace(data=[graph])
    fake = types.SimpleNamespace(read=lambda path: project)
    monkeypatch.setitem(sys.modules, "witio", fake)
    data = read_witec(tmp_path / "scan.wip")
    assert data.n_spectra == 6
    for meta, values in zip(data.metadata, data.values):
        assert meta["map_shape"] == (2, 3)
        assert np.array_equal(values, cube[meta["x"], meta["y"]])


# stage positions and line scans of .wdf maps (the map area, faked)


class _Flags:
    RandomPoints, ColumnMajor, Alternating, XYLine = 1, 2, 4, 8


def _area(flags=0, nx=3, ny=2, nz=1):
    from types import SimpleNamespace

    xyz = SimpleNamespace
    return SimpleNamespace(
        flags=flags,
        count=xyz(x=nx, y=ny, z=nz),
        start=xyz(x=0.0, y=0.0, z=0.0),
        step=xyz(x=1.0, y=1.0, z=1.0),
    )


def test_wdf_pixel_size_from_stage_positions_on_the_grid():
    from sklearn_raman.datasets._wdf import _map_pixels

    area = _area()
    area.step.x, area.step.y = 2.5, 4.0
    positions = [(2.5 * x, 4.0 * y) for y in range(2) for x in range(3)]
    metadata = [{"position_um": {"x": x, "y": y}} for x, y in positions]
    _map_pixels(area, _Flags, metadata)
    assert metadata[4]["x"] == 1 and metadata[4]["y"] == 1
    assert {m["pixel_size_um"] for m in metadata} == {(2.5, 4.0)}
    raster = [{} for _ in positions]  # no positions: no size either
    _map_pixels(area, _Flags, raster)
    assert "pixel_size_um" not in raster[0]


def test_wdf_depth_slice_line_is_one_row_per_depth():
    from sklearn_raman.datasets._wdf import _map_pixels

    metadata = [{} for _ in range(6)]
    _map_pixels(_area(_Flags.XYLine, nx=3, nz=2), _Flags, metadata)
    assert [(m["x"], m["y"]) for m in metadata] == [
        (0, 0),
        (1, 0),
        (2, 0),
        (0, 1),
        (1, 1),
        (2, 1),
    ]
    assert {m["map_shape"] for m in metadata} == {(2, 3)}


@pytest.mark.parametrize(
    "positions",
    [
        [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (5, 1)],  # off the grid
        [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (1, 1)],  # one pixel twice
    ],
)
def test_wdf_stage_positions_off_the_grid_fall_back_to_the_raster(positions):
    from sklearn_raman.datasets._wdf import _map_pixels

    metadata = [{"position_um": {"x": float(x), "y": float(y)}} for x, y in positions]
    _map_pixels(_area(), _Flags, metadata)
    assert [(m["x"], m["y"]) for m in metadata] == [
        (0, 0),
        (1, 0),
        (2, 0),
        (0, 1),
        (1, 1),
        (2, 1),
    ]


def test_image_partners_found_whatever_their_case(tmp_path):
    import shutil

    from conftest import SHARED_DATA

    formats = SHARED_DATA / "formats"
    if not (formats / "openspecy" / "CA_small_UF.hdr").is_file():
        pytest.skip(f"{formats} not found (../shared/data)")
    shutil.copy(formats / "openspecy" / "CA_small_UF.hdr", tmp_path / "MAP.HDR")
    shutil.copy(formats / "openspecy" / "CA_small_UF.dat", tmp_path / "map.dat")
    shutil.copy(formats / "agilent_fpa" / "tile.bsp", tmp_path / "TILE.BSP")
    shutil.copy(formats / "agilent_fpa" / "tile.dat", tmp_path / "TILE.DAT")
    data = read_spectra(tmp_path, label_from=lambda _: "")
    assert len(data.spectra) == 208 + 400 and not data.skipped
    for name, n in (("TILE.DAT", 400), ("map.dat", 208)):
        assert len(read_spectra(tmp_path / name, label_from=lambda _: "").spectra) == n


def test_unreadable_header_candidate_does_not_abort_a_folder(tmp_path, monkeypatch):
    from sklearn_raman.datasets import _formats

    (tmp_path / "a.csv").write_text("100,1\n200,2\n300,3\n")
    (tmp_path / "b.img").write_bytes(b"\x00" * 8)
    (tmp_path / "b.hdr").write_text("ENVI\n")

    def refuse(path, *args, **kwargs):
        raise PermissionError(f"[Errno 13] Permission denied: '{path}'")

    monkeypatch.setattr(_formats, "open", refuse, raising=False)
    assert _formats.companion_header(tmp_path / "b.img") is None
