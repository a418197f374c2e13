"""Model files that are safe to share: skops files that run no code on load.

A pickle (or joblib file) can run arbitrary code when it is loaded, so a model
received from someone else is a risk. A `skops <https://skops.readthedocs.io>`_
file stores an estimator's state as data; loading it rebuilds only the types
the loader trusts. :func:`dump` writes any model of the package, alone or in a
scikit-learn or imbalanced-learn pipeline (deep classifiers included: their
state is their weights as NumPy arrays), and :func:`load` trusts the types
listed in :data:`TRUSTED_TYPES` on top of skops' own (NumPy, SciPy and
scikit-learn), and nothing else unless told to.

Examples
--------
>>> import tempfile, os
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn_raman import LibrarySearchClassifier, MinMaxPerSpectrum, make_spectra
>>> from sklearn_raman import persistence
>>> X, y = make_spectra(n_classes=3, n_samples_per_class=5, random_state=0)
>>> model = make_pipeline(MinMaxPerSpectrum(), LibrarySearchClassifier()).fit(X, y)
>>> path = os.path.join(tempfile.mkdtemp(), "model.skops")
>>> persistence.dump(model, path)
>>> same = persistence.load(path)
>>> bool((same.predict(X) == model.predict(X)).all())
True
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from ._registry import DEEP_CLASSIFIERS

__all__ = ["TRUSTED_TYPES", "dump", "load"]

#: the types :func:`load` trusts besides skops' defaults: the package's
#: estimators, the state objects they keep, imbalanced-learn's pipeline and
#: the pybaselines fitter of BaselineCorrector, skorch's gradient clipping
TRUSTED_TYPES: tuple[str, ...] = (
    # the MiniRocket / ROCKET transforms of RocketClassifier (the rocket extra)
    "aeon.transformations.collection.convolution_based._minirocket.MiniRocket",
    "aeon.transformations.collection.convolution_based._multirocket.MultiRocket",
    "aeon.transformations.collection.convolution_based._rocket.Rocket",
    "imblearn.pipeline.Pipeline",
    "pybaselines.api.Baseline",  # BaselineCorrector.baseline_fitter_
    # a user's callbacks= of a deep classifier (kept as parameters)
    "skorch.callbacks.regularization.GradientNormClipping",
    "sklearn.tree._tree.Tree",  # the classical tree and random forest baselines
    # the gradient-boosting baseline's trees (arrays of nodes)
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn_raman.augmentation._sampler.ShiftNoiseAugmenter",
    "sklearn_raman.classical._plsda.PLSDAClassifier",
    "sklearn_raman.classical._rocket.RocketClassifier",
    "sklearn_raman.identification._identifier.SpectrumIdentifier",
    "sklearn_raman.neighbors._compressed.CompressedLibrary",
    "sklearn_raman.neighbors._library.LibrarySearchClassifier",
    "sklearn_raman.open_set._classifier.OpenSetClassifier",
    "sklearn_raman.open_set._scores.Combined",
    "sklearn_raman.open_set._scores.EmbeddingDistance",
    "sklearn_raman.open_set._scores.EmbeddingKNN",
    "sklearn_raman.open_set._scores.Energy",
    "sklearn_raman.open_set._scores.LibrarySimilarity",
    "sklearn_raman.open_set._scores.Mahalanobis",
    "sklearn_raman.open_set._scores.Margin",
    "sklearn_raman.open_set._scores.MaxLogit",
    "sklearn_raman.open_set._scores.MaxProba",
    "sklearn_raman.open_set._scores.RelativeMahalanobis",
    "sklearn_raman.preprocessing._baseline.BaselineCorrector",
    "sklearn_raman.preprocessing._crop.Cropper",
    "sklearn_raman.preprocessing._despike.CosmicRayRemover",
    "sklearn_raman.preprocessing._image.SpectrumImager",
    "sklearn_raman.preprocessing._native.OnNativeAxis",
    "sklearn_raman.preprocessing._normalize.MinMaxPerSpectrum",
    "sklearn_raman.preprocessing._normalize.StandardNormalVariate",
    "sklearn_raman.preprocessing._normalize.VectorNormalizer",
    "sklearn_raman.preprocessing._resample.SpectrumResampler",
    "sklearn_raman.preprocessing._smooth.SavitzkyGolay",
    *(f"sklearn_raman.neural{entry.module}.{entry.name}" for entry in DEEP_CLASSIFIERS),
)


def _skops_io():
    import skops.io  # on first use: it imports much of scikit-learn

    return skops.io


def dump(model, path: str | os.PathLike) -> None:
    """Save a fitted model (an estimator or a pipeline) to a skops file.

    Parameters
    ----------
    model : estimator
        Any estimator or pipeline; those of the package and of scikit-learn
        load back with :func:`load` without further trust.
    path : str or path-like
        Destination, conventionally ``*.skops``.

    Examples
    --------
    >>> import tempfile, os
    >>> from sklearn_raman import LibrarySearchClassifier, make_spectra
    >>> from sklearn_raman.persistence import dump
    >>> X, y = make_spectra(n_classes=2, n_samples_per_class=3, random_state=0)
    >>> path = os.path.join(tempfile.mkdtemp(), "library.skops")
    >>> dump(LibrarySearchClassifier().fit(X, y), path)
    >>> os.path.getsize(path) > 0
    True
    """
    _skops_io().dump(model, os.fspath(path))


def load(path: str | os.PathLike, *, trusted: Iterable[str] = ()):
    """Load a model saved by :func:`dump`, building only trusted types.

    Parameters
    ----------
    path : str or path-like
        A skops file.
    trusted : iterable of str, default=()
        Further types to trust (``"module.Class"``), for models that hold
        estimators of other packages; only trust files from people you trust
        with them.

    Returns
    -------
    model : estimator
        The fitted model. A deep classifier saved on a GPU machine is rebuilt
        on the CPU when CUDA is missing.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If ``path`` is not a skops file, or holds types that are neither in
        :data:`TRUSTED_TYPES`, nor skops' defaults, nor ``trusted``: the
        message names them.

    Examples
    --------
    >>> import tempfile, os
    >>> from sklearn_raman import MinMaxPerSpectrum, make_spectra
    >>> from sklearn_raman.persistence import dump, load
    >>> X, y = make_spectra(n_classes=2, n_samples_per_class=3, random_state=0)
    >>> path = os.path.join(tempfile.mkdtemp(), "scaler.skops")
    >>> dump(MinMaxPerSpectrum().fit(X), path)
    >>> load(path)
    MinMaxPerSpectrum()
    """
    sio = _skops_io()
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no model file {path}")
    allowed = set(TRUSTED_TYPES) | set(trusted)
    try:
        found = sio.get_untrusted_types(file=path)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, JSON errors
        raise ValueError(
            f"{path} is not a skops model file ({type(exc).__name__}: {exc}); "
            "write one with sklearn_raman.persistence.dump"
        ) from exc
    refused = sorted(set(found) - allowed)
    if refused:
        raise ValueError(
            f"{path} holds types that are not trusted: {', '.join(refused)}. "
            "If you trust whoever made the file, pass them: "
            f"sklearn_raman.persistence.load({path!r}, trusted={refused!r})"
        )
    return sio.load(path, trusted=list(found))
