"""SpectrumIdentifier: a reference model that names spectra or says "unknown"."""

from __future__ import annotations

import os
from datetime import datetime
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context, clone
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
)

from .._progress import progress_bar
from ..open_set import SCORES, OpenSetClassifier
from ..preprocessing import MinMaxPerSpectrum, SpectrumResampler, native_steps
from ._checks import _check_cover, _unpack, axis_kind, check_queries
from ._io import load_bundle, save_bundle, set_fitted
from ._result import IdentificationResult

#: spectra identified at a time (bounded memory, a progress bar over them)
_CHUNK = 1000


def _joined(parts: list) -> dict:
    """The :meth:`OpenSetClassifier.identify` results of chunks, as one."""
    out = {}
    for key, first in parts[0].items():
        if first is None or isinstance(first, str):  # no sets; the score kind
            out[key] = first
        else:
            out[key] = np.concatenate([p[key] for p in parts])
    return out


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
    calibration : {"known", "classes"}, default="known"
        ``"classes"``: the calibration also holds whole materials out, and
        measures the share of them rejected (``unknown_rejection_``; see
        :class:`~sklearn_raman.open_set.OpenSetClassifier`).
    unknown_rejection : float or None, default=None
        With ``calibration="classes"``: the share of unseen materials to
        reject, where the known recall allows it.
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
    class_counts_ : list of int or None
        Reference spectra per class, in the order of ``classes_`` (None in
        model files of earlier versions).
    trained_at_ : str or None
        When the identifier was fitted (ISO 8601, local time).
    version_ : str or None
        The sklearn_raman version that fitted (or saved) it.
    threshold_ : float
        The calibrated known-ness threshold: unknown below it.
    novelty_score_ : str
        The known-ness score used.

    Examples
    --------
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.identification import SpectrumIdentifier
    >>> spectra, y = make_spectra(n_classes=4, n_samples_per_class=20,
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
        "unknown_recall": [Interval(Real, 0, 1, closed="right")],
        "novelty_score": [StrOptions({"auto", *SCORES})],
        "calibration": [StrOptions({"known", "classes"})],
        "unknown_rejection": [Interval(Real, 0, 1, closed="neither"), None],
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
        calibration: str = "known",
        unknown_rejection: float | None = None,
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
        self.calibration = calibration
        self.unknown_rejection = unknown_rejection
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
        if isinstance(self.model, str):
            from ..benchmark import make_models

            for key in ("device", "random_state"):
                if key in overrides:
                    raise ValueError(
                        f"training={{{key!r}: ...}}: give {key} as the "
                        f"identifier's own parameter ({key}=...)"
                    )
            return make_models(
                [self.model],
                overrides=overrides,
                device=self.device,
                random_state=self.random_state,
            )[self.model]
        # an estimator is used as the user set it up: nothing is set behind
        # their back, and settings that would be lost are refused
        if self.training or self.device != "auto":
            raise ValueError(
                "training= and device= apply to a model given by name; set them "
                f"on the {type(self.model).__name__} given as model"
            )
        model = clone(self.model)
        if self.init_from is not None:
            if "init_from" not in model.get_params():
                raise ValueError(
                    f"init_from: {type(self.model).__name__} is not a deep "
                    "network and cannot start from pre-trained weights"
                )
            model.set_params(init_from=str(self.init_from))
        return model

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
        check_consistent_length(spectra, y, groups, names)
        names = [f"spectrum {i}" for i in range(len(y))] if names is None else names
        classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError(
                f"the references hold spectra of {len(classes)} class; a model "
                "needs at least 2 (one subfolder per material)"
            )
        self.x_kind_ = axis_kind(metadata, names, "references") or x_kind
        estimator = self._estimator()  # its settings checked before any file
        start, stop, step = self._grid(spectra, names)
        resampler = SpectrumResampler(start=start, stop=stop, step=step)
        open_set = OpenSetClassifier(
            estimator,
            novelty_score=self.novelty_score,
            target_recall=self.unknown_recall,
            calibration=self.calibration,
            target_rejection=self.unknown_rejection,
            cv=self.cv,
            random_state=self.random_state,
        )
        # step by step rather than Pipeline.fit(step__param=...), which
        # metadata routing (sklearn.set_config(enable_metadata_routing=True))
        # refuses
        native = native_steps(self.baseline)
        X = spectra
        for step in native:
            X = step.fit_transform(X, y)
        X = resampler.fit_transform(X, y, names=names)
        normaliser = MinMaxPerSpectrum()
        X = normaliser.fit_transform(X, y)
        open_set.fit(X, y, groups=groups)
        pipeline = make_pipeline(*native, resampler, normaliser, open_set)
        set_fitted(
            self,
            pipeline,
            reference_spectra=np.stack([X[y == c].mean(axis=0) for c in classes]),
            x_kind=self.x_kind_,
            n_spectra=len(y),
            trained_on=source,
            class_counts=[int(np.sum(y == c)) for c in classes],
            trained_at=datetime.now().isoformat(timespec="seconds"),
        )
        if hasattr(resampler, "n_features_in_"):  # a 2D X on a shared axis
            self.n_features_in_ = resampler.n_features_in_
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

    def identify(
        self,
        spectra,
        *,
        names=None,
        top: int = 5,
        alpha: float = 0.05,
        progress: bool | None = None,
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
        progress : bool or None, default=None
            A progress bar (tqdm) over the spectra, identified in chunks of
            1,000; None: shown for more than 1,000 spectra on a terminal.

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
        check_consistent_length(spectra, names)
        if names is None:
            names = [f"spectrum {i}" for i in range(len(spectra))]
        check_queries(spectra, names, metadata, self.grid_, self.x_kind_)
        # every step works spectrum by spectrum: chunks change no result (but
        # rounding: matrix products of other shapes)
        parts, found = [], []
        with progress_bar(
            total=len(spectra), progress=progress, auto_above=_CHUNK, unit="spectrum"
        ) as bar:
            for start in range(0, len(spectra), _CHUNK):
                part = self.pipeline_[:-1].transform(spectra[start : start + _CHUNK])
                found.append(self.pipeline_[-1].identify(part, top=top, alpha=alpha))
                parts.append(part)
                bar.update(len(part))
        X, found = np.concatenate(parts), _joined(found)
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

        The file holds a dict (the fitted ``pipeline``, ``reference_spectra``,
        ``classes``, ``grid``, ``x_kind``, the identifier's parameters and what
        it was built from): what ``python -m sklearn_raman train`` writes.

        Parameters
        ----------
        path : str or path-like
            The file to write (``.skops``); its folder is created.
        """
        check_is_fitted(self, "pipeline_")
        save_bundle(self, path)

    @classmethod
    def load(cls, path, *, trusted=()) -> SpectrumIdentifier:
        """Read an identifier written by :meth:`save` (or ``train``).

        Parameters
        ----------
        path : str or path-like
            A skops file written by :meth:`save` or ``python -m sklearn_raman
            train``.
        trusted : sequence of str, default=()
            Further types to trust (e.g. a user's skorch callback of a deep
            model), as in :func:`sklearn_raman.persistence.load`: only for
            files from people you trust.

        Returns
        -------
        identifier : SpectrumIdentifier
            Fitted, ready to :meth:`identify`, with the parameters it was
            built with.
        """
        return load_bundle(cls, path, trusted=trusted)
