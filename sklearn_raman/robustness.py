"""How a fitted classifier's accuracy falls as noise is added to its test spectra."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import check_scoring
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.validation import check_array

from ._noise import NOISE_KINDS, add_noise_at

__all__ = ["add_noise", "noise_robustness"]


def add_noise(X, snr_db: float, noise: str = "gaussian", random_state=None):
    """Noisy copies of spectra at a signal-to-noise ratio.

    The SNR is the package's one definition (as in
    :func:`sklearn_raman.make_spectra` and the augmenters): the ratio of each
    spectrum's intensity range to the noise standard deviation, in dB
    (``20 log10``).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_points)
        Spectra; not modified.
    snr_db : float
        Signal-to-noise ratio in dB.
    noise : {"gaussian", "poisson"}, default="gaussian"
        Additive Gaussian noise of std ``range / 10 ** (snr_db / 20)``; or shot
        noise: the spectrum above its minimum is scaled to ``10 ** (snr_db /
        10)`` counts at its strongest point, drawn from a Poisson law and scaled
        back, so the noise std at the strongest point is the same as Gaussian
        noise of the same SNR.
    random_state : int, RandomState instance or None, default=None
        Seed of the noise.

    Returns
    -------
    X_noisy : ndarray of shape (n_samples, n_points)
        Float64 copies with noise.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.robustness import add_noise
    >>> X = np.tile(np.linspace(0, 1, 1000), (2, 1))
    >>> round(float((add_noise(X, 20, random_state=0) - X).std()), 2)
    0.1
    """
    if noise not in NOISE_KINDS:
        raise ValueError(f"noise must be one of {NOISE_KINDS}; got {noise!r}")
    if not np.isfinite(snr_db):
        raise ValueError(f"snr_db must be a finite number; got {snr_db!r}")
    X = check_array(X, dtype=np.float64, copy=True)
    return add_noise_at(X, snr_db, noise, check_random_state(random_state))


def noise_robustness(
    estimator,
    X,
    y,
    snr_db: Sequence[float] = (40, 30, 20, 10, 5, 0),
    *,
    noise: str = "gaussian",
    n_repeats: int = 3,
    scoring=None,
    random_state=None,
) -> Bunch:
    """Score of a fitted classifier on test spectra with added noise, per SNR.

    As in Huang et al. (2025): the model is trained once (on clean or augmented
    spectra) and scored on copies of the test spectra at decreasing
    signal-to-noise ratios, ``n_repeats`` noise draws each.

    Parameters
    ----------
    estimator : fitted classifier
        Any fitted scikit-learn classifier or pipeline; it is not refitted.
    X : array-like of shape (n_samples, n_points)
        Test spectra (as the estimator's input: raw for a pipeline that
        preprocesses).
    y : array-like of shape (n_samples,)
        Their labels.
    snr_db : sequence of float, default=(40, 30, 20, 10, 5, 0)
        Signal-to-noise ratios in dB, as in :func:`add_noise`.
    noise : {"gaussian", "poisson"}, default="gaussian"
        Kind of noise, see :func:`add_noise`.
    n_repeats : int, default=3
        Noise draws per level.
    scoring : str, callable or None, default=None
        A scikit-learn scorer; None: the estimator's ``score`` (accuracy for
        classifiers).
    random_state : int, RandomState instance or None, default=None
        Seed of the noise; an int gives the same noise for every estimator, so
        models are compared on the same noisy spectra.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        ``snr_db`` (n_levels,), ``scores`` (n_levels, n_repeats), ``mean`` and
        ``std`` over the repeats (n_levels,), ``clean`` (the score without added
        noise) and ``noise``. ``pandas.DataFrame({k: result[k] for k in
        ("snr_db", "mean", "std")})`` is the accuracy-vs-SNR table.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.robustness import noise_robustness
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=20, random_state=0)
    >>> knn = KNeighborsClassifier(1).fit(X[::2], y[::2])
    >>> result = noise_robustness(knn, X[1::2], y[1::2], snr_db=[30, 0],
    ...                           random_state=0)
    >>> result.scores.shape, bool(result.mean[0] >= result.mean[1])
    ((2, 3), True)
    """
    if noise not in NOISE_KINDS:
        raise ValueError(f"noise must be one of {NOISE_KINDS}; got {noise!r}")
    if int(n_repeats) != n_repeats or n_repeats < 1:
        raise ValueError(f"n_repeats must be an integer >= 1; got {n_repeats!r}")
    levels = np.asarray(snr_db, dtype=float).ravel()
    if levels.size == 0 or not np.isfinite(levels).all():
        raise ValueError(f"snr_db must be finite numbers; got {snr_db!r}")
    X = check_array(X, dtype=np.float64)
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} spectra but y has {len(y)} labels")
    scorer = check_scoring(estimator, scoring=scoring)
    rng = check_random_state(random_state)
    scores = np.empty((levels.size, int(n_repeats)))
    for i, level in enumerate(levels):
        for j in range(int(n_repeats)):
            noisy = add_noise(X, level, noise, random_state=rng)
            scores[i, j] = scorer(estimator, noisy, y)
    return Bunch(
        snr_db=levels,
        scores=scores,
        mean=scores.mean(axis=1),
        std=scores.std(axis=1),
        clean=float(scorer(estimator, X, y)),
        noise=noise,
    )
