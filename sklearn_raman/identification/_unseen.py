"""What a reference model promises on materials it never saw, measured."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.utils import _safe_indexing

from ..metrics import open_set_metrics
from ..model_selection import LeaveClassesOut
from ._checks import _unpack


def check_unknowns(
    identifier,
    spectra,
    y=None,
    groups=None,
    *,
    n_unknown: int | None = None,
    n_splits: int = 3,
    random_state=0,
) -> list[dict]:
    """Leave-classes-out figures of an identifier's settings on its references.

    The check a lab runs before promising "at most X % of unknown materials
    accepted": ``n_splits`` times, ``n_unknown`` materials are held out of
    the references whole (:class:`~sklearn_raman.model_selection.LeaveClassesOut`,
    disjoint draws; 30 % of the other materials' samples held out too), a
    clone of ``identifier`` is fitted on the rest and identifies both: the
    held-out materials must come back "unknown", the held-out samples of
    known materials must be accepted and named right.

    Parameters
    ----------
    identifier : SpectrumIdentifier
        Its settings are used (it is cloned; it need not be fitted).
    spectra : sequence of (wavenumbers, intensities) pairs, or Bunch
        The references, or what :func:`~sklearn_raman.datasets.read_spectra`
        returns.
    y : array-like of shape (n_spectra,), default=None
        Their materials (taken from a Bunch when None).
    groups : array-like of shape (n_spectra,), default=None
        Sample ids: a sample is held out whole (taken from a Bunch when None).
    n_unknown : int or None, default=None
        Materials held out per split (None: a fifth of them, at least 1).
    n_splits : int, default=3
        Splits (each costs one fit of the identifier).
    random_state : int, RandomState instance or None, default=0
        Seed of the draws.

    Returns
    -------
    results : list of dict
        Per split: :func:`~sklearn_raman.metrics.open_set_metrics` (``auroc``,
        ``fpr_at_recall``, ``unknown_rejected``, ``known_accepted``,
        ``accepted_accuracy``, ``open_set_accuracy``, ...) and
        ``unknown_classes``, the materials held out.

    Examples
    --------
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.identification import SpectrumIdentifier, check_unknowns
    >>> spectra, y = make_spectra(n_classes=6, n_samples_per_class=12,
    ...                           ragged=True, random_state=0)
    >>> results = check_unknowns(SpectrumIdentifier(model="library", cv=3),
    ...                          spectra, y, n_unknown=2, n_splits=2)
    >>> len(results), sorted(results[0])[:3]
    (2, ['accepted_accuracy', 'auroc', 'fpr_at_recall'])
    """
    spectra, y, groups, _, _ = _unpack(spectra, y, groups)
    if y is None:
        raise ValueError(
            "check_unknowns needs the materials y (or a read_spectra Bunch)"
        )
    y = np.asarray(y)
    classes = np.unique(y)
    if len(classes) < 3:
        raise ValueError(
            f"the references hold {len(classes)} materials; leaving materials out "
            "needs at least 3"
        )
    if n_unknown is None:
        n_unknown = min(max(1, round(len(classes) / 5)), len(classes) - 2)
    splitter = LeaveClassesOut(
        n_unknown=n_unknown, n_splits=n_splits, random_state=random_state
    )
    results = []
    for train, test in splitter.split(np.zeros(len(y)), y, groups):
        model = clone(identifier)
        model.fit(
            _safe_indexing(spectra, train),
            y[train],
            groups=None if groups is None else np.asarray(groups)[train],
        )
        queries = _safe_indexing(spectra, test)
        open_set = model.pipeline_[-1]
        X = model.pipeline_[:-1].transform(queries)
        metrics = open_set_metrics(
            y[test],
            model.classes_,
            open_set.score_samples(X),
            open_set.predict(X),
            open_set.unknown_label_,
            known_recall=identifier.unknown_recall,
        )
        metrics["unknown_classes"] = sorted(
            str(c) for c in set(y[test].tolist()) - set(y[train].tolist())
        )
        results.append(metrics)
    return results
