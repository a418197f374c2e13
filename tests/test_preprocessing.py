import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import trapezoid
from sklearn.pipeline import make_pipeline

from sklearn_raman import (
    BaselineCorrector,
    CosmicRayRemover,
    Cropper,
    MinMaxPerSpectrum,
    OnNativeAxis,
    SavitzkyGolay,
    SpectrumResampler,
    StandardNormalVariate,
    VectorNormalizer,
    make_spectra,
    persistence,
)
from sklearn_raman.preprocessing import BASELINE_METHODS, make_grid


# --- SpectrumResampler -------------------------------------------------------
def test_resample_known_line_is_exact():
    wn = np.sort(np.random.default_rng(0).uniform(100, 200, 50))
    line = 3.0 * wn - 7.0
    res = SpectrumResampler(start=110, stop=190, step=0.5).fit([(wn, line)])
    out = res.transform([(wn, line)])
    np.testing.assert_allclose(out[0], 3.0 * res.grid_ - 7.0)
    assert res.grid_[0] == 110 and res.grid_[-1] == 190 and res.grid_.size == 161


def test_resample_descending_and_duplicates():
    wn = np.array([300.0, 200.0, 200.0, 100.0])
    x = np.array([3.0, 1.0, 3.0, 1.0])  # the repeat at 200 averages to 2
    out = SpectrumResampler(grid=[100, 150, 200, 250, 300]).fit_transform([(wn, x)])
    np.testing.assert_allclose(out, [[1.0, 1.5, 2.0, 2.5, 3.0]])


def test_resample_fill_values():
    pair = [(np.array([10.0, 20.0]), np.array([1.0, 2.0]))]
    # the default fills with 0 and says how much it filled
    with pytest.warns(
        UserWarning, match=r"50.0% of X \(1 of 1 spectra\).*10 to 20"
    ) as caught:
        out = SpectrumResampler(grid=[0, 10, 20, 30]).fit_transform(pair)
    np.testing.assert_allclose(out, [[0.0, 1.0, 2.0, 0.0]])
    with pytest.warns(UserWarning, match="lies outside") as in_pipeline:
        make_pipeline(SpectrumResampler(grid=[0, 30]), MinMaxPerSpectrum()).fit(pair)
    # the warning points at the caller's line, not at scikit-learn's wrappers
    assert caught[0].filename == in_pipeline[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fill the user chose: no warning
        out = SpectrumResampler(grid=[0, 10, 20, 30], fill_value=0).fit_transform(pair)
        np.testing.assert_allclose(out, [[0.0, 1.0, 2.0, 0.0]])
        nan = SpectrumResampler(grid=[0, 10, 20, 30], fill_value=np.nan)
        np.testing.assert_array_equal(np.isnan(nan.fit_transform(pair)), [[1, 0, 0, 1]])
    out = SpectrumResampler(grid=[0, 10, 20, 30], fill_value="edge").fit_transform(pair)
    np.testing.assert_allclose(out, [[1.0, 1.0, 2.0, 2.0]])
    out = SpectrumResampler(grid=[0, 15], fill_value=-1.0).fit_transform(pair)
    np.testing.assert_allclose(out, [[-1.0, 1.5]])


def test_resample_cubic_beats_linear_on_smooth_signal():
    wn = np.linspace(0, 10, 30)
    fine = np.linspace(0, 10, 301)
    errs = {}
    for kind in ("linear", "cubic"):
        out = SpectrumResampler(grid=fine, kind=kind, wavenumbers=wn).fit_transform(
            [np.sin(wn)]
        )
        errs[kind] = np.abs(out[0] - np.sin(fine)).max()
    assert errs["cubic"] < 0.01 < errs["linear"]


def test_resample_2d_identity_default_grid_and_dtype():
    X = np.random.default_rng(0).random((4, 20)).astype(np.float32)
    res = SpectrumResampler().fit(X)
    out = res.transform(X)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, X)
    wn = np.linspace(1000, 500, 20)  # descending axis of the columns
    out = SpectrumResampler(wavenumbers=wn).fit_transform(X)
    np.testing.assert_allclose(out, X[:, ::-1], rtol=1e-6)


def test_resample_ragged_defaults_and_feature_names():
    X, _ = make_spectra(n_classes=2, n_samples_per_class=3, ragged=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the default grid needs no fill
        res = SpectrumResampler(step=2.0).fit(X)
        res.transform(X)
    # the range every spectrum covers
    assert res.grid_[0] == max(wn[0] for wn, _ in X)
    assert res.grid_[-1] <= min(wn[-1] for wn, _ in X)
    union = SpectrumResampler(step=2.0, span="union").fit(X)
    assert union.grid_[0] == min(wn[0] for wn, _ in X)
    with pytest.warns(UserWarning, match="lies outside the measured range"):
        union.transform(X)
    # a new spectrum narrower than the grid: filled, and told so
    narrow = [(X[0][0][50:-50], X[0][1][50:-50])]
    with pytest.warns(UserWarning, match=r"1 of 1 spectra.*fill_value=0 \(no warning"):
        res.transform(narrow)
    # no common range: an error naming the spectra
    apart = [(np.arange(3.0), np.ones(3)), (np.arange(10.0, 13.0), np.ones(3))]
    with pytest.raises(ValueError, match=r"no common range \(spectrum 1 starts at 10"):
        SpectrumResampler().fit(apart)
    np.testing.assert_array_equal(
        SpectrumResampler(span="union", fill_value=0).fit(apart).grid_[[0, -1]], [0, 12]
    )
    assert not hasattr(res, "n_features_in_")
    names = res.get_feature_names_out()
    assert names.size == res.grid_.size and float(names[1]) == res.grid_[1]


def test_resample_errors():
    with pytest.raises(ValueError, match="carries its own axes"):
        SpectrumResampler(wavenumbers=[1, 2]).fit([(np.arange(3.0), np.ones(3))])
    with pytest.raises(ValueError, match=r"X\[1\]: 3 wavenumbers but intensities"):
        SpectrumResampler().fit(
            [(np.arange(3.0), np.ones(3)), (np.arange(3.0), np.ones(4))]
        )
    with pytest.raises(ValueError, match=r"X\[0\] intensities hold NaN"):
        SpectrumResampler().fit([(np.arange(3.0), np.array([1, np.nan, 2]))])
    with pytest.raises(ValueError, match="wavenumbers has 3 values but X has 4"):
        SpectrumResampler(wavenumbers=[1, 2, 3]).fit(np.ones((2, 4)))
    res = SpectrumResampler(grid=[0, 1]).fit([(np.arange(3.0), np.ones(3))])
    with pytest.raises(ValueError, match="a 2D X has no axis"):
        res.transform(np.ones((2, 3)))
    with pytest.raises(ValueError, match="stop=1 is below start=2"):
        make_grid(2, 1, 1)


def test_resample_pandas_output_feeds_axis_to_next_step():
    pytest.importorskip("pandas")
    X, _ = make_spectra(n_classes=2, n_samples_per_class=3, ragged=True, random_state=0)
    pipe = make_pipeline(
        SpectrumResampler(start=400, stop=1600, step=4), Cropper(lower=800, upper=1200)
    ).set_output(transform="pandas")
    out = pipe.fit_transform(X)
    assert list(out.columns[[0, -1]]) == ["800", "1200"]
    np.testing.assert_array_equal(pipe[-1].wavenumbers_out_, np.arange(800, 1201, 4))


# --- normalisation -------------------------------------------------------------
def test_minmax_keeps_peak_positions_and_range():
    X, _ = make_spectra(n_classes=3, n_samples_per_class=5, random_state=0)
    out = MinMaxPerSpectrum().fit_transform(X)
    assert out.min() == 0.0 and out.max() == 1.0
    np.testing.assert_array_equal(out.argmax(axis=1), X.argmax(axis=1))
    np.testing.assert_allclose(out.min(axis=1), 0)
    np.testing.assert_allclose(out.max(axis=1), 1)


def test_normalisers_on_constant_spectra_give_zeros():
    X = np.array([[5.0, 5.0, 5.0], [0.0, 0.0, 0.0]])
    for est in (
        MinMaxPerSpectrum(),
        StandardNormalVariate(),
        VectorNormalizer(),
        VectorNormalizer(norm="area"),
    ):
        out = (
            est.fit_transform(X)
            if not isinstance(est, VectorNormalizer)
            else (est.fit_transform(X[1:]))
        )
        assert np.isfinite(out).all() and (out == 0).all()


def test_snv_and_vector_values():
    X = np.array([[1.0, 2.0, 3.0, 6.0]])
    snv = StandardNormalVariate().fit_transform(X)
    assert snv.mean() == pytest.approx(0) and snv.std() == pytest.approx(1)
    l2 = VectorNormalizer().fit_transform(X)
    assert np.linalg.norm(l2) == pytest.approx(1)
    area = VectorNormalizer(norm="area", wavenumbers=[0, 2, 4, 6]).fit_transform(X)
    assert trapezoid(area[0], [0, 2, 4, 6]) == pytest.approx(1)


def test_area_normalisation_without_numpy_2(monkeypatch):
    # np.trapezoid exists from numpy 2.0 on; the package declares numpy >= 1.24
    monkeypatch.delattr(np, "trapezoid", raising=False)
    X = np.array([[1.0, 2.0, 3.0, 6.0]])
    area = VectorNormalizer(norm="area", wavenumbers=[0, 2, 4, 6]).fit_transform(X)
    assert trapezoid(area[0], [0, 2, 4, 6]) == pytest.approx(1)


def test_transformers_do_not_modify_input():
    X, _ = make_spectra(n_classes=2, n_samples_per_class=4, random_state=0)
    X[0, 100] += 50  # a spike for the remover to act on
    before = X.copy()
    for est in (
        MinMaxPerSpectrum(),
        StandardNormalVariate(),
        VectorNormalizer(),
        Cropper(lower=10),
        SavitzkyGolay(),
        BaselineCorrector(),
        CosmicRayRemover(),
        SpectrumResampler(step=0.5),
    ):
        est.fit_transform(X)
        np.testing.assert_array_equal(X, before)


# --- cropping and smoothing ---------------------------------------------------
def test_cropper_descending_axis():
    wn = np.array([500.0, 400.0, 300.0, 200.0])
    out = Cropper(lower=250, upper=450, wavenumbers=wn).fit_transform([[1, 2, 3, 4]])
    np.testing.assert_array_equal(out, [[2, 3]])
    with pytest.raises(ValueError, match="no point of the axis"):
        Cropper(lower=600, wavenumbers=wn).fit([[1, 2, 3, 4]])
    with pytest.raises(ValueError, match="is above upper"):
        Cropper(lower=5, upper=1).fit([[1, 2, 3, 4]])


def test_savgol_derivative_uses_axis_spacing():
    wn = np.linspace(100, 200, 51)  # step 2
    X = np.vstack([3 * wn, wn**2])
    d1 = SavitzkyGolay(
        window_length=7, polyorder=2, deriv=1, wavenumbers=wn
    ).fit_transform(X)
    np.testing.assert_allclose(d1[0], 3.0, atol=1e-9)
    np.testing.assert_allclose(d1[1], 2 * wn, rtol=1e-6)
    # descending axis: the derivative is still with respect to the wavenumber
    d1_desc = SavitzkyGolay(
        window_length=7, polyorder=2, deriv=1, wavenumbers=wn[::-1]
    ).fit_transform(X[:, ::-1])
    np.testing.assert_allclose(d1_desc[1], 2 * wn[::-1], rtol=1e-6)


def test_savgol_smooths_noise_and_checks_window():
    x = np.linspace(0, 4 * np.pi, 500)
    noisy = np.sin(x) + np.random.default_rng(0).normal(0, 0.1, x.size)
    out = SavitzkyGolay(window_length=21, polyorder=3).fit_transform([noisy])
    assert np.std(out[0] - np.sin(x)) < 0.5 * np.std(noisy - np.sin(x))
    with pytest.raises(ValueError, match="must be odd"):
        SavitzkyGolay(window_length=10).fit([noisy])
    with pytest.raises(ValueError, match="polyorder=5 must be below"):
        SavitzkyGolay(window_length=5, polyorder=5).fit([noisy])
    with pytest.raises(ValueError, match="longer than the spectra"):
        SavitzkyGolay(window_length=11).fit([[1.0, 2.0, 3.0]])
    with pytest.warns(UserWarning, match="not uniformly spaced"):
        SavitzkyGolay(window_length=3, polyorder=1, wavenumbers=[0, 1, 3, 7]).fit(
            [[1.0, 2.0, 3.0, 4.0]]
        )


# --- baseline -----------------------------------------------------------------
def test_known_polynomial_baseline_removed():
    wn = np.linspace(200, 1800, 800)
    peaks, _ = make_spectra(
        n_classes=1,
        n_samples_per_class=3,
        n_points=800,
        baseline=None,
        snr_db=None,
        random_state=0,
    )
    t = (wn - 1000) / 800
    baseline = 2.0 + 1.5 * t - 0.8 * t**2 + 0.6 * t**3
    corrected = BaselineCorrector(
        method="imodpoly", method_params={"poly_order": 3}, wavenumbers=wn
    ).fit_transform(peaks + baseline)
    residual = np.abs(corrected - peaks).max(axis=1) / peaks.max(axis=1)
    assert residual.max() < 0.01


@pytest.mark.parametrize("method", BASELINE_METHODS)
def test_every_baseline_method_removes_a_slope(method):
    wn = np.linspace(0, 1000, 500)
    x = np.exp(-0.5 * ((wn - 500) / 8) ** 2) + 1.0 + 0.002 * wn
    params = {"snip": {"max_half_window": 40}}.get(method)
    out = BaselineCorrector(
        method=method, method_params=params, wavenumbers=wn
    ).fit_transform([x])[0]
    assert abs(np.median(out)) < 0.1  # background gone ...
    assert out[250] > 0.8  # ... band kept


def test_baseline_fitter_built_once_and_unknown_method():
    est = BaselineCorrector().fit(np.ones((3, 50)))
    fitter = est.baseline_fitter_
    est.transform(np.ones((3, 50)))
    assert est.baseline_fitter_ is fitter
    with pytest.raises(ValueError, match="unknown method 'nope'"):
        BaselineCorrector(method="nope").fit(np.ones((3, 50)))


def test_baseline_parallel_matches_serial():
    X, _ = make_spectra(n_classes=2, n_samples_per_class=70, random_state=0)
    serial = BaselineCorrector(method="arpls").fit_transform(X)
    parallel = BaselineCorrector(method="arpls", n_jobs=2).fit_transform(X)
    np.testing.assert_allclose(serial, parallel)


# --- cosmic rays ----------------------------------------------------------------
def test_planted_spikes_removed_and_real_peaks_kept():
    X, _ = make_spectra(
        n_classes=3,
        n_samples_per_class=10,
        n_points=1000,
        peak_width=(6, 20),
        snr_db=35,
        random_state=0,
    )
    spiked = X.copy()
    rng = np.random.default_rng(1)
    rows = np.arange(0, 30, 2)
    cols = rng.integers(50, 950, rows.size)
    spiked[rows, cols] += 3 * X.max(axis=1)[rows]
    spiked[rows[:5], cols[:5] + 1] += 2 * X.max(axis=1)[rows[:5]]  # two-point spikes
    remover = CosmicRayRemover()
    mask = remover.fit(spiked).spike_mask(spiked)
    assert mask[rows, cols].all()
    assert mask[~np.isin(np.arange(30), rows)].sum() == 0  # clean spectra untouched
    cleaned = remover.transform(spiked)
    scale = X.max(axis=1, keepdims=True)
    assert (np.abs(cleaned - X) / scale).max() < 0.1
    untouched = ~mask
    np.testing.assert_array_equal(cleaned[untouched], spiked[untouched])


def test_cosmic_ray_remover_flat_and_short_spectra():
    out = CosmicRayRemover().fit_transform(np.ones((2, 10)))
    np.testing.assert_array_equal(out, np.ones((2, 10)))
    assert CosmicRayRemover().fit_transform([[1.0, 2.0]]).shape == (1, 2)


# --- per-spectrum steps on native axes ---------------------------------------
def _raw_pairs():
    """Three spectra of one band on ragged axes, on sloped backgrounds."""
    axes = [np.linspace(100, 900, 401), np.linspace(300, 1500, 601)]
    axes.append(axes[0].copy())  # a second spectrum on the first axis
    spectra = []
    for k, x in enumerate(axes):
        band = np.exp(-(((x - 600) / 8) ** 2))
        spectra.append((x, band + (1 + k) * (0.5 + x / 1000)))
    return spectra


def test_on_native_axis_corrects_each_spectrum_on_its_own_axis(tmp_path):
    spectra = _raw_pairs()
    baseline = BaselineCorrector(method="modpoly", method_params={"poly_order": 1})
    native = OnNativeAxis(baseline)
    out = native.fit_transform(spectra)
    assert [a is b for (a, _), (b, _) in zip(out, spectra)] == [True] * 3
    for (x, v), (_, raw) in zip(out, spectra):
        band = np.exp(-(((x - 600) / 8) ** 2))
        np.testing.assert_allclose(v, band, atol=0.02)
        assert not np.shares_memory(v, raw)
    # the same as one corrector per spectrum: grouping by axis changes nothing
    for (x, v), (_, raw) in zip(out, spectra):
        one = BaselineCorrector(
            method="modpoly", method_params={"poly_order": 1}, wavenumbers=x
        )
        np.testing.assert_allclose(v, one.fit_transform(raw[None])[0])
    # before resampling it sees no filled ends; after, it fits the step
    union = SpectrumResampler(span="union", step=4, fill_value=0)
    first = make_pipeline(native, union, MinMaxPerSpectrum()).fit_transform(spectra)
    after = make_pipeline(
        union, BaselineCorrector(method="modpoly", method_params={"poly_order": 1})
    ).fit_transform(spectra)
    grid = np.arange(100, 1501, 4.0)
    inside = (grid >= 320) & (grid <= 880)
    truth = np.exp(-(((grid - 600) / 8) ** 2))
    assert np.abs(first[:, inside] - truth[inside]).max() < 0.05
    assert np.abs(after[:, inside] - truth[inside]).max() > 0.2
    # a pipeline's nested wavenumbers are set too (the derivative's step: 2)
    sg = SavitzkyGolay(window_length=9, polyorder=2, deriv=1)
    chain = OnNativeAxis(make_pipeline(baseline, sg))
    for (x, a), (_, b) in zip(chain.fit_transform(spectra), out):
        direct = sg.set_params(wavenumbers=x).fit_transform(b[None])[0]
        np.testing.assert_allclose(a, direct, atol=1e-9)
    # skops round trip
    model = make_pipeline(native, SpectrumResampler(step=4))
    model.fit(spectra)
    persistence.dump(model, tmp_path / "model.skops")
    loaded = persistence.load(tmp_path / "model.skops")
    np.testing.assert_array_equal(loaded.transform(spectra), model.transform(spectra))


def test_on_native_axis_errors_and_2d():
    spectra = _raw_pairs()
    with pytest.raises(ValueError, match="only a transformer that keeps every point"):
        OnNativeAxis(Cropper(lower=400, upper=800)).fit_transform(spectra)
    fitted = OnNativeAxis(MinMaxPerSpectrum()).fit(spectra)
    with pytest.raises(ValueError, match="pass pairs to transform too"):
        fitted.transform(np.ones((2, 5)))
    X = np.random.default_rng(0).random((3, 12))
    flat = OnNativeAxis(MinMaxPerSpectrum()).fit(X)
    np.testing.assert_allclose(flat.transform(X), MinMaxPerSpectrum().fit_transform(X))
    assert flat.transformer_ is not flat.transformer


def test_native_baseline_brings_rruff_raw_files_to_their_processed_pairs():
    # real raw files, the CLI's --baseline arpls on native axes: each comes
    # close to RRUFF's own processed file of the same measurement
    from conftest import RRUFF_RAW

    from sklearn_raman import read_spectra
    from sklearn_raman.preprocessing import native_steps

    if not RRUFF_RAW.is_dir():
        pytest.skip(f"rruff_raw not found at {RRUFF_RAW} (../shared/data)")
    raw = read_spectra(RRUFF_RAW, label_from="rruff_name", pattern="*_RAW__*")
    done = read_spectra(RRUFF_RAW, label_from="rruff_name", pattern="*_Processed__*")

    def key(path):
        return Path(path).name.split("__Raman_Data_")[0]

    processed = dict(zip(map(key, done.filenames), done.spectra))
    corrected = native_steps("arpls")[0].fit_transform(raw.spectra)

    def cosine(a, b):
        grid = np.arange(max(a[0][0], b[0][0]), min(a[0][-1], b[0][-1]), 2.0)
        x, z = np.interp(grid, *a), np.interp(grid, *b)
        return x @ z / np.linalg.norm(x) / np.linalg.norm(z)

    pairs = [processed[key(f)] for f in raw.filenames]
    before = np.array([cosine(s, p) for s, p in zip(raw.spectra, pairs)])
    after = np.array([cosine(s, p) for s, p in zip(corrected, pairs)])
    assert len(after) == 192 and np.median(before) < 0.7
    assert np.median(after) > 0.98 and np.mean(after > before) > 0.95
