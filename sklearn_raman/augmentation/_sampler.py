"""ShiftNoiseAugmenter: an imbalanced-learn over-sampler of perturbed copies."""

from __future__ import annotations

from collections import Counter
from numbers import Real

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_target_type
from scipy import sparse
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import FLOAT_DTYPES, validate_data

from .._axis import feature_axis, reject_ragged
from .._noise import SCALE, SHIFT, SNR_DB
from ._spectra import augment_spectra


class ShiftNoiseAugmenter(BaseOverSampler):
    """Over-sample spectra with shifted, scaled, noisy copies (fit time only).

    An imbalanced-learn sampler: ``fit_resample(X, y)`` returns the original
    spectra followed by augmented copies (see
    :func:`~sklearn_raman.augmentation.augment_spectra`). Inside an
    :class:`imblearn.pipeline.Pipeline` it runs while fitting and is skipped at
    predict time, so predictions never see perturbed data.

    How many copies: ``sampling_strategy`` works as in imbalanced-learn's
    over-samplers (``"auto"`` raises every class to the size of the largest; a
    dict gives a target count per class), then every class count is multiplied
    by ``multiplier``. With ``multiplier=3`` and a balanced data set each spectrum
    gets two augmented copies. Copies are drawn evenly from the spectra of a
    class (each spectrum used ``k`` or ``k + 1`` times).

    Sparse input is accepted (as by imbalanced-learn's samplers) and returned
    sparse; the copies themselves are dense, since noise fills every point.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Class balancing target, as in :class:`imblearn.over_sampling.RandomOverSampler`.
    multiplier : float, default=1.0
        Factor (>= 1) applied to the class counts after balancing.
    shift : float, default=2.0
        Largest absolute shift along the axis, in cm⁻¹ when ``wavenumbers`` is
        given, else in points.
    snr_db : float or None, default=40.0
        SNR of the added Gaussian noise in dB (signal = each spectrum's intensity
        range). ``None``: use ``noise_std``.
    noise_std : float or None, default=None
        Absolute noise std, used when ``snr_db`` is None.
    scale : (float, float), default=(0.9, 1.1)
        Range of the random intensity factor.
    baseline_drift : float, default=0.0
        Largest amplitude of a random linear baseline, relative to the intensity
        range; 0 disables it.
    wavenumbers : array-like of shape (n_points,), default=None
        Spectral axis of X.
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of copies to add per class to reach the balancing target (before
        ``multiplier``), as in imbalanced-learn.
    n_augmented_ : dict
        Number of augmented copies actually added per class.
    n_features_in_ : int
        Number of points per spectrum.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn_raman import ShiftNoiseAugmenter, make_spectra
    >>> X, y = make_spectra(n_classes=2, n_samples_per_class=[20, 5], random_state=0)
    >>> X_res, y_res = ShiftNoiseAugmenter(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 20), (1, 20)]
    """

    _parameter_constraints = {
        **BaseOverSampler._parameter_constraints,
        "multiplier": [Interval(Real, 1, None, closed="left")],
        "shift": [Interval(Real, 0, None, closed="left")],
        "snr_db": [Real, None],
        "noise_std": [Interval(Real, 0, None, closed="left"), None],
        "scale": [tuple, list],
        "baseline_drift": [Interval(Real, 0, None, closed="left")],
        "wavenumbers": ["array-like", None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        multiplier: float = 1.0,
        shift: float = SHIFT,
        snr_db: float | None = SNR_DB,
        noise_std: float | None = None,
        scale: tuple[float, float] = SCALE,
        baseline_drift: float = 0.0,
        wavenumbers=None,
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.multiplier = multiplier
        self.shift = shift
        self.snr_db = snr_db
        self.noise_std = noise_std
        self.scale = scale
        self.baseline_drift = baseline_drift
        self.wavenumbers = wavenumbers
        self.random_state = random_state

    def _check_X_y(self, X, y, accept_sparse=None):
        reject_ragged(X, type(self).__name__)
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        X, y = validate_data(
            self, X=X, y=y, reset=True, dtype=FLOAT_DTYPES, accept_sparse=["csr", "csc"]
        )
        return X, y, binarize_y

    def _fit_resample(self, X, y):
        if len(self.scale) != 2 or not 0 < self.scale[0] <= self.scale[1]:
            raise ValueError(
                f"scale must be (low, high) with 0 < low <= high; got {self.scale}"
            )
        axis = feature_axis(
            "ShiftNoiseAugmenter",
            self.wavenumbers,
            getattr(self, "feature_names_in_", None),
            X.shape[1],
        )
        rng = check_random_state(self.random_state)
        counts = Counter(y)
        sources = []
        self.n_augmented_ = {}
        for label, n in counts.items():
            balanced = n + self.sampling_strategy_.get(label, 0)
            target = int(round(self.multiplier * balanced))
            n_new = max(target - n, 0)
            self.n_augmented_[label] = n_new
            if n_new:
                members = rng.permutation(np.flatnonzero(y == label))
                sources.append(np.resize(members, n_new))
        if not sources:
            return X.copy(), y.copy()
        sources = np.concatenate(sources)
        X_src = X[sources].toarray() if sparse.issparse(X) else X[sources]
        X_new = augment_spectra(
            X_src,
            shift=self.shift,
            snr_db=self.snr_db,
            noise_std=self.noise_std,
            scale=tuple(self.scale),
            baseline_drift=self.baseline_drift,
            wavenumbers=axis,
            random_state=rng,
        )
        y_new = np.concatenate([y, y[sources]])
        if sparse.issparse(X):  # perturbed copies are dense; keep the container
            return sparse.vstack([X, sparse.csr_matrix(X_new)], format=X.format), y_new
        return np.vstack([X, X_new]), y_new

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = False
        tags.input_tags.string = False
        tags.sampler_tags.sample_indices = False
        return tags
