"""SpectrumIdentifier: a reference model that names spectra or says "unknown"."""

from __future__ import annotations

import os
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .. import __version__
from ..datasets import SpectrumFileError
from ..open_set import SCORES, OpenSetClassifier
from ..preprocessing import MinMaxPerSpectrum, SpectrumResampler, native_steps
from ._result import IdentificationResult

#: a query spectrum covering less of the model's grid than this is warned about
MIN_COVERAGE = 0.9
#: what a model file written by :meth:`SpectrumIdentifier.save` holds
BUNDLE_KEYS = ("pipeline", "reference_spectra", "grid", "classes", "x_kind")


def _unpack(spectra, y=None, groups=None, names=None):
    """(spectra, y, groups, names, metadata) of arrays or of a read_spectra Bunch."""
    if hasattr(spectra, "spectra"):  # what read_spectra returns
        data = spectra
        y = data.y if y is None else y
        groups = data.get("groups") if groups is None else groups
        names = [str(f) for f in data.filenames] if names is None else names
        return data.spectra, y, groups, names, list(data.get("metadata") or [])
    return spectra, y, groups, names, []


def axis_kind(metadata, names, what: str) -> str | None:
    """The axis kind the spectra's metadata records (None if none does).

    Spectra of different kinds (a Raman shift and a wavelength) raise: one
    grid cannot hold both.

    Parameters
    ----------
    metadata : sequence of dict
        Per spectrum, its metadata (``read_spectra(...).metadata``); the key
        ``"x_kind"`` is read.
    names : sequence of str
        Per spectrum, its name (its file), for the error.
    what : str
        What the spectra are, for the error (e.g. ``"folder refs/"``).

    Returns
    -------
    x_kind : str or None
        The one kind recorded, or None if no spectrum records one.

    Examples
    --------
    >>> from sklearn_raman.identification import axis_kind
    >>> axis_kind([{"x_kind": "raman_shift"}, {}], ["a.spc", "b.txt"], "refs")
    'raman_shift'
    """
    kinds = {}
    for name, meta in zip(names, metadata):
        if meta.get("x_kind") is not None:
            kinds.setdefault(meta["x_kind"], name)
    if len(kinds) > 1:
        listed = ", ".join(f"{k} ({p})" for k, p in kinds.items())
        raise SpectrumFileError(
            f"the {what} mixes axes of different kinds: {listed}. Convert them "
            "to one (sklearn_raman.datasets.convert_spectra, e.g. "
            "wavelength_to_raman_shift) and write them out first"
        )
    return next(iter(kinds), None)


def _check_cover(spectra, names, start: float, stop: float, step: float, source):
    """Every spectrum spans the grid ``start``..``stop`` (to a step) of ``source``."""
    for name, (axis, _) in zip(names, spectra):
        if axis.min() > start + step or axis.max() < stop - step:
            raise ValueError(
                f"{name} covers {axis.min():g} to {axis.max():g}, not the grid of "
                f"{source} ({start:g} to {stop:g}): pre-train on the range your "
                "spectra cover (pretrain start / stop)"
            )


class SpectrumIdentifier(BaseEstimator):
    """A reference model: names what a spectrum is, or says "unknown".

    Everything a lab's reference model is, in one object: the cleaning of raw
    spectra on their own axes (``baseline``), the grid chosen from the
    references (their common range and median spacing unless given), a
    per-spectrum min-max normalisation, the classifier, and its open-set
    calibration (:class:`~sklearn_raman.open_set.OpenSetClassifier`: a
    known-ness threshold that accepts ``unknown_recall`` of spectra of new
    samples of known classes, chosen by cross-fitting). :meth:`identify` gives
    per spectrum the best matches, the conformal prediction set and the
    verdict; :meth:`save` / :meth:`load` keep it as a skops file (what
    ``python -m sklearn_raman train`` writes and ``identify`` reads).

    Parameters
    ----------
    model : str or estimator, default="recommended"
        A name of :func:`sklearn_raman.benchmark.model_names` (``"recommended"``:
        the CPU-friendly CNN; ``"library"``: spectral library search; ...), or
        an unfitted classifier (cloned in :meth:`fit`).
    baseline : str or None, default=None
        Raw spectra: remove cosmic-ray spikes, then subtract a pybaselines
        baseline of this method on each spectrum's own axis
        (:func:`~sklearn_raman.preprocessing.native_steps`). None: spectra
        already corrected.
    start, stop, step : float or None, default=None
        The grid; None: the range every reference spectrum covers and the
        median spacing (with ``init_from``: the pre-trained encoder's grid).
    unknown_recall : float, default=0.95
        Share of spectra of known materials to accept (the calibrated
        threshold's target known recall).
    novelty_score : str, default="auto"
        Known-ness score of the verdict (a key of
        :data:`~sklearn_raman.open_set.SCORES`); ``"auto"``: the open-set
        wrapper's choice for the model.
    cv : int, default=5
        Cross-fitting folds of the calibration (at most the smallest class).
    init_from : str, path-like or None, default=None
        Weights written by :func:`~sklearn_raman.neural.pretrain` to start a
        deep model from; its grid is used unless ``start`` / ``stop`` /
        ``step`` are given.
    training : dict or None, default=None
        Training parameters set on a deep model given by name (``max_epochs``,
        ``lr``, ``max_time``, ``n_threads``, ``verbose``, ...).
    device : str, default="auto"
        Device of a deep model given by name.
    random_state : int or None, default=0
        Seed of the model and the cross-fitting.

    Attributes
    ----------
    pipeline_ : Pipeline
        The fitted preprocessing and open-set classifier.
    classes_ : ndarray of shape (n_classes,)
        The reference materials.
    grid_ : ndarray of shape (n_points,)
        The model's grid.
    reference_spectra_ : ndarray of shape (n_classes, n_points)
        Mean preprocessed reference spectrum per class (for plots).
    x_kind_ : str or None
        Axis kind of the references (``"raman_shift"``, ``"wavenumber"``, ...)
        where their files record it.
    n_spectra_ : int
        Number of reference spectra.
    trained_on_ : str or None
        Where the references came from (``fit(source=...)``).
    threshold_ : float
        The calibrated known-ness threshold: unknown below it.
    novelty_score_ : str
        The known-ness score used.

    Examples
    --------
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.identification import SpectrumIdentifier
    >>> spectra, y = make_spectra(n_classes=4, n_samples_per_class=12,
    ...                           ragged=True, random_state=0)
    >>> known = y < 3
    >>> ident = SpectrumIdentifier(model="library").fit(
    ...     [s for s, k in zip(spectra, known) if k], y[known])
    >>> result = ident.identify([s for s, k in zip(spectra, known) if not k])
    >>> sorted(set(result.verdicts.tolist()))
    [-1]
    >>> result.records()[0]["verdict"]
    -1
    """

    _parameter_constraints: dict = {
        "model": [str, HasMethods(["fit", "predict"])],
        "baseline": [str, None],
        "start": [Real, None],
        "stop": [Real, None],
        "step": [Interval(Real, 0, None, closed="neither"), None],
        "unknown_recall": [Interval(Real, 0, 1, closed="neither")],
        "novelty_score": [StrOptions({"auto", *SCORES})],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "init_from": [str, os.PathLike, None],
        "training": [dict, None],
        "device": [str],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        model="recommended",
        *,
        baseline: str | None = None,
        start: float | None = None,
        stop: float | None = None,
        step: float | None = None,
        unknown_recall: float = 0.95,
        novelty_score: str = "auto",
        cv: int = 5,
        init_from=None,
        training: dict | None = None,
        device: str = "auto",
        random_state=0,
    ):
        self.model = model
        self.baseline = baseline
        self.start = start
        self.stop = stop
        self.step = step
        self.unknown_recall = unknown_recall
        self.novelty_score = novelty_score
        self.cv = cv
        self.init_from = init_from
        self.training = training
        self.device = device
        self.random_state = random_state

    def _estimator(self):
        """A fresh classifier: by name from the benchmark table, or a clone."""
        overrides = dict(self.training or {})
        if self.init_from is not None:
            overrides["init_from"] = str(self.init_from)
        if not isinstance(self.model, str):
            model = clone(self.model)
            if "init_from" in overrides:
                model.set_params(init_from=overrides["init_from"])
            return model
        from ..benchmark import make_models

        return make_models(
            [self.model],
            overrides=overrides,
            device=self.device,
            random_state=self.random_state,
        )[self.model]

    def _grid(self, spectra, names):
        start, stop, step = self.start, self.stop, self.step
        if self.init_from is not None and (start, stop, step) == (None,) * 3:
            from ..neural._pretrain import encoder_grid

            kept = encoder_grid(self.init_from)
            if kept:
                start, stop, step = kept["start"], kept["stop"], kept["step"]
                _check_cover(spectra, names, start, stop, step, self.init_from)
        return start, stop, step

    def fit(
        self, spectra, y=None, *, groups=None, names=None, x_kind=None, source=None
    ):
        """Build the reference model from labelled spectra.

        Parameters
        ----------
        spectra : sequence of (wavenumbers, intensities) pairs, or Bunch
            The reference spectra on their own axes, or what
            :func:`~sklearn_raman.datasets.read_spectra` returns (its ``y``,
            ``groups``, file names and axis kinds are then used).
        y : array-like of shape (n_spectra,), default=None
            Their materials (taken from a Bunch when None).
        groups : array-like of shape (n_spectra,), default=None
            Sample ids: spectra of one sample stay in one cross-fitting fold,
            so the threshold is calibrated on new samples.
        names : sequence of str, default=None
            A name per spectrum (its file) for error messages.
        x_kind : str, default=None
            Axis kind of the spectra where the files do not record it.
        source : str, default=None
            Where the references come from (e.g. their folder), kept in the
            model file as ``trained_on_``.

        Returns
        -------
        self : SpectrumIdentifier
            The fitted identifier.
        """
        self._validate_params()
        spectra, y, groups, names, metadata = _unpack(spectra, y, groups, names)
        if y is None:
            raise ValueError("SpectrumIdentifier.fit needs y, the materials")
        y = np.asarray(y)
        names = [f"spectrum {i}" for i in range(len(y))] if names is None else names
        classes, counts = np.unique(y, return_counts=True)
        if len(classes) < 2:
            raise ValueError(
                f"the references hold spectra of {len(classes)} class; a model "
                "needs at least 2 (one subfolder per material)"
            )
        self.x_kind_ = axis_kind(metadata, names, "references") or x_kind
        start, stop, step = self._grid(spectra, names)
        cv = int(min(self.cv, counts.min())) if counts.min() >= 2 else 2
        open_set = OpenSetClassifier(
            self._estimator(),
            novelty_score=self.novelty_score,
            target_recall=self.unknown_recall,
            cv=cv,
            random_state=self.random_state,
        )
        pipeline = make_pipeline(
            *native_steps(self.baseline),
            SpectrumResampler(start=start, stop=stop, step=step),
            MinMaxPerSpectrum(),
            open_set,
        )
        pipeline.fit(
            spectra,
            y,
            spectrumresampler__names=names,
            opensetclassifier__groups=groups,
        )
        self._set_fitted(
            pipeline,
            reference_spectra=None,
            x_kind=self.x_kind_,
            n_spectra=len(y),
            trained_on=source,
        )
        X = pipeline[:-1].transform(spectra)
        self.reference_spectra_ = np.stack([X[y == c].mean(axis=0) for c in classes])
        return self

    def _set_fitted(
        self, pipeline, *, reference_spectra, x_kind, n_spectra, trained_on
    ):
        self.pipeline_ = pipeline
        open_set = pipeline[-1]
        self.classes_ = open_set.classes_
        self.grid_ = pipeline.named_steps["spectrumresampler"].grid_
        self.reference_spectra_ = reference_spectra
        self.x_kind_ = x_kind
        self.n_spectra_ = int(n_spectra)
        self.trained_on_ = trained_on
        self.threshold_ = float(open_set.threshold_)
        # files written before novelty_score="auto" hold no novelty_score_
        self.novelty_score_ = getattr(
            open_set, "novelty_score_", open_set.novelty_score
        )

    def _check_queries(self, spectra, names, metadata) -> None:
        """Refuse axes of another kind; warn about spectra that miss the grid."""
        grid = self.grid_
        for i, (axis, _) in enumerate(spectra):
            meta = metadata[i] if metadata else {}
            kind = meta.get("x_kind")
            if self.x_kind_ and kind and kind != self.x_kind_:
                raise SpectrumFileError(
                    f"{names[i]}: its axis is a {kind}, the model's a "
                    f"{self.x_kind_}; convert it first "
                    "(sklearn_raman.datasets.convert_spectra)"
                )
            covered = np.mean((grid >= axis.min()) & (grid <= axis.max()))
            if covered < MIN_COVERAGE:
                warnings.warn(
                    f"{names[i]}: {meta.get('name', '')} covers {covered:.0%} of "
                    f"the model's grid ({axis.min():g} to {axis.max():g} against "
                    f"{grid[0]:g} to {grid[-1]:g}); the rest is filled with 0 and "
                    "its identification is unreliable",
                    UserWarning,
                    stacklevel=3,
                )

    def identify(
        self, spectra, *, names=None, top: int = 5, alpha: float = 0.05
    ) -> IdentificationResult:
        """Identify spectra: best matches, prediction set and verdict of each.

        Parameters
        ----------
        spectra : sequence of (wavenumbers, intensities) pairs, or Bunch
            Spectra on their own axes, or what
            :func:`~sklearn_raman.datasets.read_spectra` returns (file names and
            axis kinds are then checked and reported).
        names : sequence of str, default=None
            A name per spectrum (its file) for the results.
        top : int, default=5
            Best matches reported per spectrum.
        alpha : float, default=0.05
            Prediction sets hold the true class, if it is known, with
            probability ``1 - alpha``.

        Returns
        -------
        result : IdentificationResult
            Per spectrum: verdict, known-ness score, threshold, prediction set,
            top matches and their scores; ``records()``, ``to_frame()``,
            ``to_csv()``.
        """
        check_is_fitted(self, "pipeline_")
        spectra, _, _, names, metadata = _unpack(spectra, names=names)
        spectra = list(spectra)
        if not spectra:
            raise ValueError("no spectrum to identify")
        names = (
            [f"spectrum {i}" for i in range(len(spectra))] if names is None else names
        )
        self._check_queries(spectra, names, metadata)
        X = self.pipeline_[:-1].transform(spectra)
        found = self.pipeline_[-1].identify(X, top=top, alpha=alpha)
        labels = [
            (metadata[i].get("name") if metadata else None)
            or os.path.splitext(os.path.basename(str(names[i])))[0]
            for i in range(len(spectra))
        ]
        return IdentificationResult(
            files=[str(n) for n in names],
            names=labels,
            X=X,
            classes=self.classes_,
            alpha=alpha,
            novelty_score=self.novelty_score_,
            threshold=self.threshold_,
            **found,
        )

    def save(self, path) -> None:
        """Write the fitted identifier as a skops file (no code runs on load).

        Parameters
        ----------
        path : str or path-like
            The file to write (``.skops``); its folder is created.
        """
        from .. import persistence

        check_is_fitted(self, "pipeline_")
        model = self.model if isinstance(self.model, str) else type(self.model).__name__
        bundle = {
            "pipeline": self.pipeline_,
            "reference_spectra": self.reference_spectra_,
            "classes": self.classes_,
            "grid": self.grid_,
            "x_kind": self.x_kind_,
            "model": model,
            "n_spectra": self.n_spectra_,
            "trained_on": self.trained_on_,
            "sklearn_raman_version": __version__,
        }
        folder = os.path.dirname(os.fspath(path))
        if folder:
            os.makedirs(folder, exist_ok=True)
        persistence.dump(bundle, path)

    @classmethod
    def load(cls, path) -> SpectrumIdentifier:
        """Read an identifier written by :meth:`save` (or ``train``).

        Parameters
        ----------
        path : str or path-like
            A skops file written by :meth:`save` or ``python -m sklearn_raman
            train``.

        Returns
        -------
        identifier : SpectrumIdentifier
            Fitted, ready to :meth:`identify`.
        """
        from .. import persistence

        bundle = persistence.load(path)
        if not isinstance(bundle, dict) or set(BUNDLE_KEYS) - set(bundle):
            raise ValueError(
                f"{path} is not a model written by `python -m sklearn_raman train` "
                f"or SpectrumIdentifier.save (it holds a {type(bundle).__name__}); "
                "load it with sklearn_raman.persistence.load"
            )
        identifier = cls(model=bundle.get("model", "recommended"))
        identifier._set_fitted(
            bundle["pipeline"],
            reference_spectra=bundle["reference_spectra"],
            x_kind=bundle["x_kind"],
            n_spectra=bundle.get("n_spectra", 0),
            trained_on=bundle.get("trained_on"),
        )
        return identifier
