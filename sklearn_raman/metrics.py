"""The papers' metrics: top-k accuracy, weighted P/R/F1, ROC-AUC and PR-AUC.

Sang et al. (2021) and Zhou et al. (2022) report, on a stratified 30 % test
set, weighted precision, recall and F1, ROC-AUC, the area under the
precision-recall curve, and top-1/3/5 accuracy. The functions here compute them
from labels and class probabilities, robustly for data sets such as RRUFF
Dataset_2 where many classes are missing from a given test set.
"""

from __future__ import annotations

import copy

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    make_scorer,
    precision_recall_fscore_support,
    roc_auc_score,
)
from sklearn.svm import SVC, NuSVC

from ._utils import decision_columns, final_estimator

__all__ = [
    "PAPER_SCORING",
    "class_scores",
    "open_set_metrics",
    "ovr_auc",
    "paper_metrics",
    "top_k_accuracy",
]


def _label_indices(y_true, classes) -> np.ndarray:
    classes = np.asarray(classes)
    order = np.argsort(classes)
    pos = np.searchsorted(classes[order], y_true)
    pos = np.clip(pos, 0, len(classes) - 1)
    idx = order[pos]
    unknown = classes[idx] != np.asarray(y_true)
    return np.where(unknown, -1, idx)


def top_k_accuracy(y_true, proba, classes, k: int = 1) -> float:
    """Share of samples whose true class is among the ``k`` highest scores.

    Ties are counted pessimistically: the true class is within the top ``k``
    only if fewer than ``k`` classes score strictly higher and all classes tied
    with it still fit in the ``k`` places. A 1-NN's or a tree's one-hot scores
    thus count a hit at k = 3 only when the true class has the score 1 (the
    prediction), not by where its name falls in alphabetical order.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels; a label absent from ``classes`` counts as a miss.
    proba : array-like of shape (n_samples, n_classes)
        Class probabilities (or any scores), columns in the order of ``classes``.
    classes : array-like of shape (n_classes,)
        The labels of the columns (an estimator's ``classes_``).
    k : int, default=1
        How many top classes count.

    Returns
    -------
    accuracy : float
        In [0, 1].

    Examples
    --------
    >>> from sklearn_raman.metrics import top_k_accuracy
    >>> proba = [[0.5, 0.3, 0.2], [0.1, 0.2, 0.7]]
    >>> top_k_accuracy(["b", "b"], proba, ["a", "b", "c"], k=2)
    1.0
    >>> top_k_accuracy(["b", "c"], [[1, 0, 0, 0], [1, 0, 0, 0]], list("abcd"), k=3)
    0.0
    """
    proba = np.asarray(proba, dtype=np.float64)
    idx = _label_indices(np.asarray(y_true), classes)
    true_score = proba[np.arange(len(idx)), np.where(idx >= 0, idx, 0)]
    known = (idx >= 0) & ~np.isnan(true_score)
    # the worst rank of the true class among equal scores
    rank = (proba >= true_score[:, None]).sum(axis=1)
    return float(np.mean(known & (rank <= k)))


def ovr_auc(y_true, proba, classes, kind: str = "roc") -> float:
    """One-vs-rest ROC-AUC or PR-AUC, weighted by class support.

    Classes absent from ``y_true`` are skipped (their weight is 0), unlike
    :func:`sklearn.metrics.roc_auc_score`, which raises when a test set lacks
    some classes of the model.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    proba : array-like of shape (n_samples, n_classes)
        Class probabilities, columns in the order of ``classes``.
    classes : array-like of shape (n_classes,)
        Labels of the columns.
    kind : {"roc", "pr"}, default="roc"
        ROC-AUC, or PR-AUC as average precision.

    Returns
    -------
    auc : float
        NaN when no class has both positives and negatives in ``y_true``.

    Examples
    --------
    >>> from sklearn_raman.metrics import ovr_auc
    >>> proba = [[0.8, 0.2, 0.0], [0.3, 0.7, 0.0], [0.6, 0.4, 0.0]]
    >>> ovr_auc(["a", "b", "b"], proba, ["a", "b", "c"])  # "c" is absent
    1.0
    """
    y_true = np.asarray(y_true)
    proba = np.asarray(proba)
    idx = _label_indices(y_true, classes)
    score = roc_auc_score if kind == "roc" else average_precision_score
    total, weight = 0.0, 0
    for c in np.unique(idx[idx >= 0]):
        positive = idx == c
        n_pos = int(positive.sum())
        if n_pos == len(y_true):
            continue
        total += n_pos * score(positive, proba[:, c])
        weight += n_pos
    return total / weight if weight else float("nan")


def paper_metrics(y_true, proba, classes, y_pred=None) -> dict[str, float]:
    """The papers' table row from labels and probabilities.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    proba : array-like of shape (n_samples, n_classes)
        Class probabilities, columns in the order of ``classes``.
    classes : array-like of shape (n_classes,)
        Labels of the columns (an estimator's ``classes_``).
    y_pred : array-like of shape (n_samples,), default=None
        Predicted labels, when they are not the argmax of ``proba`` (e.g. an
        SVM's one-vs-one votes); None: ``classes[argmax(proba)]``.

    Returns
    -------
    metrics : dict
        ``top1``, ``top3``, ``top5``, ``precision_weighted``,
        ``recall_weighted``, ``f1_weighted``, ``precision_macro``,
        ``recall_macro``, ``f1_macro``, ``roc_auc`` (one-vs-rest, weighted) and
        ``pr_auc`` (average precision, weighted). Precision of a class never
        predicted counts as 0.

    Examples
    --------
    >>> from sklearn_raman.metrics import paper_metrics
    >>> m = paper_metrics(["a", "b"], [[0.9, 0.1], [0.2, 0.8]], ["a", "b"])
    >>> float(m["top1"]), m["f1_weighted"], m["roc_auc"]
    (1.0, 1.0, 1.0)
    """
    y_true = np.asarray(y_true)
    proba = np.asarray(proba, dtype=np.float64)
    classes = np.asarray(classes)
    if y_pred is None:
        y_pred = classes[np.argmax(proba, axis=1)]
    y_pred = np.asarray(y_pred)
    out = {f"top{k}": top_k_accuracy(y_true, proba, classes, k) for k in (1, 3, 5)}
    out["top1"] = float(np.mean(y_pred == y_true))
    for average in ("weighted", "macro"):
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, average=average, zero_division=0
        )
        out.update(
            {
                f"precision_{average}": float(p),
                f"recall_{average}": float(r),
                f"f1_{average}": float(f),
            }
        )
    out["roc_auc"] = float(ovr_auc(y_true, proba, classes, "roc"))
    out["pr_auc"] = float(ovr_auc(y_true, proba, classes, "pr"))
    return out


def _ovo_to_ovr(dec: np.ndarray, first: np.ndarray, second: np.ndarray, n_classes):
    """scikit-learn's one-vs-one → per-class reduction, as two weighted bincounts.

    ``SVC.decision_function`` does this with a Python loop over class pairs
    (886,446 of them for RRUFF's 1332 classes: minutes per call); counting the
    votes and summing the confidences with :func:`numpy.bincount` gives the
    loop's result. ``first`` and ``second`` are the classes of each pair.
    """
    n = dec.shape[0]
    offset = (np.arange(n) * n_classes)[:, None]
    size = n * n_classes
    winner = np.where(dec >= 0, first, second) + offset
    votes = np.bincount(winner.ravel(), minlength=size)
    weights = dec.ravel()
    confidence = np.bincount(
        (first + offset).ravel(), weights=weights, minlength=size
    ) - np.bincount((second + offset).ravel(), weights=weights, minlength=size)
    scores = votes + confidence / (3 * (np.abs(confidence) + 1))
    return scores.reshape(n, n_classes)


def _one_vs_one_svc(final):
    """``final`` if it is a fitted many-class libsvm classifier, else None."""
    if (
        isinstance(final, (SVC, NuSVC))
        and len(final.classes_) > 2
        and final.decision_function_shape == "ovr"
    ):
        return final
    return None


def class_scores(estimator, X) -> np.ndarray:
    """Per-class scores for ranking metrics: probabilities, else decision values.

    Parameters
    ----------
    estimator : fitted classifier
        With ``predict_proba`` or ``decision_function`` (e.g. a linear SVM).
    X : array-like of shape (n_samples, n_features)
        Samples.

    Returns
    -------
    scores : ndarray of shape (n_samples, n_classes)
        Columns in the order of ``estimator.classes_``; float64 decision
        values where there are no probabilities, a one-column
        ``decision_function`` ``s`` as ``[-s, s]``. For a one-vs-one
        :class:`~sklearn.svm.SVC` (alone or ending a pipeline) these are the
        values of its ``decision_function``, computed in row chunks with a
        vectorised vote count, so memory stays bounded (RRUFF Dataset_2, 1,332
        classes: about 4 minutes for 2,574 spectra, where scikit-learn's own
        reduction needs 18 GB at once or a Python loop per class pair).

    Examples
    --------
    >>> from sklearn.svm import LinearSVC
    >>> from sklearn_raman.metrics import class_scores
    >>> X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
    >>> scores = class_scores(LinearSVC().fit(X, y), X)
    >>> scores.shape, bool((scores[:, 0] == -scores[:, 1]).all())
    ((4, 2), True)
    """
    if hasattr(estimator, "predict_proba"):
        return estimator.predict_proba(X)
    final, head = final_estimator(estimator)
    svc = _one_vs_one_svc(final)
    if svc is None:  # two classes: [-s, s]
        return decision_columns(estimator.decision_function(X))
    X = head(X)
    X = X if hasattr(X, "shape") else np.asarray(X)
    n_classes = len(svc.classes_)
    # (rows x class pairs) float64 blocks of at most ~160 MB
    rows = int(min(4096, max(1, 2e7 // (n_classes * (n_classes - 1) // 2))))
    raw = copy.copy(svc)  # shares the fitted arrays; the caller's model is untouched
    raw.decision_function_shape = "ovo"
    first, second = np.triu_indices(n_classes, 1)
    return np.concatenate(
        [
            _ovo_to_ovr(
                raw.decision_function(X[i : i + rows]), first, second, n_classes
            )
            for i in range(0, X.shape[0], rows)
        ]
    )


def _proba_scorer(metric, **kwargs):
    def score(estimator, X, y):
        return metric(y, class_scores(estimator, X), estimator.classes_, **kwargs)

    return score


def _prf(y_true, y_pred, *, which: int, average: str) -> float:
    values = precision_recall_fscore_support(
        y_true, y_pred, average=average, zero_division=0
    )
    return float(values[which])


#: scorers for :func:`sklearn.model_selection.cross_validate`: the papers' metrics
PAPER_SCORING = {
    "top1": "accuracy",
    "top3": _proba_scorer(top_k_accuracy, k=3),
    "top5": _proba_scorer(top_k_accuracy, k=5),
    "precision_weighted": make_scorer(_prf, which=0, average="weighted"),
    "recall_weighted": make_scorer(_prf, which=1, average="weighted"),
    "f1_weighted": make_scorer(_prf, which=2, average="weighted"),
    "f1_macro": make_scorer(_prf, which=2, average="macro"),
    "roc_auc": _proba_scorer(ovr_auc, kind="roc"),
    "pr_auc": _proba_scorer(ovr_auc, kind="pr"),
}


def open_set_metrics(
    y_true, known_classes, scores, verdicts, unknown_label, *, known_recall=0.95
) -> dict[str, float]:
    """How an open-set model does on test spectra of known and unknown classes.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True classes; those not in ``known_classes`` are the unknowns.
    known_classes : array-like
        The classes the model was trained on.
    scores : array-like of shape (n_samples,)
        Known-ness scores (higher: more known).
    verdicts : array-like of shape (n_samples,)
        The model's predictions, ``unknown_label`` for rejected spectra.
    unknown_label : str or int
        The label of rejected spectra.
    known_recall : float, default=0.95
        The known recall at which ``fpr_at_recall`` is read.

    Returns
    -------
    metrics : dict
        ``auroc`` (known against unknown, by ``scores``); ``fpr_at_recall``
        (share of unknowns accepted by the threshold that accepts
        ``known_recall`` of these knowns: the score's separation, whatever
        the calibration); ``unknown_rejected`` and ``known_accepted`` at the
        model's own threshold; ``accepted_accuracy`` (accuracy on the
        accepted knowns); ``open_set_accuracy`` (knowns counted right when
        named right, unknowns when rejected); ``n_known``, ``n_unknown``.

    Examples
    --------
    >>> from sklearn_raman.metrics import open_set_metrics
    >>> m = open_set_metrics(["a", "b", "x", "y"], ["a", "b"], [0.9, 0.8, 0.85, 0.1],
    ...                      ["a", "unknown", "a", "unknown"], "unknown")
    >>> m["auroc"], m["unknown_rejected"], m["accepted_accuracy"]
    (0.75, 0.5, 1.0)
    """
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    verdicts = np.asarray(verdicts, dtype=object)
    is_known = np.isin(y_true, np.asarray(known_classes))
    n_known, n_unknown = int(is_known.sum()), int((~is_known).sum())
    rejected = np.array([v == unknown_label for v in verdicts.tolist()], dtype=bool)
    out = {"n_known": n_known, "n_unknown": n_unknown}
    if n_known and n_unknown:
        out["auroc"] = float(roc_auc_score(is_known, scores))
        # the highest cut that still accepts known_recall of the knowns
        ranked = np.sort(scores[is_known])
        rank = int(np.floor(n_known * (1 - known_recall) + 1e-9))
        cut = ranked[min(rank, n_known - 1)]
        out["fpr_at_recall"] = float(np.mean(scores[~is_known] >= cut))
    else:
        out["auroc"] = out["fpr_at_recall"] = float("nan")
    nan = float("nan")
    out["unknown_rejected"] = float(np.mean(rejected[~is_known])) if n_unknown else nan
    out["known_accepted"] = float(np.mean(~rejected[is_known])) if n_known else nan
    accepted = is_known & ~rejected
    right = np.array([str(v) == str(t) for v, t in zip(verdicts, y_true)], dtype=bool)
    out["accepted_accuracy"] = (
        float(np.mean(right[accepted])) if accepted.any() else nan
    )
    correct = np.where(is_known, right & ~rejected, rejected)
    out["open_set_accuracy"] = float(np.mean(correct)) if len(y_true) else nan
    return out
