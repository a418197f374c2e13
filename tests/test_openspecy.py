"""Open Specy's test files read as Open Specy's own tests expect; .asp and OS CSV.

The expected values are those of ../shared/data/formats/openspecy/README.md
(from Open Specy's test suite, ranges rounded as there). Vendor files skip
with the reason when the ``formats`` extra's reader is missing. The ENVI map
of that folder is tested with the other maps (tests/test_maps_read.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED_DATA

from sklearn_raman.datasets import (
    SpectrumFileError,
    read_spectra,
    read_spectrum,
    read_table,
)

OPENSPECY = SHARED_DATA / "formats" / "openspecy"

# file: (points, (x min, x max), (y min, y max) or None, decimals of x, of y,
# the module of its reader when that is an optional package)
EXPECTED = {
    "ftir_ldpe_soil.asp": (1798, (650.4, 3999.4), (0.0010, 0.5182), 1, 4, None),
    "ftir_polyethylene_reflectance_adjustment_not_working.spa": (
        1738,
        (649.9, 3999.8),
        (61.51, 102.88),
        1,
        2,
        "spectrochempy_omnic",
    ),
    "fitr_nitrocellulose.jdx": (7154, (599.9, 7499.0), (0.0106, 0.6989), 1, 4, None),
    "raman_atacamit.spc": (559, (117.8, 1050.0), (0.08, 585.51), 1, 2, "spc_io"),
    "ftir_ps.0": (2126, (399.2, 4497.5), (0.0130, 0.6112), 1, 4, "brukeropus"),
    "raman_hdpe.csv": (964, (301.0, 3198.1), (26, 816), 1, 0, None),
    "ftir_pva_without_header.csv": (863, (675.0, 3999.8), None, 1, None, None),
    "raman_hdpe_os.csv": (964, (301, 3198), None, 0, None, None),
}


@pytest.fixture
def openspecy() -> Path:
    if not OPENSPECY.is_dir():
        pytest.skip(f"Open Specy test files not found at {OPENSPECY} (../shared/data)")
    return OPENSPECY


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_readme_values(openspecy, name):
    points, x_range, y_range, x_dec, y_dec, module = EXPECTED[name]
    if module is not None:
        pytest.importorskip(
            module, reason=f"{module} (the 'formats' extra) not installed"
        )
    data = read_spectra(openspecy / name, label_from=lambda p: p.stem)
    assert len(data.spectra) == 1
    x, y = data.spectra[0]
    assert len(x) == len(y) == points
    assert np.all(np.diff(x) > 0)  # ascending, as every reader returns it
    assert (round(x.min(), x_dec), round(x.max(), x_dec)) == x_range
    if y_range is not None:
        assert (round(y.min(), y_dec), round(y.max(), y_dec)) == y_range


def test_asp_axis_and_metadata(openspecy):
    path = openspecy / "ftir_ldpe_soil.asp"
    x, y, meta = read_spectrum(path)
    lines = path.read_text().splitlines()
    # the header: point count, first x (high), last x (low)
    assert len(x) == int(lines[0])
    assert x[-1] == pytest.approx(float(lines[1]))
    assert x[0] == pytest.approx(float(lines[2]))
    step = np.diff(x)
    np.testing.assert_allclose(step, step[0], rtol=1e-9)  # uniform
    # the first value of the file belongs to its first x, the highest
    assert y[-1] == float(lines[6]) and y[0] == float(lines[-1])
    assert meta["x_kind"] == "wavenumber" and meta["x_unit"] == "cm-1"
    assert meta["format"] == "agilent_asp"
    assert meta["asp_header"] == ["1", "2", "4"]


def _asp(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.asp"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "text, match",
    [
        (
            "3\n4000\n3000\n1\n2\n4\n0.1\n0.2\n",
            r"line 1: the header says 3 points.*2 values",
        ),
        (
            "3\n4000\n3000\n1\n2\n4\n0.1\noops\n0.3\n",
            r"line 8: expected an intensity.*'oops'",
        ),
        ("2.5\n4000\n3000\n1\n2\n4\n0.1\n0.2\n", r"line 1: the point count .* integer"),
        ("2\n4000\n4000\n1\n2\n4\n0.1\n0.2\n", r"lines 2-3: first and last wavenumber"),
        ("2\n4000\n3000\n", r"3 lines, too few"),
    ],
)
def test_asp_errors_name_the_line(tmp_path, text, match):
    path = _asp(tmp_path, text)
    with pytest.raises(SpectrumFileError, match=match) as info:
        read_spectrum(path)
    assert str(path) in str(info.value)


def test_openspecy_csv_labels_and_metadata(openspecy):
    path = openspecy / "raman_hdpe_os.csv"
    for data in (
        read_spectra(path, label_column="spectrum_identity"),
        read_spectra(path),  # label_from="auto": spectrum_identity
    ):
        assert data.y.tolist() == ["HDPE"]
        meta = data.metadata[0]
        assert (meta["x"], meta["y"]) == (1, 1)  # pixel coordinates, numbers
        assert meta["user_name"] == "Win Cowger"
        assert meta["spectrum_type"] == "Raman"
        assert meta["license"] == "CC BY-NC"
        assert meta["file_id"] == "cb06ce2846b119d932fb6696479a445b"
        assert meta["format"] == "openspecy_csv"
        assert (meta["x_kind"], meta["x_unit"]) == ("raman_shift", "cm-1")
    # the same spectrum as Open Specy's two-column example, axis rounded
    x, y, _ = read_spectrum(openspecy / "raman_hdpe.csv")
    os_x, os_y = data.spectra[0]
    np.testing.assert_array_equal(os_y, y)
    assert np.abs(os_x - x).max() <= 0.5


def _os_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(text)
    return path


HEADER = "300,301,302,x,y,user_name,spectrum_type,spectrum_identity\n"


def test_openspecy_csv_several_rows(tmp_path):
    path = _os_csv(
        tmp_path,
        HEADER + '5,6,7,0,0,"Doe, J.",FTIR,PE\n8,9,10.5,1,0,"Doe, J.",FTIR,PP\n',
    )
    data = read_table(path)
    assert data.layout == "rows"
    assert data.y.tolist() == ["PE", "PP"]
    np.testing.assert_array_equal(data.X, [[5, 6, 7], [8, 9, 10.5]])
    assert [(m["x"], m["y"]) for m in data.metadata] == [(0, 0), (1, 0)]
    assert data.metadata[0]["user_name"] == "Doe, J."  # a quoted comma
    assert data.metadata[0]["x_kind"] == "wavenumber"
    assert read_table(path, label_column="user_name").y.tolist() == ["Doe, J."] * 2
    with pytest.raises(SpectrumFileError, match="holds 2 spectra"):
        read_spectrum(path)
    assert read_spectrum(path, spectrum="PP")[1].tolist() == [8, 9, 10.5]


def test_openspecy_csv_descending_axis_and_unknown_kind(tmp_path):
    path = _os_csv(
        tmp_path,
        "302,301,300,spectrum_type,spectrum_identity\n7,6,5,Raman,A\n1,2,3,FTIR,B\n",
    )
    data = read_table(path)
    np.testing.assert_array_equal(data.wavenumbers, [300, 301, 302])
    np.testing.assert_array_equal(data.X, [[5, 6, 7], [3, 2, 1]])
    # a Raman and an FTIR row: the kind of the axis is not one, so not given
    assert "x_kind" not in data.metadata[0]
    assert data.metadata[0]["x_unit"] == "cm-1"


@pytest.mark.parametrize(
    "body, match",
    [
        ("5,6,1,1,me,Raman,PE\n", r"line 2: 7 fields where the header row has 8"),
        ("5,,7,1,1,me,Raman,PE\n", r"line 2: field 2 \(wavenumber 301\)"),
        ("5,6,7,NA,1,me,Raman,PE\n", r"line 2: the pixel coordinate 'x'"),
        ("", r"no spectrum row"),
    ],
)
def test_openspecy_csv_errors_name_the_line(tmp_path, body, match):
    path = _os_csv(tmp_path, HEADER + body)
    with pytest.raises(SpectrumFileError, match=match) as info:
        read_table(path)
    assert str(path) in str(info.value)


def test_openspecy_layout_leaves_other_tables_alone(tmp_path):
    # label fields first (the rows layout) and two-column files read as before
    rows = _os_csv(tmp_path, "ID,Substance,300,301,302\n1,PE,5,6,7\n")
    data = read_table(rows)
    assert data.y.tolist() == ["PE"] and "format" not in data.metadata[0]
    pair = tmp_path / "pair.csv"
    pair.write_text("300,5\n301,6\n302,7\n")
    np.testing.assert_array_equal(read_spectrum(pair)[1], [5, 6, 7])
    # an explicit columns layout is not read as an Open Specy export
    path = _os_csv(tmp_path, HEADER + "5,6,7,1,1,me,Raman,PE\n")
    with pytest.raises(SpectrumFileError):
        read_table(path, layout="columns")
