"""Units from text headers, and a laser per file in ``convert_spectra``."""

import numpy as np
import pytest

from sklearn_raman import read_spectra, read_spectrum
from sklearn_raman.datasets import (
    SpectrumFileError,
    convert_spectra,
    raman_shift_to_wavelength,
    read_table,
    wavelength_to_raman_shift,
)
from sklearn_raman.datasets._text import SpectrumFileWarning

UNIT_KEYS = ("x_kind", "x_unit", "y_kind", "y_unit")
DATA_ROWS = "540.0,1.0\n550.0,3.0\n560.0,2.0\n"
#: known Raman shifts of the folder tests, and a band at 1001.4 cm-1
SHIFTS = np.linspace(200.0, 3000.0, 281)
BAND = 1001.4


def _units(meta: dict) -> dict:
    return {k: meta[k] for k in UNIT_KEYS if k in meta}


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("nm", {"x_kind": "wavelength", "x_unit": "nm"}),
        ("Wavelength (nm)", {"x_kind": "wavelength", "x_unit": "nm"}),
        ("Wavelength [nm]", {"x_kind": "wavelength", "x_unit": "nm"}),
        ("Raman shift (cm-1)", {"x_kind": "raman_shift", "x_unit": "cm-1"}),
        ("Raman Shift / cm⁻¹", {"x_kind": "raman_shift", "x_unit": "cm-1"}),
        ("Raman shift", {"x_kind": "raman_shift", "x_unit": "cm-1"}),
        ("shift", {"x_kind": "raman_shift", "x_unit": "cm-1"}),
        ("absolute wavenumber (cm-1)", {"x_kind": "wavenumber", "x_unit": "cm-1"}),
        # a bare wavenumber / cm-1: Raman shift or absolute, the file does not say
        ("Wavenumber [1/cm]", {"x_unit": "cm-1"}),
        ("wavenumber", {"x_unit": "cm-1"}),
        ("Wavenumbers (cm^-1)", {"x_unit": "cm-1"}),
        ("cm-1", {"x_unit": "cm-1"}),
        ("µm", {"x_kind": "wavelength", "x_unit": "um"}),
        ("um", {"x_kind": "wavelength", "x_unit": "um"}),
        ("micron", {"x_kind": "wavelength", "x_unit": "um"}),
        ("Wavelength (μm)", {"x_kind": "wavelength", "x_unit": "um"}),  # Greek mu
        ("Energy (eV)", {"x_kind": "energy", "x_unit": "eV"}),
        ("Wavelength", {"x_kind": "wavelength"}),  # the unit is not said
        ("pixel", {}),
        ("x", {}),
    ],
)
def test_axis_header(tmp_path, title, expected):
    path = tmp_path / "s.csv"
    path.write_text(f"{title},Intensity\n{DATA_ROWS}", encoding="utf-8")
    meta = read_spectrum(path)[2]
    assert _units(meta) == {**expected, "y_kind": "intensity"}
    assert meta["columns"] == [title, "Intensity"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Absorbance", {"y_kind": "absorbance"}),
        ("Absorbance (a.u.)", {"y_kind": "absorbance"}),
        ("Transmittance (%)", {"y_kind": "transmittance", "y_unit": "%"}),
        ("%T", {"y_kind": "transmittance", "y_unit": "%"}),
        ("Transmittance", {"y_kind": "transmittance"}),  # fraction or %: not said
        ("Reflectance", {"y_kind": "reflectance"}),
        ("% Reflectance", {"y_kind": "reflectance", "y_unit": "%"}),
        ("Counts", {"y_kind": "counts"}),
        ("Intensity (counts)", {"y_kind": "counts"}),
        ("Intensity (a.u.)", {"y_kind": "intensity"}),
        ("Intensity", {"y_kind": "intensity"}),
        ("Kubelka-Munk", {"y_kind": "kubelka-munk"}),
        ("log(1/R)", {"y_kind": "log(1/R)"}),
        ("value", {}),
        ("Quartz", {}),
    ],
)
def test_signal_header(tmp_path, title, expected):
    path = tmp_path / "s.csv"
    path.write_text(f"nm,{title}\n{DATA_ROWS}")
    meta = read_spectrum(path)[2]
    assert _units(meta) == {"x_kind": "wavelength", "x_unit": "nm", **expected}


def test_header_units_in_other_dialects_and_encodings(tmp_path):
    path = tmp_path / "eu.txt"
    path.write_text("Raman shift (cm-1);Intensity\n100,5;1,25\n101,5;2,5\n102;3\n")
    assert _units(read_spectrum(path)[2]) == {
        "x_kind": "raman_shift",
        "x_unit": "cm-1",
        "y_kind": "intensity",
    }
    latin = tmp_path / "latin.txt"
    latin.write_bytes(
        "Wavelength (µm)\tAbsorbance\n2.5\t0.1\n5.0\t0.2\n".encode("latin-1")
    )
    assert _units(read_spectrum(latin)[2]) == {
        "x_kind": "wavelength",
        "x_unit": "um",
        "y_kind": "absorbance",
    }


def test_unknown_and_contradicting_headers_record_nothing(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(f"pixel,value\n{DATA_ROWS}")
    meta = read_spectrum(path)[2]
    assert _units(meta) == {}  # absent, not guessed
    assert all(meta.get(k) is None for k in UNIT_KEYS)
    path.write_text(f"Wavelength (cm-1),Absorbance/Transmittance\n{DATA_ROWS}")
    with pytest.warns(SpectrumFileWarning) as caught:
        meta = read_spectrum(path)[2]
    assert _units(meta) == {}
    messages = [str(w.message) for w in caught]
    assert any("s.csv, line 1" in m and "wavelength in cm-1" in m for m in messages)
    assert any("several kinds of signal" in m for m in messages)


def test_wide_table_columns_are_names_not_units(tmp_path):
    path = tmp_path / "lib.csv"
    path.write_text("Raman shift;PS;PA\n400;0,1;0,5\n402;0,2;0,4\n404;0,3;0,2\n")
    data = read_table(path)
    assert [_units(m) for m in data.metadata] == [
        {"x_kind": "raman_shift", "x_unit": "cm-1"}
    ] * 2
    path.write_text("nm;Counts;Counts\n540;1;5\n550;2;4\n560;3;3\n")
    assert _units(read_table(path).metadata[1])["y_kind"] == "counts"


def _band(shift: np.ndarray) -> np.ndarray:
    return 1.0 + np.exp(-0.5 * ((shift - BAND) / 8.0) ** 2)


def _write_nm(path, laser: float, header: str = "") -> None:
    """A two-column ``nm,Intensity`` CSV: the known shifts scattered by ``laser``."""
    nm = raman_shift_to_wavelength(SHIFTS, laser)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savetxt(
        path,
        np.c_[nm, _band(SHIFTS)],
        delimiter=",",
        fmt="%.9f",
        header=f"{header}nm,Intensity",
        comments="",
    )


@pytest.fixture
def two_lasers(tmp_path):
    """PE and PS files headed ``nm,Intensity``: half at 532 nm, half at 785 nm."""
    root = tmp_path / "lasers"
    for polymer in ("PE", "PS"):
        for laser in (532, 785):
            for i in range(2):
                _write_nm(root / polymer / f"{polymer}_{laser}nm_{i}.csv", laser)
    return root


def _laser_of(name: str) -> float:
    return 532.0 if "_532nm_" in name else 785.0


def _assert_converted(data, out) -> None:
    for (nm, _), (shift, values), meta, name in zip(
        data.spectra, out.spectra, out.metadata, out.filenames
    ):
        laser = _laser_of(name)
        assert meta["laser_wavelength_nm"] == laser
        assert meta["x_kind"] == "raman_shift" and meta["x_unit"] == "cm-1"
        np.testing.assert_allclose(shift, wavelength_to_raman_shift(nm, laser))
        np.testing.assert_allclose(shift, SHIFTS, atol=1e-3)
        assert abs(shift[np.argmax(values)] - BAND) < 10  # the band where it was


def test_a_laser_per_file_by_glob(two_lasers):
    data = read_spectra(two_lasers)
    assert len(data.spectra) == 8
    assert {_units(m)["x_unit"] for m in data.metadata} == {"nm"}
    lasers = {"*_532nm_*": 532, "*_785nm_*": 785}
    out = convert_spectra(data, x_kind="raman_shift", laser_wavelength_nm=lasers)
    _assert_converted(data, out)
    # a callable of the file path does the same
    by_path = convert_spectra(
        data, x_kind="raman_shift", laser_wavelength_nm=lambda p: _laser_of(p.name)
    )
    _assert_converted(data, by_path)
    # one laser for all is right for its own files only
    one = convert_spectra(data, x_kind="raman_shift", laser_wavelength_nm=532.0)
    for name, (shift, _) in zip(one.filenames, one.spectra):
        assert np.allclose(shift, SHIFTS, atol=1e-3) == ("_532nm_" in name)


def test_a_laser_from_the_files_metadata(tmp_path):
    # RRUFF-style headers name the laser: laser_wavelength_nm= names the key
    for laser in (532, 785):
        _write_nm(
            tmp_path / "PE" / f"PE_{laser}nm_0.csv",
            laser,
            header=f"##RAMAN WAVELENGTH={laser} nm\n\n",  # blank: ends the value
        )
    data = read_spectra(tmp_path)
    out = convert_spectra(
        data, x_kind="raman_shift", laser_wavelength_nm="RAMAN WAVELENGTH"
    )
    _assert_converted(data, out)


def test_a_mixed_folder_converts_only_the_wavelength_files(tmp_path):
    for i in range(2):
        _write_nm(tmp_path / "PE" / f"PE_785nm_{i}.csv", 785)
        np.savetxt(
            tmp_path / "PE" / f"PE_shift_{i}.csv",
            np.c_[SHIFTS, _band(SHIFTS)],
            delimiter=",",
            header="Raman shift (cm-1),Intensity",
            comments="",
        )
    with pytest.warns(SpectrumFileWarning, match="axes of 2 kinds"):
        data = read_spectra(tmp_path)
    # a mapping for the nm files only: the Raman-shift files need no laser
    out = convert_spectra(data, x_kind="raman_shift", laser_wavelength_nm={"*nm*": 785})
    for (before, _), (after, _), old, new in zip(
        data.spectra, out.spectra, data.metadata, out.metadata
    ):
        np.testing.assert_allclose(after, SHIFTS, atol=1e-3)
        if old["x_kind"] == "raman_shift":
            np.testing.assert_array_equal(after, before)
            assert "laser_wavelength_nm" not in new
        else:
            assert new["laser_wavelength_nm"] == 785


def test_a_missing_laser_raises_naming_the_file_and_nm(two_lasers):
    data = read_spectra(two_lasers)
    with pytest.raises(SpectrumFileError) as excinfo:
        convert_spectra(data, x_kind="raman_shift")
    message = str(excinfo.value)
    assert "PE_532nm_0.csv" in message and "wavelength in nm" in message
    assert "laser_wavelength_nm=" in message and "'*532*': 532" in message
    # a mapping that misses a file names that file and the mapping's keys
    with pytest.raises(SpectrumFileError, match=r"PE_785nm_0\.csv.*'\*_532nm_\*'"):
        convert_spectra(
            data, x_kind="raman_shift", laser_wavelength_nm={"*_532nm_*": 532}
        )
    # globs that give one file two lasers raise rather than pick one
    with pytest.raises(SpectrumFileError, match=r"PE_532nm_0\.csv.*exclusive"):
        convert_spectra(
            data, x_kind="raman_shift", laser_wavelength_nm={"PE_*": 532, "*nm*": 785}
        )


def test_ambiguous_or_unitless_axes_raise_with_the_fix(tmp_path):
    path = tmp_path / "PE" / "pe.csv"
    path.parent.mkdir()
    path.write_text("wavenumber,intensity\n400,1\n500,2\n600,3\n")
    data = read_spectra(tmp_path)
    assert "x_kind" not in data.metadata[0]  # as the identify workflow expects
    with pytest.raises(SpectrumFileError, match=r"pe\.csv.*Raman shift or an absolute"):
        convert_spectra(data, x_kind="raman_shift", laser_wavelength_nm=532)
    path.write_text(f"Wavelength,Counts\n{DATA_ROWS}")
    data = read_spectra(tmp_path)
    with pytest.raises(SpectrumFileError, match=r"pe\.csv.*'Wavelength \(nm\)'"):
        convert_spectra(data, x_kind="raman_shift", laser_wavelength_nm=532)
