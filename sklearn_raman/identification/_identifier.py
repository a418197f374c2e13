"""SpectrumIdentifier: a reference model that names spectra or says "unknown"."""

from __future__ import annotations

import os
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context, clone
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .. import __version__
from ..open_set import SCORES, OpenSetClassifier
from ..preprocessing import MinMaxPerSpectrum, SpectrumResampler, native_steps
from ._checks import _check_cover, _unpack, axis_kind, check_queries
from ._result import IdentificationResult

#: what a model file written by :meth:`SpectrumIdentifier.save` holds
BUNDLE_KEYS = ("pipeline", "reference_spectra", "grid", "classes", "x_kind")


class SpectrumIdentifier(ClassifierMixin, BaseEstimator):
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

    @_fit_context(prefer_skip_nested_validation=False)
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
        spectra, y, groups, names, metadata = _unpack(spectra, y, groups, names)
        if y is None:
            raise ValueError(
                "SpectrumIdentifier requires y to be passed, but the target y is "
                "None: give the materials (or what read_spectra returns)"
            )
        y = column_or_1d(y, warn=True)
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
        resampler = pipeline.named_steps["spectrumresampler"]
        if hasattr(resampler, "n_features_in_"):  # a 2D X on a shared axis
            self.n_features_in_ = resampler.n_features_in_
        X = pipeline[:-1].transform(spectra)
        self.reference_spectra_ = np.stack([X[y == c].mean(axis=0) for c in classes])
        return self

    def predict(self, spectra) -> np.ndarray:
        """The material of each spectrum, or the unknown label.

        Parameters
        ----------
        spectra : sequence of (wavenumbers, intensities) pairs, Bunch, or \
                array-like of shape (n_spectra, n_points)
            Spectra on their own axes (or what ``read_spectra`` returns), or
            rows on the axis of a 2D ``X`` seen in :meth:`fit`.

        Returns
        -------
        verdicts : ndarray of shape (n_spectra,)
            The verdicts of :meth:`identify`, without the checks of the
            files and the matches.
        """
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict(_unpack(spectra)[0])

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
        if len(spectra) == 0:
            raise ValueError("no spectrum to identify")
        names = (
            [f"spectrum {i}" for i in range(len(spectra))] if names is None else names
        )
        check_queries(spectra, names, metadata, self.grid_, self.x_kind_)
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
