"""scikit-learn's and imbalanced-learn's estimator checks on every public estimator."""

import inspect

import pytest
from imblearn.utils.estimator_checks import estimator_checks_generator
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import (
    check_param_validation,
    parametrize_with_checks,
)

import sklearn_raman
from sklearn_raman import (
    BaselineCorrector,
    CosmicRayRemover,
    Cropper,
    MinMaxPerSpectrum,
    OnNativeAxis,
    PLSDAClassifier,
    RocketClassifier,
    SavitzkyGolay,
    ShiftNoiseAugmenter,
    SpectrumImager,
    SpectrumResampler,
    StandardNormalVariate,
    VectorNormalizer,
)
from sklearn_raman.identification import SpectrumIdentifier
from sklearn_raman.neighbors import LibrarySearchClassifier
from sklearn_raman.neural import CLASSIFIERS
from sklearn_raman.open_set import OpenSetClassifier

ESTIMATORS = [
    SpectrumResampler(),
    SpectrumResampler(start=0, stop=3, step=0.5, kind="cubic", fill_value="edge"),
    MinMaxPerSpectrum(),
    OnNativeAxis(MinMaxPerSpectrum()),
    OnNativeAxis(BaselineCorrector(method="modpoly", method_params={"poly_order": 1})),
    StandardNormalVariate(),
    VectorNormalizer(),
    VectorNormalizer(norm="area"),
    Cropper(lower=1),
    SavitzkyGolay(window_length=3, polyorder=1, mode="nearest"),
    SavitzkyGolay(window_length=5, polyorder=2, deriv=1, mode="mirror"),
    BaselineCorrector(method="modpoly", method_params={"poly_order": 1}),
    BaselineCorrector(method="asls"),
    CosmicRayRemover(),
    SpectrumImager(image_size=8),
    SpectrumImager(
        encoding=("gadf", "mtf", "recurrence", "cwt", "reshape"), image_size=3
    ),
    ShiftNoiseAugmenter(random_state=0),
    LibrarySearchClassifier(),
    LibrarySearchClassifier(chunk_size=3, temperature=0.1),
    LibrarySearchClassifier(n_components=3, chunk_size=7),
    OpenSetClassifier(LogisticRegression(), cv=3, random_state=0),
    OpenSetClassifier(
        LogisticRegression(), novelty_score="energy", cv=2, random_state=0
    ),
    OpenSetClassifier(
        LibrarySearchClassifier(), novelty_score="similarity", random_state=0
    ),
    OpenSetClassifier(
        make_pipeline(StandardScaler(), LogisticRegression()),
        target_recall=1.0,  # rejects no training spectrum here: the two pass
        random_state=0,
    ),
    SpectrumIdentifier(LogisticRegression(), cv=2),
    PLSDAClassifier(),
    PLSDAClassifier(n_components=2, scale=True),
    RocketClassifier(n_kernels=84, random_state=0),
    RocketClassifier("rocket", n_kernels=200, random_state=0),
    OpenSetClassifier(PLSDAClassifier(), cv=3, random_state=0),
    SpectrumIdentifier("library", unknown_recall=0.9),
]


#: where an open-set classifier rejects, predict answers its unknown label while
#: the wrapped model's decision_function / predict_proba still rank the known
#: classes: argmax and predict differ on the rejected rows, by design
_REJECTS = "predicts the unknown label where the argmax names a known class"


def expected_failed_checks(estimator):
    """Checks that fail by design, with the reason."""
    # a logistic regression's probabilities on the checks' data fall below the
    # calibrated threshold for some training rows, and so do an identifier's
    # min-max normalised library similarities; a library search on the raw
    # rows (similarity 1 on a training spectrum) and target_recall=1.0 reject
    # none
    wrapped = getattr(estimator, "estimator", None)
    if isinstance(estimator, SpectrumIdentifier) or (
        isinstance(estimator, OpenSetClassifier)
        and isinstance(wrapped, (LogisticRegression, PLSDAClassifier))
    ):
        return {"check_classifiers_train": _REJECTS}
    if isinstance(estimator, RocketClassifier) and estimator.kind == "rocket":
        # ROCKET scales each series to zero mean and unit variance: the
        # checks' 2-feature blobs (edge-padded to 9 points) keep only their sign
        return {"check_classifiers_train": "each series normalised: blobs lost"}
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "estimator, check",
    list(
        estimator_checks_generator(
            ShiftNoiseAugmenter(random_state=0),
            expected_failed_checks=expected_failed_checks(ShiftNoiseAugmenter()),
        )
    ),
    ids=lambda obj: getattr(getattr(obj, "func", obj), "__name__", None),
)
def test_imblearn_sampler_checks(estimator, check):
    check(estimator)


#: every public estimator, deep classifiers in their tiny test configurations
PUBLIC = [*ESTIMATORS, *(cls._create_test_instance() for cls in CLASSIFIERS)]


@pytest.mark.parametrize(
    "estimator", PUBLIC, ids=lambda e: f"{type(e).__name__}-{PUBLIC.index(e)}"
)
def test_param_validation(estimator):
    # not part of parametrize_with_checks: an invalid value of any parameter
    # (e.g. VGG1DClassifier(width=-1)) raises InvalidParameterError in fit
    check_param_validation(type(estimator).__name__, estimator)


def test_every_public_estimator_is_checked():
    public = {
        obj
        for name in sklearn_raman.__all__
        if inspect.isclass(obj := getattr(sklearn_raman, name))
        and issubclass(obj, BaseEstimator)
    }
    assert public == {type(e) for e in PUBLIC}
