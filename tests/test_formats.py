"""Instrument formats: dispatch, vendor readers, maps and series, errors.

The real files are those of ../shared/data/formats; each is checked against
the point counts and axis ranges its README gives (what the maintained
readers made of it), and the SPC files against the reference text exports
that README says are right. Tests skip with the reason when the data or a
reader package is absent.
"""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED_DATA

from sklearn_raman.datasets import (
    SpectrumFileError,
    SpectrumFileWarning,
    read_spectra,
    read_spectrum,
)
from sklearn_raman.datasets._formats import (
    FORMATS,
    FileSpectra,
    read_vendor,
    vendor_format,
)

FORMATS_DIR = SHARED_DATA / "formats"
READERS = {"renishaw_wdf": "wdf", "thermo_omnic": "spectrochempy_omnic"}
READERS.update(bruker_opus="brukeropus", galactic_spc="spc_io", witec_project="witio")
READERS.update(labspec_xml="rsciio")
_NUMBER = r"(-?[\d.]+(?:e[-+]?\d+)?)"


def _readme_rows() -> dict[str, str]:
    """README's table row of each file (its readers' results are in it)."""
    rows = {}
    for line in (FORMATS_DIR / "README.md").read_text().splitlines():
        match = re.match(r"\| `([^`]+)` \|", line)
        if match:
            rows.setdefault(match.group(1), line)  # the first table
    return rows


def _expected(name: str, cell: str):
    """(n_spectra, n_points or None, x_first, x_last) the README gives, or None."""
    if name.startswith("opus/"):
        # the block read: absorbance where there is one, else the reference
        for key in ("a", "rf"):
            match = re.search(
                rf"\b{key} \([^)]*\): (\d+) pts, x {_NUMBER} → {_NUMBER}", cell
            )
            if match:
                n, first, last = match.groups()
                return 1, int(n), float(first), float(last)
        return None
    rsciio = re.search(r"jobinyvon: OK, shape \(([\d, ]+),?\);", cell)
    if rsciio:  # navigation axes first, the spectral axis (ascending) last
        shape = [int(v) for v in rsciio.group(1).split(",") if v.strip()]
        n = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
        first, last = re.findall(rf"\] {_NUMBER} → {_NUMBER}", cell)[-1]
        return n, shape[-1], float(first), float(last)
    witio = re.search(
        rf"(\d+) TDGraph, shapes \[1, 1, (\d+)\], x {_NUMBER} → {_NUMBER}", cell
    )
    if witio:
        n, points, first, last = witio.groups()
        return int(n), int(points), float(first), float(last)
    link = re.search(r"jcamp: OK, LINK file with (\d+) blocks", cell)
    if link:  # every block: N pts x A → B
        blocks = re.findall(rf"(\d+) pts x {_NUMBER} → {_NUMBER}", cell)
        first, last = blocks[0][1:]
        points = [int(b[0]) for b in blocks]
        return int(link.group(1)), points, float(first), float(last)
    patterns = (
        rf"jcamp: OK, (\d+) spectrum × (\d+) pts \(= ##NPOINTS\), x {_NUMBER} → "
        rf"{_NUMBER}",
        rf"spc-io: OK, (\d+) subfile\(s\) × (\d+|\[[^\]]*\]) pts.*?x {_NUMBER} → "
        rf"{_NUMBER}",
        rf"renishaw-wdf: OK, (\d+) spectra × (\d+) pts, x {_NUMBER} → {_NUMBER}",
        rf"spectrochempy-omnic: OK, (\d+) × (\d+) pts, x {_NUMBER} → {_NUMBER}",
    )
    for pattern in patterns:
        match = re.search(pattern, cell)
        if match:
            n, points, first, last = match.groups()
            points = None if points.startswith("[") else int(points)
            return int(n), points, float(first), float(last)
    return None


def _vendor_files(folder: str) -> list[str]:
    if not FORMATS_DIR.is_dir():
        return []
    root = FORMATS_DIR / folder
    return sorted(
        str(p.relative_to(FORMATS_DIR))
        for p in root.rglob("*")
        if p.is_file() and "txt2_expected" not in p.parts
    )


VENDOR_FILES = [
    f
    for d in ("wdf", "omnic", "opus", "spc", "jcamp", "labspec_xml", "witec")
    for f in _vendor_files(d)
]
#: files the README's readers failed on that the package reads (its own JCAMP-DX
#: reader): checked against their own ##NPOINTS / ##FIRSTX / ##LASTX
READ_HERE = {
    "jcamp/Robert_J_Lancashire_test_data/sqzdupd1.jdx",
    "jcamp/Robert_J_Lancashire_test_data/xyinc1.jdx",
}


def _need(path: Path):
    if not FORMATS_DIR.is_dir():
        pytest.skip(f"vendor files not found at {FORMATS_DIR} (../shared/data)")
    fmt = vendor_format(path)
    if fmt is not None and fmt.package is not None:
        pytest.importorskip(READERS[fmt.name], reason=f"{fmt.package} not installed")
    return fmt


@pytest.mark.parametrize("name", VENDOR_FILES or ["(no data)"])
def test_every_vendor_file_reads_as_its_readme_says_or_raises(name):
    path = FORMATS_DIR / name
    fmt = _need(path)
    cell = _readme_rows().get(name, "")
    expected = _expected(name, cell)
    if fmt is None:  # text: an OMNIC CSV export, the JCAMP test set's index
        if path.name == "IR.CSV":
            axis, values, _ = read_spectrum(path)
            assert len(axis) == 3736 and axis[0] == pytest.approx(399.193, abs=1e-3)
        else:  # DX-DIR.TXT: prose, no spectrum
            with pytest.raises(SpectrumFileError, match=re.escape(path.name)):
                read_spectrum(path)
        return
    if name in READ_HERE:
        header = dict(re.findall(r"##(\w+)=\s*([-\d.]+)", path.read_text("latin-1")))
        expected = (1, int(header["NPOINTS"]), float(header["FIRSTX"]))
        expected += (float(header["LASTX"]),)
    if expected is None:  # the README's readers failed on it: a clear error
        assert "FAILS" in cell, f"no expectation parsed for {name}: {cell[:200]}"
        with pytest.raises(SpectrumFileError, match=re.escape(str(path))):
            read_vendor(path, fmt)
        return
    data = read_vendor(path, fmt)
    n, points, first, last = expected
    assert data.n_spectra == n
    for i in range(data.n_spectra):
        axis, values = data.spectrum(i)
        assert np.all(np.diff(axis) >= 0) and np.isfinite(values).all()
        if points is not None:
            assert len(axis) == (points[i] if isinstance(points, list) else points)
    if points is not None:  # the README rounds to 6 significant digits
        axis = data.axes[0]
        assert axis[0] == pytest.approx(first, rel=1e-5, abs=1e-3)
        assert axis[-1] == pytest.approx(last, rel=1e-5, abs=1e-3)
    meta = data.metadata[0]
    assert meta["format"] == fmt.name and meta["index"] == 0
    assert {"x_kind", "x_unit", "y_kind"} <= set(meta)


#: the reference exports that README says are wrong (negative SPC exponents,
#: XYXY x read as integers): not compared
WRONG_REFERENCES = {"4d_map.spc", "m_evenz.spc", "ms.spc", "m_xyxy.spc"}


def _references() -> list[str]:
    folder = FORMATS_DIR / "spc" / "rohanisaac_spc" / "txt2_expected"
    if not folder.is_dir():
        return []
    names = [p.name[: -len(".txt")] for p in sorted(folder.glob("*.txt"))]
    return [n for n in names if n not in WRONG_REFERENCES]


@pytest.mark.parametrize("name", _references() or ["(no data)"])
def test_spc_values_agree_with_the_right_reference_exports(name):
    path = FORMATS_DIR / "spc" / "rohanisaac_spc" / name
    fmt = _need(path)
    reference = np.loadtxt(path.parent / "txt2_expected" / f"{name}.txt", ndmin=2)
    if path.read_bytes()[1] == 0x4D or name == "test_input.spc":
        with pytest.raises(SpectrumFileError, match=name):  # spc-io cannot read it
            read_vendor(path, fmt)
        return
    data = read_vendor(path, fmt)
    assert data.n_spectra == reference.shape[1] - 1
    np.testing.assert_allclose(data.axes[0], reference[:, 0], rtol=1e-6)
    for i in range(data.n_spectra):
        np.testing.assert_allclose(data.values[i], reference[:, i + 1], rtol=1e-6)


def test_a_wdf_folder_gives_every_spectrum_with_positions_and_file_groups():
    _need(FORMATS_DIR / "wdf" / "spectrochempy_wire" / "sp.wdf")
    with pytest.warns(SpectrumFileWarning, match="axes of 3 kinds"):
        data = read_spectra(FORMATS_DIR / "wdf")  # nm, Raman shift and unknown
    assert len(data.spectra) == 235 + 1 + 10 + 5 + 9 + 1 + 3 + 2 + 40 + 1
    files, counts = np.unique(data.filenames, return_counts=True)
    assert dict(zip((Path(f).name for f in files), counts))["line.wdf"] == 235
    # one group per file: no map is split across a grouped CV
    for name in files:
        assert len(set(data.groups[data.filenames == name])) == 1
    assert len(set(data.groups)) == len(files)
    line = [m for m, f in zip(data.metadata, data.filenames) if f.endswith("line.wdf")]
    assert [m["index"] for m in line] == list(range(235))
    assert {"x", "y"} <= set(line[1]["position_um"])
    assert line[0]["laser_wavelength_nm"] == pytest.approx(532.2, abs=0.1)
    series = [
        m for m, f in zip(data.metadata, data.filenames) if f.endswith("timeseries.wdf")
    ]
    assert series[0]["time_s"] == 0 and series[2]["time_s"] > series[1]["time_s"] > 0


def test_renishaw_values_match_rosettasciios_own_test():
    # rsciio/tests/test_renishaw.py (TestSpec): the first and last intensities
    path = FORMATS_DIR / "wdf" / "rosettasciio" / "renishaw_test_spectrum.wdf"
    _need(path)
    axis, values, meta = read_spectrum(path)
    assert meta["x_kind"] == "wavelength" and meta["x_unit"] == "nm"
    np.testing.assert_allclose(values[:3], [65.36617, 67.51018, 60.00703], rtol=1e-6)
    np.testing.assert_allclose(values[-2:], [67.45442, 68.10285], rtol=1e-6)


def test_a_group_file_names_its_spectra_and_times():
    path = FORMATS_DIR / "omnic" / "CO@Mo_Al2O3.SPG"
    _need(path)
    with pytest.raises(SpectrumFileError, match="19 spectra"):
        read_spectrum(path)
    axis, values, meta = read_spectrum(path, spectrum=3)
    assert meta["y_kind"] == "absorbance" and meta["x_kind"] == "wavenumber"
    assert meta["title"].startswith("*R") and meta["acquired"].startswith("2016-10-18")
    data = read_spectra([path])
    assert len(data.spectra) == 19 and min(m["time_s"] for m in data.metadata) == 0


def test_opus_reads_absorbance_and_names_the_block():
    path = FORMATS_DIR / "opus" / "spectrochempy" / "test.0000"
    _need(path)
    assert vendor_format(path).name == "bruker_opus"  # by content: no extension
    axis, values, meta = read_spectrum(path)
    assert meta["opus_block"] == "a" and meta["y_kind"] == "absorbance"
    assert meta["instrument"].startswith("VERTEX") and len(axis) == 2567


# -- without the shared data -----------------------------------------------------
def test_a_missing_reader_names_the_pip_install(tmp_path, monkeypatch):
    path = tmp_path / "map.wdf"
    path.write_bytes(b"WDF1" + bytes(60))
    monkeypatch.setitem(sys.modules, "wdf", None)  # import wdf -> ImportError
    with pytest.raises(ImportError, match=r"pip install 'sklearn-raman\[formats\]'"):
        read_spectrum(path)
    with pytest.raises(ImportError, match="renishaw-wdf"):
        read_spectra(tmp_path)


def test_formats_are_found_by_extension_then_content(tmp_path):
    spa = tmp_path / "x.SPA"
    spa.write_bytes(bytes(64))
    assert vendor_format(spa).name == "thermo_omnic"  # extension, any case
    opus = tmp_path / "sample.1"
    opus.write_bytes(b"\x0a\x0a\xfe\xfe" + bytes(60))
    assert vendor_format(opus).name == "bruker_opus"
    wdf = tmp_path / "renamed.dat"
    wdf.write_bytes(b"WDF1" + bytes(60))
    assert vendor_format(wdf).name == "renishaw_wdf"
    text = tmp_path / "OK.txt"
    text.write_text("OKAY 1\n100 2\n")  # 'K' as second byte: still text
    assert vendor_format(text) is None
    unknown = tmp_path / "blob.bin"
    unknown.write_bytes(b"\x01\x02\x00\x00" * 16)
    with pytest.raises(SpectrumFileError, match=r"blob.bin is a binary file"):
        read_spectrum(unknown)
    assert {f.name for f in FORMATS} >= set(READERS) | {"jcamp_dx"}


def test_a_reader_failure_names_the_file_and_the_reader(tmp_path):
    path = tmp_path / "broken.spc"
    path.write_bytes(b"\x00\x4b" + bytes(100))  # a header and nothing else
    pytest.importorskip("spc_io", reason="spc-io not installed")
    with pytest.raises(SpectrumFileError, match=r"broken.spc: the Galactic"):
        read_spectrum(path)


def test_file_spectra_reject_nan_and_mismatched_axes(tmp_path):
    axis = np.arange(4.0)
    with pytest.raises(SpectrumFileError, match="NaN"):
        FileSpectra(tmp_path / "a.wdf", [axis], [np.array([1, np.nan, 2, 3])], [{}])
    with pytest.raises(SpectrumFileError, match="axis of"):
        FileSpectra(tmp_path / "a.wdf", [axis], [np.ones(3)], [{}])
    data = FileSpectra(tmp_path / "m.wdf", [axis[::-1]] * 2, [axis, axis], [{}, {}])
    assert data.names == ["m[0]", "m[1]"]
    np.testing.assert_array_equal(data.spectrum(0)[1], axis[::-1])  # ascending


def test_text_folders_do_not_warn_about_axes(tmp_path):
    for cls in ("a", "b"):
        (tmp_path / cls).mkdir()
        (tmp_path / cls / "s.csv").write_text("x,y\n100,1\n200,2\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(read_spectra(tmp_path).spectra) == 2


# -- JCAMP-DX, the package's own reader --------------------------------------------
_HEADER = (
    "##TITLE=test\n##JCAMP-DX=4.24\n##DATA TYPE=INFRARED SPECTRUM\n"
    "##XUNITS=1/CM\n##YUNITS=ABSORBANCE\n##XFACTOR=1\n##YFACTOR=0.5\n"
    "##FIRSTX=400\n##LASTX=407\n##NPOINTS=8\n##XYDATA=(X++(Y..Y))\n"
)


@pytest.mark.parametrize(
    "data",
    [
        "400 10 12 13 13\n404 13 11 8 5\n",  # AFFN
        "400+10+12+13+13\n404+13+11+8+5\n",  # PAC
        "400A0A2A3A3\n404A3A1H E\n",  # SQZ
        "400A0KJ%\n403A3%kll\n",  # SQZ + DIF, a check value starts line 2
        "400A0KJ%\n403A3%klT\n",  # DUP of a difference
    ],
)
def test_jcamp_compression_forms_decode_to_the_same_values(tmp_path, data):
    path = tmp_path / "s.jdx"
    path.write_text(_HEADER + data + "##END=\n")
    axis, values, meta = read_spectrum(path)
    np.testing.assert_array_equal(axis, np.arange(400.0, 408.0))
    np.testing.assert_array_equal(
        values, 0.5 * np.array([10, 12, 13, 13, 13, 11, 8, 5])
    )
    assert meta["x_kind"] == "wavenumber" and meta["y_kind"] == "absorbance"


@pytest.mark.parametrize(
    "data, fragment",
    [
        ("400A0KJ%\n403A4%kll\n", r"line 13: DIF check value 14"),
        ("400 10 12 13 13\n404 13 11 8\n", r"7 values .* ##NPOINTS=8"),
        ("400 10 12 13 13\n410 13 11 8 5\n", r"line 13: X = 410"),
        ("400 10 12 ? 13\n404 13 11 8 5\n", r"line 12: a missing value"),
    ],
)
def test_jcamp_checks_fail_naming_the_line(tmp_path, data, fragment):
    path = tmp_path / "bad.jdx"
    path.write_text(_HEADER + data + "##END=\n")
    with pytest.raises(SpectrumFileError, match=fragment):
        read_spectrum(path)


def test_jcamp_compound_file_gives_every_block(tmp_path):
    block = (
        _HEADER.replace("##TITLE=test", "##TITLE={}")
        + "400 1 2 3 4\n404 5 6 7 8\n##END=\n"
    )
    text = (
        "##TITLE=link\n##JCAMP-DX=5.0\n##BLOCKS=2\n"
        + block.format("a")
        + block.format("b")
    )
    path = tmp_path / "c.dx"
    path.write_text(text + "##END=\n")
    data = read_spectra([path])
    assert len(data.spectra) == 2 and [m["title"] for m in data.metadata] == ["a", "b"]
    with pytest.raises(SpectrumFileError, match="2 spectra"):
        read_spectrum(path)
    assert read_spectrum(path, spectrum="b")[1][-1] == 4.0


def test_labspec_xml_absolute_wavenumbers_convert_to_the_shift_labspec_wrote():
    # one acquisition exported twice by LabSpec: absolute cm-1 and Raman shift
    from sklearn_raman.datasets import convert_spectra

    folder = FORMATS_DIR / "labspec_xml"
    _need(folder / "jobinyvon_test_spec_3s_cm-1.xml")
    absolute = read_spectra([folder / "jobinyvon_test_spec_3s_abs-cm-1.xml"])
    shift = read_spectra([folder / "jobinyvon_test_spec_3s_cm-1.xml"])
    assert absolute.metadata[0]["laser_wavelength_nm"] == pytest.approx(632.817)
    converted = convert_spectra(absolute, x_kind="raman_shift")
    # the file stores absolute wavenumbers to 0.1 cm-1, shifts to 0.01
    np.testing.assert_allclose(converted.spectra[0][0], shift.spectra[0][0], atol=0.06)
    np.testing.assert_allclose(converted.spectra[0][1], shift.spectra[0][1])
    scan = read_spectra([folder / "jobinyvon_test_map_x3-y2.xml"])
    positions = {tuple(sorted(m["position_um"].items())) for m in scan.metadata}
    assert len(scan.spectra) == 6 and len(positions) == 6


def test_own_readers_for_perkinelmer_ocean_optics_and_labspec_text():
    _need(FORMATS_DIR / "perkinelmer_sp" / "spectra.sp")
    axis, values, meta = read_spectrum(FORMATS_DIR / "perkinelmer_sp" / "spectra.sp")
    # the header's range and interval: 4000 -> 700 cm-1 in steps of 1
    assert len(axis) == 3301 and axis[0] == 700 and axis[-1] == 4000
    assert meta["y_kind"] == "absorbance" and meta["title"] == "strip01"
    assert -0.1 < values.min() < values.max() < 1.0
    axis, values, meta = read_spectrum(FORMATS_DIR / "oceanoptics" / "tsunami.scope")
    assert len(axis) == 2048 and (axis[0], axis[-1]) == (339.95, 1013.55)  # WrightTools
    assert meta["x_kind"] == "wavelength" and meta["instrument"] == "USB2E2859"
    axis, values, meta = read_spectrum(FORMATS_DIR / "labspec_txt" / "LiNbWO6-0-H.txt")
    assert len(axis) == 1024 and meta["laser_wavelength_nm"] == 532.0
    assert meta["x_kind"] == "raman_shift" and meta["acquired"] == "2019-06-21T15:08:06"
    data = read_spectra([FORMATS_DIR / "labspec_txt" / "lasertest1.txt"])
    assert len(data.spectra) == 3 and all(len(a) == 1024 for a, _ in data.spectra)


# -- large folders: errors, parallel reading, progress ------------------------------
def _folder(tmp_path, n_good=4, bad=("broken.txt",)):
    for i in range(n_good):
        cls = tmp_path / ("a" if i % 2 else "b")
        cls.mkdir(exist_ok=True)
        (cls / f"s{i}.csv").write_text(f"x,y\n100,{i}\n200,{i + 1}\n300,{i + 2}\n")
    for name in bad:
        (tmp_path / "a" / name).write_text("x,y\n100,1\n200,oops\n")
    return tmp_path


def test_on_error_raises_warns_or_skips_and_lists_every_skipped_file(tmp_path):
    root = _folder(tmp_path)
    with pytest.raises(SpectrumFileError, match=r"broken.txt, line 3"):
        read_spectra(root)
    with pytest.warns(SpectrumFileWarning, match="1 of 5 files skipped"):
        data = read_spectra(root, on_error="warn")
    assert len(data.spectra) == 4
    assert [Path(p).name for p, _ in data.skipped] == ["broken.txt"]
    assert "line 3" in data.skipped[0][1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet = read_spectra(root, on_error="skip")
    assert quiet.skipped == data.skipped
    assert read_spectra(root / "b", label_from=lambda p: "b").skipped == []
    with pytest.raises(ValueError, match="on_error must be"):
        read_spectra(root, on_error="ignore")


def test_nothing_readable_raises_and_a_missing_reader_is_never_skipped(
    tmp_path, monkeypatch
):
    (tmp_path / "x.txt").write_text("not a spectrum\n")
    with pytest.raises(SpectrumFileError, match="none of the 1 files"):
        read_spectra(tmp_path, on_error="skip")
    (tmp_path / "m.wdf").write_bytes(b"WDF1" + bytes(60))
    monkeypatch.setitem(sys.modules, "wdf", None)
    with pytest.raises(ImportError, match="renishaw-wdf"):
        read_spectra(tmp_path, on_error="skip")


def test_parallel_reading_gives_the_same_result_with_a_progress_bar(tmp_path, capsys):
    root = _folder(tmp_path, n_good=12, bad=())
    serial = read_spectra(root)
    parallel = read_spectra(root, n_jobs=2, progress=True)
    assert "12/12" in capsys.readouterr().err  # tqdm's bar, on stderr
    np.testing.assert_array_equal(serial.y, parallel.y)
    np.testing.assert_array_equal(serial.filenames, parallel.filenames)
    for (a1, v1), (a2, v2) in zip(serial.spectra, parallel.spectra):
        np.testing.assert_array_equal(a1, a2)
        np.testing.assert_array_equal(v1, v2)


MMPSD = SHARED_DATA / "mmpsd"


@pytest.mark.parametrize("modality", ["FTIR", "Raman"])
def test_mmpsd_folders_read_every_file_with_its_polymer(modality):
    if not MMPSD.is_dir():
        pytest.skip(f"MMPSD not found at {MMPSD} (../shared/data)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = read_spectra(MMPSD / modality, groups_from="stem")
    labels, counts = np.unique(data.y, return_counts=True)
    assert dict(zip(labels, counts)) == {"HDPE": 26, "LDPE": 17, "PET": 39, "PP": 40}
    assert len(data.spectra) == 122 and data.skipped == []
    # the file name is the sample: PP01 is the same plastic in both modalities
    assert "PP01" in set(data.groups) and len(set(data.groups)) == 122
    if modality == "FTIR":  # some exports hold a stray third value: said, not hidden
        assert any("beyond the 2 columns" in str(w.message) for w in caught)


@pytest.mark.parametrize(
    "name", _vendor_files("labspec_txt") + _vendor_files("oceanoptics") or ["(none)"]
)
def test_text_exports_read_as_their_readme_says(name):
    path = FORMATS_DIR / name
    _need(path)
    row = _readme_rows()[name]
    data = read_spectra([path])
    match = re.search(rf"col0 {_NUMBER} → {_NUMBER}", row)
    if "multi-spectrum" not in row:  # two columns: the axis range as stored
        first, last = (float(v) for v in match.groups())
        ((axis, values),) = data.spectra
        assert (axis[0], axis[-1]) == (
            pytest.approx(first, abs=1e-3),
            pytest.approx(last, abs=1e-3),
        )
    else:  # LabSpec's multi-spectrum export: a row of shifts, one row per spectrum
        assert len(data.spectra) == 3
        assert data.spectra[0][0][0] == pytest.approx(83.7, abs=0.05)
    assert all(len(a) in (1024, 2048) for a, _ in data.spectra)
    meta = data.metadata[0]
    assert meta["x_kind"] == ("wavelength" if "oceanoptics" in name else "raman_shift")
