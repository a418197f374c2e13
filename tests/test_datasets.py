import re
from pathlib import Path

import numpy as np
import pytest

from sklearn_raman import (
    MinMaxPerSpectrum,
    SpectrumResampler,
    load_rruff_sang2021,
    make_spectra,
    read_spectra,
    read_spectrum,
    rruff_sample_id,
)
from sklearn_raman.datasets import SpectrumFileError, read_table
from sklearn_raman.datasets._text import SpectrumFileWarning

RRUFF_TEXT = """##NAMES=Albite
##RRUFFID=R040068
##LOCALITY=Somewhere
##ORIENTATION=Laser parallel to b* (0 1 0).
 Fiducial mark perpendicular to laser is parallel to c [0 0 1]
##RAMAN WAVELENGTH=532

100.5, 1.0
101.5, 2.5
102.5, 2.0
##END=


"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_read_rruff_native_with_wrapped_header(tmp_path):
    wn, x, meta = read_spectrum(write(tmp_path, "a.txt", RRUFF_TEXT))
    np.testing.assert_allclose(wn, [100.5, 101.5, 102.5])
    np.testing.assert_allclose(x, [1.0, 2.5, 2.0])
    assert meta["NAMES"] == "Albite"
    assert meta["RAMAN WAVELENGTH"] == "532"
    assert meta["ORIENTATION"].endswith("parallel to c [0 0 1]")
    assert meta["ORIENTATION"].startswith("Laser parallel to b*")


@pytest.mark.parametrize(
    "text",
    [
        "wavenumber,intensity\n100,1\n200,2\n300,4\n",
        "100\t1\n200\t2\n300\t4\n",
        "100 1\n200   2\n300 4\n",
        "# exported by some software\nx;y\n100;1\n200;2\n300;4\n",
        "300, 4\n200, 2\n100, 1\n",  # descending axis
        "wn;int\n100,0;1,0\n200,0;2,0\n300,0;4,0\n",  # decimal commas
        "100,0\t1\n200,0\t2\n300,0\t4,0\n",  # tabs and decimal commas
        "100,0 1\n200 2,0\n300 4\n",  # whitespace and decimal commas
        "100;1\n200;2;\n300;4\n",  # a trailing delimiter
        "\ufeffRaman shift (cm-1),Intensity\r\n100,1\r\n200,2\r\n300,4\r\n",
    ],
)
def test_read_two_column_variants(tmp_path, text):
    wn, x, _ = read_spectrum(write(tmp_path, "s.csv", text))
    np.testing.assert_allclose(wn, [100, 200, 300])
    np.testing.assert_allclose(x, [1, 2, 4])


def test_header_row_is_kept_in_metadata(tmp_path):
    _, _, meta = read_spectrum(write(tmp_path, "s.csv", "shift,counts\n1,2\n3,4\n"))
    assert meta["columns"] == ["shift", "counts"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("100,1\n200,2\nhello world\n300,3\n", "line 3"),
        ("x,y\n100,1\n200,oops\n", "line 3"),
        ("100\n200\n", "line 1: expected two numbers"),
        ("100,1\n200,nan\n", "line 2: NaN or inf"),
        ("", "no data rows"),
        ("##NAMES=x\n##END=\n", "no data rows"),
        ("a,b\nc,d\n", "line 2: not a data row"),
        # a European export where a point sneaks in: which is the decimal mark?
        ("100,5;1,25\n101.5;2,5\n", "line 2: decimal points and decimal commas"),
        ("x;y\n100;1\n200;2;3;4\n300;4\n", "line 3: 4 fields where the data"),
        ("100,1,9\n200,2\n300,4,9\n", "line 2: 2 fields where the data block"),
        ("ID,Name,400,401,402\n1,PE,1,2\n", "line 2: 4 fields where the header"),
        ("ID,Name,400,401,402\n1,PE,1,2,x\n", r"line 2: field 5 \('402'"),
        ("wn,1,2,3\n400.5,1,2,3\n401.5,1,2,3\n402.5,1,2,3\n", "ambiguous table"),
        ("##JCAMP-DX=4.24\n##XYDATA=(X++(Y..Y))\n400 1 2 3\n", "JCAMP-DX"),
    ],
)
def test_bad_files_name_file_and_line(tmp_path, text, fragment):
    path = write(tmp_path, "bad.txt", text)
    with pytest.raises(SpectrumFileError, match=fragment) as info:
        read_spectrum(path)
    assert "bad.txt" in str(info.value)


def test_decimal_commas_are_numbers_not_delimiters(tmp_path):
    # main read "100,5;1,25" as wavenumber 100, intensity 5
    path = write(tmp_path, "eu.csv", "Raman shift;Intensity\n100,5;1,25\n101,5;2,5\n")
    wn, x, meta = read_spectrum(path)
    np.testing.assert_allclose(wn, [100.5, 101.5])
    np.testing.assert_allclose(x, [1.25, 2.5])
    assert meta["columns"] == ["Raman shift", "Intensity"]


def test_a_stray_value_beyond_the_columns_warns(tmp_path):
    # as in MMPSD's FTIR exports: a third value on the first row only
    rows = [f"{400 + i}.0,{i}.0," for i in range(200)]
    rows[0] += "85.7"
    path = write(tmp_path, "PP01.CSV", "\n".join(rows))
    with pytest.warns(SpectrumFileWarning, match="PP01.CSV, line 1: a row holds"):
        wn, x, _ = read_spectrum(path)
    np.testing.assert_allclose(x, np.arange(200))
    # more than 1 % of the rows: not a stray value, an inconsistent table
    rows[1] += "1.0"
    rows[2] += "2.0"
    path.write_text("\n".join(rows))
    with pytest.raises(SpectrumFileError, match="line 1: 3 fields where the data"):
        read_spectrum(path)


WIDE = {
    "semicolon_decimal_comma.csv": (
        "WN;PS;PA;PC;PE\n400;0,1;0,5;1,0;2,5\n402;0,2;0,4;1,5;2,0\n"
        "404;0,3;0,2;2,0;1,5\n"
    ),
    "comma.csv": (
        "WN,PS,PA,PC,PE\n400,0.1,0.5,1,2.5\n402,0.2,0.4,1.5,2\n404,0.3,0.2,2,1.5\n"
    ),
    "tab_descending.txt": (
        "wavenumber\tPS\tPA\tPC\tPE\n404\t0.3\t0.2\t2\t1.5\n"
        "402\t0.2\t0.4\t1.5\t2\n400\t0.1\t0.5\t1\t2.5\n"
    ),
    "rows.csv": (
        "ID,Substance,Cluster,400,402,404\n7,PS,1,0.1,0.2,0.3\n8,PA,2,0.5,0.4,0.2\n"
        "9,PC,3,1,1.5,2\n10,PE,4,2.5,2,1.5\n"
    ),
    "rows_semicolon.csv": (
        "Substance;400;402;404\nPS;0,1;0,2;0,3\nPA;0,5;0,4;0,2\nPC;1;1,5;2\n"
        "PE;2,5;2;1,5\n"
    ),
    "labspec_rows.txt": (  # header row of wavenumbers after an empty cell
        "#Laser (nm)=\t532\n\t400\t402\t404\n1\t0.1\t0.2\t0.3\n2\t0.5\t0.4\t0.2\n"
        "3\t1\t1.5\t2\n4\t2.5\t2\t1.5\n"
    ),
}
WIDE_X = np.array([[0.1, 0.2, 0.3], [0.5, 0.4, 0.2], [1, 1.5, 2], [2.5, 2, 1.5]])


@pytest.mark.parametrize("name", WIDE)
def test_wide_tables_give_every_spectrum(tmp_path, name):
    path = write(tmp_path, name, WIDE[name])
    data = read_table(path)
    np.testing.assert_allclose(data.wavenumbers, [400, 402, 404])
    np.testing.assert_allclose(data.X, WIDE_X)
    labels = (
        ["1", "2", "3", "4"] if name == "labspec_rows.txt" else ["PS", "PA", "PC", "PE"]
    )
    assert data.y.tolist() == labels
    assert len(set(data.groups)) == 4 and all(g.startswith(name) for g in data.groups)
    # read_spectra gives the same spectra, labelled by the table
    spectra = read_spectra(path)
    assert spectra.y.tolist() == labels and len(spectra.spectra) == 4
    for (wn, x), row in zip(spectra.spectra, WIDE_X):
        np.testing.assert_allclose(wn, [400, 402, 404])
        np.testing.assert_allclose(x, row)
    # read_spectrum refuses to pick one silently, and says how to read them
    with pytest.raises(SpectrumFileError, match=r"holds 4 spectra.*read_table"):
        read_spectrum(path)
    wn, x, meta = read_spectrum(path, spectrum=labels[2])
    np.testing.assert_allclose(x, WIDE_X[2])
    assert meta["name"] == labels[2]


def test_row_tables_keep_their_label_fields(tmp_path):
    path = write(tmp_path, "rows.csv", WIDE["rows.csv"])
    data = read_table(path)
    assert data.layout == "rows"
    assert [m["ID"] for m in data.metadata] == ["7", "8", "9", "10"]
    assert read_table(path, label_column="Cluster").y.tolist() == ["1", "2", "3", "4"]
    assert read_spectra(path, label_column="Cluster").y.tolist() == ["1", "2", "3", "4"]
    assert read_spectra(path, label_from="folder").y.tolist() == [tmp_path.name] * 4
    with pytest.raises(ValueError, match="no label field 'Polymer'"):
        read_table(path, label_column="Polymer")
    with pytest.raises(ValueError, match="holds no spectrum 'PET'"):
        read_spectrum(path, spectrum="PET")
    # an ambiguous table is read once the layout is given
    amb = write(
        tmp_path, "amb.csv", "wn,1,2,3\n400.5,1,2,3\n401.5,1,2,4\n402.5,1,2,5\n"
    )
    cols = read_table(amb, layout="columns")
    assert cols.X.shape == (3, 3) and cols.y.tolist() == ["1", "2", "3"]
    rows = read_table(amb, layout="rows")
    assert rows.X.shape == (3, 3) and rows.wavenumbers.tolist() == [1, 2, 3]


def test_primpke_library_rows(tmp_path):
    from conftest import SHARED_DATA

    path = SHARED_DATA / "primpke2018" / "primpke2018esm5.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found (../shared/data)")
    data = read_spectra(path)
    assert len(data.spectra) == 270
    assert {len(wn) for wn, _ in data.spectra} == {1176}
    wn = data.spectra[0][0]
    assert wn[0] == 1250 and wn[-1] == 3600 and np.all(np.diff(wn) == 2)
    assert data.y[0] == "1_2_polybutadiene" and len(set(data.y)) == 176
    assert data.metadata[0]["Cluster Autoanalysis"] == "26"
    clusters = read_spectra(path, label_column="Cluster Autoanalysis").y
    assert len(set(clusters)) == 32
    table = read_table(path)
    assert table.X.shape == (270, 1176) and np.isfinite(table.X).all()
    # the first value of the first spectrum, at 3600 cm-1 (last after sorting)
    assert table.X[0, -1] == pytest.approx(-8.97e-05)


def test_multi_spectrum_text_files_in_shared_data(tmp_path):
    from conftest import SHARED_DATA

    lasertest = SHARED_DATA / "formats" / "labspec_txt" / "lasertest1.txt"
    nir = (
        SHARED_DATA
        / "formats"
        / "spc"
        / "rohanisaac_spc"
        / "txt2_expected"
        / "nir.spc.txt"
    )
    if not lasertest.is_file():
        pytest.skip(f"{lasertest} not found (../shared/data)")
    # main read these as one spectrum each (lasertest1: 4 points)
    for path in (lasertest, nir):
        with pytest.raises(SpectrumFileError, match="spectra"):
            read_spectrum(path)
    lab = read_table(lasertest)
    assert lab.X.shape == (3, 1024) and lab.wavenumbers[0] == pytest.approx(83.7234)
    assert read_table(nir).X.shape == (20, 700)


def test_missing_file():
    with pytest.raises(FileNotFoundError, match="no such spectrum file"):
        read_spectrum("/nonexistent/file.txt")


def test_read_spectra_folder_labels_and_groups(tmp_path):
    for cls in ("calcite", "quartz"):
        (tmp_path / cls).mkdir()
        for i in range(2):
            write(tmp_path / cls, f"{cls}{i}.txt", f"100,{i}\n200,1\n300,2\n")
    data = read_spectra(tmp_path)
    assert data.y.tolist() == ["calcite", "calcite", "quartz", "quartz"]
    assert len(data.spectra) == 4 and len(data.metadata) == 4
    assert data.groups.tolist() == data.filenames.tolist()  # one sample per file
    custom = read_spectra(
        sorted(tmp_path.rglob("*.txt")), label_from=lambda p: p.stem[-1]
    )
    assert custom.y.tolist() == ["0", "1", "0", "1"]


def test_read_spectra_rruff_name(tmp_path):
    name = "Albite__R040068-1__Raman__532__0__unoriented__Raman_Data_Processed__1.txt"
    write(tmp_path, name, RRUFF_TEXT)
    data = read_spectra(tmp_path, label_from="rruff_name")
    assert data.y.tolist() == ["Albite"]
    assert data.groups.tolist() == ["R040068"]


def test_read_spectra_groups_never_join_files_without_a_sample_id(tmp_path):
    # "material__color__n" names: 16 items of one colour are 16 samples
    (tmp_path / "PE").mkdir()
    for i in range(3):
        write(tmp_path / "PE", f"PE__blue__{i}.txt", "100,1\n200,2\n300,1\n")
    write(tmp_path / "PE", "PE__R040068-1__a.txt", "100,1\n200,2\n300,1\n")
    write(tmp_path / "PE", "PE__R040068-2__b.txt", "100,1\n200,2\n300,1\n")
    data = read_spectra(tmp_path)
    by_file = dict(zip((Path(f).name for f in data.filenames), data.groups))
    assert len({by_file[f"PE__blue__{i}.txt"] for i in range(3)}) == 3
    assert (
        by_file["PE__R040068-1__a.txt"] == by_file["PE__R040068-2__b.txt"] == "R040068"
    )
    # groups_from: one id per file by rule, pattern or callable
    assert set(read_spectra(tmp_path, groups_from="file").groups) == set(data.filenames)
    stems = read_spectra(tmp_path, groups_from="stem").groups
    assert sorted(stems) == sorted(Path(f).stem for f in data.filenames)
    colour = read_spectra(tmp_path, groups_from=r"^PE__([a-zR0-9]+)").groups
    assert sorted(set(colour)) == ["R040068", "blue"]
    compiled = read_spectra(tmp_path, groups_from=re.compile(r"__(\w)"))
    assert sorted(set(compiled.groups)) == ["R", "b"]
    assert set(read_spectra(tmp_path, groups_from=lambda p: p.suffix).groups) == {
        ".txt"
    }
    with pytest.raises(ValueError, match=r"PE__R040068-1__a.txt: groups_from='blue'"):
        read_spectra(tmp_path, groups_from="blue")
    # a pattern that misses is the caller's error, never a file to skip
    with pytest.raises(ValueError, match="groups_from='blue' does not match"):
        read_spectra(tmp_path, groups_from="blue", on_error="skip")
    with pytest.raises(ValueError, match="neither one of"):
        read_spectra(tmp_path, groups_from="(")
    with pytest.raises(TypeError, match="groups_from must be"):
        read_spectra(tmp_path, groups_from=3)


@pytest.mark.parametrize("label_from", ["auto", "folder"])
def test_read_spectra_refuses_to_label_a_flat_folder_by_its_name(tmp_path, label_from):
    for name in ("PE_1.txt", "PP_1.txt"):
        write(tmp_path, name, "100,1\n200,2\n300,1\n")
    with pytest.raises(ValueError, match=r"2 of the 2 files in .* lie directly in it"):
        read_spectra(tmp_path, label_from=label_from)
    # a stray file beside the class folders is refused too
    (tmp_path / "PE").mkdir()
    write(tmp_path / "PE", "PE_2.txt", "100,1\n200,2\n300,1\n")
    with pytest.raises(ValueError, match=r"2 of the 3 files.*subfolder"):
        read_spectra(tmp_path, label_from=label_from)
    # the fixes the message names work
    named = read_spectra(tmp_path, label_from=lambda p: p.stem.split("_")[0])
    assert sorted(named.y) == ["PE", "PE", "PP"]
    # files named one by one keep their folder's name: the user's choice
    listed = read_spectra(sorted(tmp_path.glob("*.txt")), label_from=label_from)
    assert set(listed.y) == {tmp_path.name}


def test_read_spectra_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no files matching"):
        read_spectra(tmp_path)
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        read_spectra(tmp_path / "missing")
    write(tmp_path, "a.txt", "1,2\n3,4\n")
    with pytest.raises(ValueError, match="label_from must be"):
        read_spectra(tmp_path, label_from="nope")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "Actinolite__R040063-4__Raman__514__0__ccw__Raman_Data_Processed__1.txt",
            "R040063",
        ),
        ("Abhurite__R060227__Raman__532__0__unoriented__x__3.txt", "R060227"),
        ("Amblygonite__X050012.3__Raman__785__0__unoriented__x__6450.txt", "X050012"),
        (
            "Miargyrite__altered__Raman__532__0__unoriented__x__7114.txt",
            "Miargyrite__altered",
        ),
        ("/some/dir/plain_spectrum.csv", "plain_spectrum"),
    ],
)
def test_rruff_sample_id(name, expected):
    assert rruff_sample_id(name) == expected


def test_all_rruff_raw_files(rruff_raw):
    data = read_spectra(rruff_raw, label_from="rruff_name")
    assert len(data.spectra) == 384
    assert sorted(set(data.y)) == [
        "Actinolite",
        "Adamite",
        "Aegirine",
        "Aenigmatite",
        "Akermanite",
        "Albite",
    ]
    for path, group, meta in zip(data.filenames, data.groups, data.metadata):
        assert group == meta["RRUFFID"] == rruff_sample_id(path)
    for wn, x in data.spectra:
        assert wn.size > 100 and np.all(np.diff(wn) >= 0) and np.isfinite(x).all()
    wrapped = [m for m in data.metadata if "Fiducial" in m.get("PIN_ID", "")]
    assert len(wrapped) == 36  # header values wrapped onto a line without ##

    grid_x = MinMaxPerSpectrum().fit_transform(
        # the papers' grid: zero outside each spectrum, as Sang et al. fill
        SpectrumResampler(start=30, stop=1599, step=1, fill_value=0).fit_transform(
            data.spectra
        )
    )
    assert grid_x.shape == (384, 1570)
    assert np.isfinite(grid_x).all()
    assert grid_x.min() == 0.0 and grid_x.max() == 1.0


def test_load_rruff_sang2021(rruff_npz):
    d1 = load_rruff_sang2021(rruff_npz, subset=1)
    assert d1.X.shape == (5292, 1570) and d1.X.dtype == np.float32
    assert len(set(d1.y)) == 192
    assert d1.wavenumbers[0] == 30 and d1.wavenumbers[-1] == 1599
    assert d1.groups[0] == rruff_sample_id(d1.filenames[0])
    d2 = load_rruff_sang2021(rruff_npz, subset=2)
    assert d2.X.shape == (8578, 1570) and len(set(d2.y)) == 1332
    assert not any(g.startswith("R") and "-" in g for g in d2.groups)


def test_load_rruff_sang2021_integer_mask(tmp_path):
    # an in_dataset_1 saved as 0/1 integers must select rows, not index rows 0 and 1
    path = tmp_path / "rruff.npz"
    np.savez(
        path,
        X=np.arange(12, dtype=np.float32).reshape(4, 3),
        wavenumbers=np.array([30.0, 31.0, 32.0]),
        y=np.array(["a", "b", "c", "d"]),
        filename=np.array([f"M__R0{i}0000__x.txt" for i in range(4)]),
        in_dataset_1=np.array([1, 0, 1, 0]),
    )
    d1 = load_rruff_sang2021(path, subset=1)
    assert d1.y.tolist() == ["a", "c"]
    np.testing.assert_array_equal(d1.X, [[0, 1, 2], [6, 7, 8]])


def test_load_rruff_sang2021_errors(tmp_path):
    with pytest.raises(ValueError, match="subset must be 1 or 2"):
        load_rruff_sang2021(tmp_path / "x.npz", subset=3)
    with pytest.raises(FileNotFoundError, match="downloads nothing"):
        load_rruff_sang2021(tmp_path / "x.npz")
    np.savez(tmp_path / "bad.npz", X=np.zeros((2, 3)))
    with pytest.raises(KeyError, match="lacks the arrays"):
        load_rruff_sang2021(tmp_path / "bad.npz")


def test_make_spectra_shapes_and_reproducibility():
    X, y, wn = make_spectra(
        n_classes=4,
        n_samples_per_class=6,
        n_points=300,
        return_wavenumbers=True,
        random_state=1,
    )
    assert X.shape == (24, 300) and wn.shape == (300,)
    assert np.bincount(y).tolist() == [6, 6, 6, 6]
    X2, y2 = make_spectra(
        n_classes=4, n_samples_per_class=6, n_points=300, random_state=1
    )
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make_spectra(
        n_classes=4, n_samples_per_class=6, n_points=300, random_state=2
    )
    assert not np.allclose(X, X3)


def test_make_spectra_imbalance():
    _, y = make_spectra(n_classes=2, n_samples_per_class=[30, 3], random_state=0)
    assert np.bincount(y).tolist() == [30, 3]
    _, y = make_spectra(
        n_classes=3, n_samples_per_class=20, weights=[0.5, 0.3, 0.2], random_state=0
    )
    assert np.bincount(y).tolist() == [30, 18, 12]


#: 200 copies of one spectrum, differing by noise only
ONE_SHAPE = dict(
    n_classes=1,
    n_samples_per_class=200,
    n_points=400,
    shift=0.0,
    amplitude_jitter=0.0,
    scale=(1, 1),
    random_state=0,
    shuffle=False,
)


def test_one_snr_definition_everywhere():
    # SNR = 20 log10(intensity range / noise std), with a background too: main's
    # make_spectra took the strongest band instead of the range
    import torch

    from sklearn_raman.augmentation import noise_sigma
    from sklearn_raman.nn import SpectrumAugment
    from sklearn_raman.robustness import add_noise

    kw = dict(ONE_SHAPE, baseline="linear", baseline_amplitude=2.0)
    clean, _ = make_spectra(snr_db=None, **kw)
    noisy, _ = make_spectra(snr_db=20.0, **kw)
    span = np.ptp(clean, axis=1, keepdims=True)
    assert np.std((noisy - clean) / span) == pytest.approx(0.1, rel=0.05)
    added = add_noise(clean, 20.0, random_state=0) - clean
    assert np.std(added / span) == pytest.approx(0.1, rel=0.05)
    np.testing.assert_allclose(noise_sigma(clean, 20.0), span / 10)
    aug = SpectrumAugment(shift=0, scale=None, snr_db=20.0).train()
    x = torch.tensor(clean)
    assert float(((aug(x) - x) / torch.tensor(span)).std()) == pytest.approx(
        0.1, rel=0.05
    )


def test_make_spectra_noise_level():
    kw = dict(ONE_SHAPE, baseline=None)
    clean, _ = make_spectra(snr_db=None, **kw)
    noisy, _ = make_spectra(snr_db=20.0, **kw)
    # 20 dB: noise std is a tenth of the strongest band
    relative = (noisy - clean) / clean.max(axis=1, keepdims=True)
    assert np.std(relative) == pytest.approx(0.1, rel=0.05)
    counts, _ = make_spectra(snr_db=20.0, noise="poisson", **kw)
    assert counts.min() >= 0 and np.std(counts - clean) > 0.01


def test_make_spectra_ragged_and_peaks():
    X, y = make_spectra(
        n_classes=2, n_samples_per_class=5, n_points=200, ragged=True, random_state=0
    )
    assert len(X) == 10 and y.shape == (10,)
    sizes = {wn.size for wn, _ in X}
    assert len(sizes) > 1 and all(wn.size == x.size for wn, x in X)
    assert all(200 <= wn[0] < wn[-1] <= 1800 for wn, _ in X)
    X, _ = make_spectra(
        n_classes=1,
        n_samples_per_class=3,
        peak_shape="lorentzian",
        baseline="linear",
        random_state=0,
    )
    assert np.isfinite(X).all()


def _band_centre(x, wn, lo, hi):
    """Centroid of the strongest band between lo and hi."""
    sel = (wn >= lo) & (wn <= hi)
    w = np.clip(x[..., sel], 0, None)
    return (w * wn[sel]).sum(-1) / w.sum(-1)


def test_make_spectra_shift_is_a_largest_offset():
    # one meaning of `shift` in the package: the largest offset, drawn uniformly
    kw = dict(
        n_classes=1,
        n_samples_per_class=300,
        n_points=1601,
        n_peaks=1,
        peak_width=(6, 6),
        amplitude_jitter=0,
        baseline=None,
        snr_db=None,
        random_state=0,
        return_wavenumbers=True,
    )
    X, _, wn = make_spectra(shift=0.0, **kw)
    peak = wn[X[0].argmax()]
    centre = _band_centre(X[0], wn, peak - 30, peak + 30)
    X, _, wn = make_spectra(shift=3.0, **kw)
    offsets = _band_centre(X, wn, peak - 30, peak + 30) - centre
    assert np.abs(offsets).max() <= 3.0 + 0.05
    assert np.abs(offsets).max() > 2.8 and np.std(offsets) == pytest.approx(
        3.0 / np.sqrt(3), rel=0.15
    )


def test_make_spectra_families_and_instruments():
    X, y, wn, g = make_spectra(
        n_classes=6,
        n_samples_per_class=12,
        n_points=1601,
        n_families=2,
        family_spread=5.0,
        n_instruments=3,
        instrument_shift=8.0,
        amplitude_jitter=0,
        shift=0.0,
        baseline=None,
        snr_db=None,
        return_wavenumbers=True,
        return_groups=True,
        random_state=1,
    )
    assert g.shape == y.shape and set(g) == {0, 1, 2}
    for c in range(6):  # every class is measured on every instrument
        assert set(g[y == c]) == {0, 1, 2}
    # the strongest band of a class moves with the instrument, by up to 8 cm-1
    c0 = X[(y == 0) & (g == 0)][0]
    peak = wn[c0.argmax()]
    per_instrument = [
        _band_centre(X[(y == 0) & (g == i)], wn, peak - 25, peak + 25).mean()
        for i in range(3)
    ]
    assert 0.5 < np.ptp(per_instrument) <= 16.5
    # classes of one family (0, 2, 4) look alike; classes of two families do not
    mean = [X[(y == c) & (g == 0)].mean(0) for c in range(6)]
    corr = np.corrcoef(mean)
    assert min(corr[0, 2], corr[0, 4]) > max(corr[0, 1], corr[0, 3], corr[0, 5])
    with pytest.raises(ValueError, match="n_families must be between"):
        make_spectra(n_classes=3, n_families=4)
    with pytest.raises(ValueError, match="n_instruments must be"):
        make_spectra(n_instruments=0)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"peak_shape": "triangle"}, "peak_shape"),
        ({"baseline": "wavy"}, "baseline"),
        ({"noise": "pink"}, "noise"),
        ({"wavenumber_range": (10, 5)}, "increasing"),
        ({"n_samples_per_class": [1, 2]}, "entries"),
        ({"weights": [1, -1, 1]}, "weights"),
    ],
)
def test_make_spectra_bad_arguments(kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        make_spectra(**kwargs)
