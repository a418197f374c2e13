"""Unit conversions: known values, metadata-driven conversion, clear errors."""

import numpy as np
import pytest
from sklearn.utils import Bunch

from sklearn_raman.datasets import (
    SpectrumFileError,
    convert_spectra,
    microns_to_wavenumbers,
    raman_shift_to_wavelength,
    transmittance_to_absorbance,
    wavelength_to_raman_shift,
)


def test_polystyrene_band_at_532_nm():
    # 1001.4 cm-1 with a 532 nm laser is scattered at 561.94 nm, and back
    nm = raman_shift_to_wavelength(1001.4, 532.0)
    assert nm == pytest.approx(561.937, abs=1e-3)
    assert wavelength_to_raman_shift(nm, 532.0) == pytest.approx(1001.4, abs=1e-9)
    assert wavelength_to_raman_shift(561.9, 532.0) == pytest.approx(1000.23, abs=0.01)
    # anti-Stokes: shorter than the laser, negative shift; the laser itself: 0
    assert wavelength_to_raman_shift([500.0, 532.0], 532.0)[0] < 0
    assert wavelength_to_raman_shift(532.0, 532.0) == 0
    with pytest.raises(ValueError, match="positive"):
        wavelength_to_raman_shift([0.0, 540.0], 532.0)


def test_microns_and_transmittance():
    np.testing.assert_allclose(microns_to_wavenumbers([2.5, 10.0]), [4000, 1000])
    np.testing.assert_allclose(
        transmittance_to_absorbance([1.0, 0.1, 0.01], percent=False), [0, 1, 2]
    )
    np.testing.assert_allclose(
        transmittance_to_absorbance([50.0], percent=True), [np.log10(2)]
    )
    with pytest.raises(ValueError, match="percent=True"):
        transmittance_to_absorbance([95.0, 40.0], percent=False)
    with pytest.raises(ValueError, match="1 transmittance value"):
        transmittance_to_absorbance([0.5, 0.0], percent=False)


def _data(axis, values, **meta):
    return Bunch(
        spectra=[(np.asarray(axis, float), np.asarray(values, float))],
        metadata=[meta],
        filenames=np.asarray(["f.wdf"]),
        y=np.asarray(["a"]),
    )


def test_convert_spectra_follows_the_metadata():
    nm = raman_shift_to_wavelength([1600.0, 1001.4, 500.0], 785.0)
    data = _data(
        nm, [3, 2, 1], x_kind="wavelength", x_unit="nm", laser_wavelength_nm=785.0
    )
    out = convert_spectra(data, x_kind="raman_shift")
    axis, values = out.spectra[0]
    np.testing.assert_allclose(axis, [500.0, 1001.4, 1600.0], atol=1e-9)
    np.testing.assert_array_equal(values, [1, 2, 3])  # reordered with the axis
    assert out.metadata[0]["x_kind"] == "raman_shift"
    assert data.metadata[0]["x_kind"] == "wavelength"  # the input is untouched
    # absolute wavenumbers: shift = laser wavenumber - wavenumber
    absolute = _data([18796.99 - 1000], [1], x_kind="wavenumber", x_unit="cm-1")
    shifted = convert_spectra(absolute, x_kind="raman_shift", laser_wavelength_nm=532.0)
    assert shifted.spectra[0][0][0] == pytest.approx(1000.0, abs=0.01)
    ir = _data([2.5, 5.0], [1, 2], x_kind="wavelength", x_unit="um")
    np.testing.assert_allclose(
        convert_spectra(ir, x_kind="wavenumber").spectra[0][0], [2000, 4000]
    )
    pct = _data([400, 500], [10.0, 100.0], y_kind="transmittance", y_unit="%")
    np.testing.assert_allclose(
        convert_spectra(pct, y_kind="absorbance").spectra[0][1], [1, 0]
    )


def test_convert_spectra_raises_naming_the_file_and_the_fix():
    nm = _data([540.0, 560.0], [1, 2], x_kind="wavelength", x_unit="nm")
    with pytest.raises(SpectrumFileError, match=r"f.wdf.*laser_wavelength_nm="):
        convert_spectra(nm, x_kind="raman_shift")
    with pytest.raises(SpectrumFileError, match="does not record its axis unit"):
        convert_spectra(_data([1, 2], [1, 2]), x_kind="raman_shift")
    t = _data([400, 500], [0.5, 0.2], y_kind="transmittance")
    with pytest.raises(SpectrumFileError, match="percent=True or percent=False"):
        convert_spectra(t, y_kind="absorbance")
    assert convert_spectra(t, y_kind="absorbance", percent=False).spectra[0][1][0] > 0
    counts = _data([400, 500], [5, 6], y_kind="counts")
    with pytest.raises(SpectrumFileError, match="counts, not transmittance"):
        convert_spectra(counts, y_kind="absorbance")
    with pytest.raises(ValueError, match="x_kind must be"):
        convert_spectra(counts, x_kind="nm")


def _two_files(**meta):
    return Bunch(
        spectra=[(np.array([540.0, 560.0]), np.array([1.0, 2.0]))] * 2,
        metadata=[{"x_kind": "wavelength", "x_unit": "nm", **meta}] * 2,
        filenames=np.asarray(["/data/a/x_532.txt", "/data/b/y.txt"]),
        groups=np.asarray(["S1", "S2"]),
    )


def _lasers(out) -> list:
    return [m["laser_wavelength_nm"] for m in out.metadata]


def test_laser_mapping_callable_and_metadata_key():
    data = _two_files()
    convert = lambda laser: convert_spectra(  # noqa: E731
        data, x_kind="raman_shift", laser_wavelength_nm=laser
    )
    # keys: a path, a file name, a group; an exact key wins over a glob
    assert _lasers(convert({"/data/a/x_532.txt": 532, "y.txt": 785})) == [532, 785]
    assert _lasers(convert({"S1": 633, "*.txt": 785})) == [633, 785]
    assert _lasers(convert({"*/a/*": 532, "*/b/*": 785})) == [532, 785]  # path glob
    np.testing.assert_allclose(
        convert({"*": 785}).spectra[1][0], wavelength_to_raman_shift([540, 560], 785)
    )
    seen = []
    out = convert(lambda path: seen.append(path) or 633.0)
    assert _lasers(out) == [633, 633] and seen[0].name == "x_532.txt"  # a Path
    keyed = _two_files(**{"RAMAN WAVELENGTH": "514.5 nm"})
    out = convert_spectra(
        keyed, x_kind="raman_shift", laser_wavelength_nm="RAMAN WAVELENGTH"
    )
    assert _lasers(out) == [514.5, 514.5]
    # the file's own laser wins over any given one
    own = _two_files(laser_wavelength_nm=785.0)
    out = convert_spectra(own, x_kind="raman_shift", laser_wavelength_nm={"*": 532})
    assert _lasers(out) == [785, 785]


def test_laser_errors_name_the_file_and_the_fix():
    data = _two_files()
    with pytest.raises(
        SpectrumFileError, match=r"x_532\.txt: its axis .*metadata has no .LASER."
    ):
        convert_spectra(data, x_kind="raman_shift", laser_wavelength_nm="LASER")
    with pytest.raises(SpectrumFileError, match="pass a number, not a string"):
        convert_spectra(data, x_kind="raman_shift", laser_wavelength_nm="532")
    bad = _two_files(LASER="green")
    with pytest.raises(SpectrumFileError, match=r"x_532\.txt: its metadata 'LASER'"):
        convert_spectra(bad, x_kind="raman_shift", laser_wavelength_nm="LASER")
    with pytest.raises(SpectrumFileError, match=r"y\.txt.*callable returned None"):
        convert_spectra(
            data,
            x_kind="raman_shift",
            laser_wavelength_nm=lambda p: 532 if "532" in p.name else None,
        )
    with pytest.raises(SpectrumFileError, match=r"x_532\.txt: its laser .* -1"):
        convert_spectra(data, x_kind="raman_shift", laser_wavelength_nm=lambda p: -1)
    for laser in (0, -532.0, float("nan"), True, [532], {"*": "532"}):
        with pytest.raises(ValueError, match="positive number of nm"):
            convert_spectra(data, x_kind="raman_shift", laser_wavelength_nm=laser)
