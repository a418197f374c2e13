"""Bad input, case by case: a clear exception, or the documented handling.

Each case is ``(id, call, expected)``: ``call(ctx)`` runs the package on one bad
input, ``expected`` is either ``(exception type, message fragment)`` or a
function that checks the documented result.
"""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.exceptions import NotFittedError

from sklearn_raman import (
    BaselineCorrector,
    CosmicRayRemover,
    Cropper,
    LeNet1DClassifier,
    LibrarySearchClassifier,
    MinMaxPerSpectrum,
    PaperSplit,
    SampleGroupedSplit,
    SavitzkyGolay,
    ShiftNoiseAugmenter,
    SpectrumResampler,
    StandardNormalVariate,
    make_spectra,
    read_spectra,
    read_spectrum,
)
from sklearn_raman.datasets import SpectrumFileError

N = 100
FILES = {
    "empty.txt": "",
    "garbage.txt": "100, 1.0\n101, 2.0\nhello world\n102, 3.0\n",
    "text_axis.txt": "wavenumber, intensity\nabc, 1.0\ndef, 2.0\n",
    "one_column.txt": "1.0\n2.0\n3.0\n",
    "nan_row.txt": "100, 1.0\n101, nan\n102, 3.0\n",
    "descending.txt": "102, 3.0\n101, 2.0\n100, 1.0\n",
    "duplicate.txt": "100, 1.0\n100, 3.0\n101, 2.0\n",
    "rruff_wrapped.txt": (
        "##NAMES=Quartz\n##LOCALITY=Hot Springs, Garland County,\n"
        "Arkansas, USA\n##RRUFFID=R040031\n100.5, 10\n101.5, 12\n102.5, 11\n##END=\n"
    ),
    "semicolons.csv": "shift;counts\n100;1\n101;2\n",
}


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("bad_files")
    for name, text in FILES.items():
        (root / name).write_text(text)
    (root / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (root / "empty_folder").mkdir()
    X, y = make_spectra(n_classes=3, n_samples_per_class=10, n_points=N, random_state=0)
    wn = np.linspace(200, 1800, N)
    X_nan, X_inf = X.copy(), X.copy()
    X_nan[4, 7] = np.nan
    X_inf[2, 3] = np.inf
    fitted = LeNet1DClassifier._create_test_instance(max_epochs=1).fit(X, y)
    return SimpleNamespace(
        root=root, X=X, y=y, wn=wn, X_nan=X_nan, X_inf=X_inf, fitted=fitted
    )


def _cnn():
    return LeNet1DClassifier._create_test_instance(max_epochs=1)


def _result(check):
    """Expected outcome: no exception, and ``check(result, ctx)`` holds."""
    return check


CASES = [
    # -- readers: file and line in every message --------------------------------
    (
        "file: missing",
        lambda c: read_spectrum(c.root / "missing.txt"),
        (FileNotFoundError, "no such spectrum file: .*missing.txt"),
    ),
    (
        "file: empty",
        lambda c: read_spectrum(c.root / "empty.txt"),
        (SpectrumFileError, r"empty.txt: no data rows"),
    ),
    (
        "file: text garbage in the middle",
        lambda c: read_spectrum(c.root / "garbage.txt"),
        (SpectrumFileError, r"garbage.txt, line 3: expected two numbers, got 'hello"),
    ),
    (
        "file: non-numeric axis",
        lambda c: read_spectrum(c.root / "text_axis.txt"),
        (SpectrumFileError, r"text_axis.txt, line 2: not a data row: 'abc, 1.0'"),
    ),
    (
        "file: one column",
        lambda c: read_spectrum(c.root / "one_column.txt"),
        (SpectrumFileError, r"one_column.txt, line 1: expected two numbers"),
    ),
    (
        "file: NaN in a row",
        lambda c: read_spectrum(c.root / "nan_row.txt"),
        (SpectrumFileError, r"nan_row.txt, line 2: NaN or inf"),
    ),
    (
        "file: binary",
        lambda c: read_spectrum(c.root / "binary.bin"),
        (SpectrumFileError, r"binary.bin is a binary file of no format"),
    ),
    (
        "file: descending axis is sorted",
        lambda c: read_spectrum(c.root / "descending.txt"),
        _result(
            lambda r, c: (
                np.array_equal(r[0], [100, 101, 102])
                and np.array_equal(r[1], [1, 2, 3])
            )
        ),
    ),
    (
        "file: duplicate wavenumbers kept, averaged when resampled",
        lambda c: SpectrumResampler(grid=[100, 101]).fit_transform(
            [read_spectrum(c.root / "duplicate.txt")[:2]]
        ),
        _result(lambda r, c: np.allclose(r, [[2.0, 2.0]])),
    ),
    (
        "file: RRUFF header value wrapped onto the next line",
        lambda c: read_spectrum(c.root / "rruff_wrapped.txt"),
        _result(
            lambda r, c: (
                r[2]["LOCALITY"] == "Hot Springs, Garland County, Arkansas, USA"
                and r[0].tolist() == [100.5, 101.5, 102.5]
            )
        ),
    ),
    (
        "file: semicolons and a header row",
        lambda c: read_spectrum(c.root / "semicolons.csv"),
        _result(lambda r, c: r[1].tolist() == [1.0, 2.0]),
    ),
    (
        "folder: no files",
        lambda c: read_spectra(c.root / "empty_folder"),
        (FileNotFoundError, "no files matching"),
    ),
    # -- transformers ------------------------------------------------------------
    (
        "transformer: NaN in X",
        lambda c: MinMaxPerSpectrum().fit_transform(c.X_nan),
        (ValueError, "Input X contains NaN"),
    ),
    (
        "transformer: inf in X",
        lambda c: SavitzkyGolay().fit_transform(c.X_inf),
        (ValueError, "Input X contains infinity"),
    ),
    (
        "transformer: empty X",
        lambda c: StandardNormalVariate().fit_transform(np.empty((0, N))),
        (ValueError, r"0 sample\(s\) \(shape=\(0, 100\)\)"),
    ),
    (
        "transformer: one sample",
        lambda c: BaselineCorrector().fit_transform(c.X[:1]),
        _result(lambda r, c: r.shape == (1, N) and np.isfinite(r).all()),
    ),
    (
        "transformer: wrong n_features at transform",
        lambda c: CosmicRayRemover().fit(c.X).transform(c.X[:, :50]),
        (ValueError, "X has 50 features, but CosmicRayRemover is expecting 100"),
    ),
    (
        "transformer: integer dtype is converted to float",
        lambda c: MinMaxPerSpectrum().fit_transform((c.X * 100).astype(np.int64)),
        _result(lambda r, c: r.dtype == np.float64 and r.min() == 0 and r.max() == 1),
    ),
    (
        "transformer: pandas DataFrame",
        lambda c: StandardNormalVariate().fit_transform(pd.DataFrame(c.X)),
        _result(lambda r, c: isinstance(r, np.ndarray) and r.shape == c.X.shape),
    ),
    (
        "transformer: non-numeric text",
        lambda c: MinMaxPerSpectrum().fit_transform(np.full((2, 3), "abc")),
        (ValueError, "could not convert string to float"),
    ),
    (
        "transformer: ragged rows without axes",
        lambda c: MinMaxPerSpectrum().fit_transform([c.X[0], c.X[1][:50]]),
        (ValueError, "X is ragged \\(row 0 has 100 points, row 1 has 50\\)"),
    ),
    (
        "resampler: ragged rows without axes",
        lambda c: SpectrumResampler(start=300, stop=1700, step=5).fit_transform(
            [c.X[0], c.X[1][:50]]
        ),
        (ValueError, "SpectrumResampler: X is ragged"),
    ),
    (
        "resampler: axis of another length than the intensities",
        lambda c: SpectrumResampler(grid=[300, 400]).fit_transform(
            [(c.wn, c.X[0]), (c.wn[:50], c.X[1])]
        ),
        (ValueError, r"X\[1\]: 50 wavenumbers but intensities of shape \(100,\)"),
    ),
    (
        "resampler: wavenumbers parameter of another length",
        lambda c: SpectrumResampler(grid=[300], wavenumbers=c.wn[:50]).fit(c.X),
        (ValueError, "wavenumbers has 50 values but X has 100 columns"),
    ),
    (
        "resampler: descending axis",
        lambda c: SpectrumResampler(grid=c.wn, wavenumbers=c.wn[::-1]).fit_transform(
            c.X
        ),
        _result(lambda r, c: np.allclose(r, c.X[:, ::-1])),
    ),
    (
        "resampler: non-numeric axis",
        lambda c: SpectrumResampler(grid=[300], wavenumbers=["a"] * N).fit(c.X),
        (ValueError, "wavenumbers must be numeric"),
    ),
    (
        "resampler: NaN in an axis",
        lambda c: SpectrumResampler(grid=[300]).fit(
            [(np.r_[c.wn[:-1], np.nan], c.X[0])]
        ),
        (ValueError, r"X\[0\] wavenumbers holds non-finite values .* at index 99"),
    ),
    (
        "cropper: window outside the axis",
        lambda c: Cropper(lower=5000, upper=6000, wavenumbers=c.wn).fit(c.X),
        (ValueError, r"no point of the axis \(200 .. 1800\) lies in \[5000, 6000\]"),
    ),
    # -- augmenter ---------------------------------------------------------------
    (
        "augmenter: NaN in X",
        lambda c: ShiftNoiseAugmenter(random_state=0).fit_resample(c.X_nan, c.y),
        (ValueError, "Input X contains NaN"),
    ),
    (
        "augmenter: labels of another length",
        lambda c: ShiftNoiseAugmenter().fit_resample(c.X, c.y[:-1]),
        (ValueError, r"inconsistent numbers of samples: \[30, 29\]"),
    ),
    (
        "augmenter: axis of another length",
        lambda c: ShiftNoiseAugmenter(wavenumbers=c.wn[:5]).fit_resample(c.X, c.y),
        (ValueError, "wavenumbers has 5 values but X has 100 columns"),
    ),
    (
        "augmenter: labels are kept",
        lambda c: ShiftNoiseAugmenter(random_state=0).fit_resample(c.X, c.y),
        _result(
            lambda r, c: np.array_equal(r[1][: len(c.y)], c.y) and set(r[1]) == set(c.y)
        ),
    ),
    # -- classifiers -------------------------------------------------------------
    (
        "cnn: NaN in X",
        lambda c: _cnn().fit(c.X_nan, c.y),
        (ValueError, "Input X contains NaN"),
    ),
    (
        "cnn: inf in X at predict",
        lambda c: c.fitted.predict(c.X_inf),
        (ValueError, "Input X contains infinity"),
    ),
    (
        "cnn: empty X",
        lambda c: _cnn().fit(np.empty((0, N)), []),
        (ValueError, r"0 sample\(s\)"),
    ),
    (
        "cnn: one sample",
        lambda c: _cnn().fit(c.X[:1], c.y[:1]),
        (ValueError, "needs samples of at least 2 classes; got 1 class"),
    ),
    (
        "cnn: one class",
        lambda c: _cnn().fit(c.X, np.full(len(c.X), "quartz")),
        (ValueError, r"at least 2 classes; got 1 class \('quartz'\)"),
    ),
    (
        "cnn: wrong n_features at predict",
        lambda c: c.fitted.predict(c.X[:, :50]),
        (ValueError, "X has 50 features, but LeNet1DClassifier is expecting 100"),
    ),
    (
        "cnn: ragged rows",
        lambda c: c.fitted.predict([c.X[0], c.X[1][:50]]),
        (ValueError, "LeNet1DClassifier: X is ragged"),
    ),
    (
        "cnn: 3-D input",
        lambda c: _cnn().fit(c.X[:, None, :], c.y),
        (ValueError, "Found array with dim 3"),
    ),
    (
        "cnn: continuous labels",
        lambda c: _cnn().fit(c.X, np.linspace(0, 1, len(c.X))),
        (ValueError, "Unknown label type: continuous"),
    ),
    (
        "cnn: predict before fit",
        lambda c: _cnn().predict(c.X),
        (NotFittedError, "not fitted yet"),
    ),
    (
        "cnn: integer X and pandas input",
        lambda c: (
            _cnn()
            .fit(pd.DataFrame((c.X * 1000).astype(np.int32)), pd.Series(c.y))
            .predict(pd.DataFrame(c.X))
        ),
        _result(lambda r, c: r.shape == (len(c.X),)),
    ),
    (
        "cnn: fine_tune to a new label set",
        lambda c: (
            LeNet1DClassifier._create_test_instance(max_epochs=1)
            .fit(c.X, c.y)
            .fine_tune(c.X, np.array(["a", "b", "c"])[c.y], max_epochs=1)
        ),
        _result(
            lambda r, c: (
                r.classes_.tolist() == ["a", "b", "c"]
                and set(r.predict(c.X)) <= {"a", "b", "c"}
            )
        ),
    ),
    (
        "cnn: fine_tune with wrong n_features",
        lambda c: c.fitted.fine_tune(c.X[:, :50], c.y, max_epochs=1),
        (ValueError, "X has 50 features"),
    ),
    (
        "cnn: bad freeze option",
        lambda c: c.fitted.fine_tune(c.X, c.y, freeze="conv"),
        (ValueError, "freeze must be 'features', 'all' or None; got 'conv'"),
    ),
    (
        "library search: NaN in X",
        lambda c: LibrarySearchClassifier().fit(c.X_nan, c.y),
        (ValueError, "Input X contains NaN"),
    ),
    (
        "library search: wrong n_features",
        lambda c: LibrarySearchClassifier().fit(c.X, c.y).predict(c.X[:, :50]),
        (ValueError, "X has 50 features, but LibrarySearchClassifier is expecting"),
    ),
    # -- splits ------------------------------------------------------------------
    (
        "paper split: classes with one spectrum go to training",
        lambda c: next(
            PaperSplit(random_state=0).split(c.X[:13], [0] * 10 + [1, 2, 3])
        ),
        _result(lambda r, c: {10, 11, 12} <= set(r[0].tolist()) and len(r[1]) == 3),
    ),
    (
        "grouped split: no groups",
        lambda c: next(SampleGroupedSplit(3).split(c.X, c.y)),
        (ValueError, "needs groups"),
    ),
    (
        "grouped split: a class of one sample stays on one side",
        lambda c: list(
            SampleGroupedSplit(3, random_state=0).split(
                c.X, np.r_[c.y[:-1], 7], groups=np.arange(len(c.X))
            )
        ),
        _result(lambda r, c: sum((len(c.X) - 1) in test for _, test in r) == 1),
    ),
]


def test_the_table_has_at_least_30_cases():
    assert len(CASES) >= 30
    assert len({case[0] for case in CASES}) == len(CASES)


@pytest.mark.parametrize(
    "call, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input(ctx, call, expected):
    if isinstance(expected, tuple):
        error, fragment = expected
        with pytest.raises(error, match=fragment):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                call(ctx)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = call(ctx)
        assert expected(result, ctx)


def _pair_takers():
    """Every public estimator but SpectrumResampler: (name, fit, use-fitted)."""
    from sklearn_raman import VectorNormalizer
    from sklearn_raman.neural import CLASSIFIERS

    transformers = [
        MinMaxPerSpectrum(),
        StandardNormalVariate(),
        VectorNormalizer(),
        Cropper(lower=1),
        SavitzkyGolay(),
        BaselineCorrector(),
        CosmicRayRemover(),
    ]
    out = [(type(t).__name__, t, "transform") for t in transformers]
    out.append(("ShiftNoiseAugmenter", ShiftNoiseAugmenter(), None))
    out.append(("LibrarySearchClassifier", LibrarySearchClassifier(), "predict"))
    out += [
        (cls.__name__, cls._create_test_instance(max_epochs=1), "predict")
        for cls in CLASSIFIERS
    ]
    return out


@pytest.mark.parametrize("equal_lengths", [True, False], ids=["equal", "ragged"])
@pytest.mark.parametrize(
    "name, estimator, method", _pair_takers(), ids=[t[0] for t in _pair_takers()]
)
def test_pairs_are_sent_to_the_resampler(ctx, name, estimator, method, equal_lengths):
    # the readers' (wavenumbers, intensities) pairs, given where X must be a grid
    spectra, y = make_spectra(
        n_classes=3, n_samples_per_class=4, ragged=True, random_state=0
    )
    if equal_lengths:
        spectra = [(wn[:90], x[:90]) for wn, x in spectra]
    fit = getattr(estimator, "fit_resample", estimator.fit)
    with pytest.raises(
        ValueError,
        match=rf"^{name}: X holds \(wavenumbers, .*"
        "SpectrumResampler",
    ):
        fit(spectra, y)
    if method is not None:
        X = SpectrumResampler(
            start=300, stop=1500, step=12, fill_value=0
        ).fit_transform(spectra)
        fitted = estimator.fit(X, y)
        with pytest.raises(ValueError, match="SpectrumResampler"):
            getattr(fitted, method)(spectra)
