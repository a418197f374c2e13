"""``identify-map``: a map file or folder to a particle list, end to end."""

import csv
import warnings

import numpy as np
import pytest
from conftest import SHARED_DATA

from sklearn_raman.cli import main
from sklearn_raman.datasets import make_map, read_spectra
from sklearn_raman.identification import SpectrumIdentifier

pytest.importorskip("skimage", reason="maps need scikit-image (the maps extra)")

PRIMPKE = SHARED_DATA / "primpke2018"
AGILENT = SHARED_DATA / "formats" / "agilent_fpa"
ENVI = SHARED_DATA / "formats" / "openspecy" / "CA_small_UF.hdr"


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write_text_map(path, scan):
    header = "x,y," + ",".join(f"{w:.4f}" for w in scan.wavenumbers)
    ny, nx, _ = scan.data.shape
    lines = [header]
    for y in range(ny):
        for x in range(nx):
            values = ",".join(f"{v:.5f}" for v in scan.data[y, x])
            lines.append(f"{x * 10},{y * 10},{values}")
    path.write_text("\n".join(lines))
    return path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp("map")
    scan = make_map(
        shape=(40, 40), n_particles=6, particle_size=(3, 12), random_state=2
    )
    model = SpectrumIdentifier(model="library_pearson").fit(
        [(scan.wavenumbers, r) for r in scan.references], scan.reference_y
    )
    model.save(root / "model.skops")
    _write_text_map(root / "scan.csv", scan)
    return root, scan


def test_text_map_to_particles(synthetic, tmp_path, capsys):
    root, scan = synthetic
    out, pixels, plots = tmp_path / "p.csv", tmp_path / "px.npz", tmp_path / "plots"
    status = main(
        [
            "identify-map",
            str(root / "model.skops"),
            str(root / "scan.csv"),
            "--out",
            str(out),
            "--pixels",
            str(pixels),
            "--plots",
            str(plots),
            "--quiet",
        ]
    )
    assert status == 0
    printed = capsys.readouterr().out
    assert "6 particles" in printed and f"wrote {out}" in printed
    rows = _rows(out)
    assert len(rows) == 6 and rows[0]["map"].endswith("scan.csv")
    assert sorted(r["material"] for r in rows) == sorted(scan.particles["material"])
    assert np.load(pixels)["codes"].shape == (40, 40)
    assert sorted(p.name for p in plots.iterdir()) == [
        "scan_materials.png",
        "scan_sizes.png",
    ]


def test_folder_lists_what_is_no_map(synthetic, tmp_path, capsys):
    root, _ = synthetic
    folder = tmp_path / "maps"
    folder.mkdir()
    (folder / "a.csv").write_text((root / "scan.csv").read_text())
    (folder / "single.csv").write_text("100,1\n200,2\n300,3\n")
    out = tmp_path / "p.csv"
    status = main(
        [
            "identify-map",
            str(root / "model.skops"),
            str(folder),
            "--out",
            str(out),
            "--pixels",
            str(tmp_path / "px.npz"),
            "--quiet",
        ]
    )
    assert status == 0
    printed = capsys.readouterr().out
    assert "skipped" in printed and "single.csv: not a map" in printed
    assert (tmp_path / "px.npz").exists()


def test_user_errors_are_one_line(synthetic, tmp_path, capsys):
    root, _ = synthetic
    single = tmp_path / "single.csv"
    single.write_text("100,1\n200,2\n300,3\n")
    status = main(["identify-map", str(root / "model.skops"), str(single)])
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a map" in err[0]
    status = main(["identify-map", str(root / "model.skops"), str(tmp_path / "no")])
    assert status == 2 and "no such file" in capsys.readouterr().err


@pytest.fixture(scope="module")
def primpke_model(tmp_path_factory):
    table = PRIMPKE / "primpke2018esm5.csv"
    if not table.is_file():
        pytest.skip(f"{table} not found (../shared/data)")
    library = read_spectra(table, label_column="Cluster Autoanalysis")
    with open(PRIMPKE / "primpke2018_cluster_ID.csv", encoding="utf-8-sig") as f:
        names = {
            r["Cluster Autoanalysis"]: r["Cluster_name"] for r in csv.DictReader(f)
        }
    y = [names[str(c)] for c in library.y]
    # the grid both the FPA tile (1300-3502 cm-1) and the library cover
    model = SpectrumIdentifier(
        model="library_pearson", start=1300, stop=3500, step=4, cv=2
    ).fit(library.spectra, y)
    path = tmp_path_factory.mktemp("primpke") / "primpke.skops"
    model.save(path)
    return path


def test_fpa_tile_and_mosaic_with_primpke_library(primpke_model, tmp_path, capsys):
    if not AGILENT.is_dir():
        pytest.skip(f"{AGILENT} not found (../shared/data)")
    out = tmp_path / "particles.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the folder's README is no spectrum
        status = main(
            [
                "identify-map",
                str(primpke_model),
                str(AGILENT),
                "--out",
                str(out),
                "--plots",
                str(tmp_path / "plots"),
                "--quiet",
            ]
        )
    assert status == 0
    printed = capsys.readouterr().out
    assert "README.md" in printed  # listed as skipped, not silently left out
    rows = _rows(out)
    tile = [r for r in rows if r["map"].endswith("tile.bsp")]
    # one particle of the 56 pixels uFTIR's test finds polystyrene (cluster 5)
    assert len(tile) == 1 and tile[0]["n_pixels"] == "56"
    assert tile[0]["top_match"] == "polystyrene"
    assert float(tile[0]["area_um2"]) == pytest.approx(56 * 20.6**2)
    assert any(r["map"].endswith("mosaic.dmt") for r in rows)


def test_envi_map_with_primpke_library(primpke_model, tmp_path):
    if not ENVI.is_file():
        pytest.skip(f"{ENVI} not found (../shared/data)")
    out = tmp_path / "particles.csv"
    status = main(["identify-map", str(primpke_model), str(ENVI), "--out", str(out)])
    assert status == 0
    rows = _rows(out)
    # a cellulose acetate filter: every pixel is signal, one particle
    assert len(rows) == 1 and rows[0]["n_pixels"] == "208"
    assert rows[0]["material"] == "cellulose chemical modified"
