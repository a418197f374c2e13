"""One policy per concept, shared by the estimators and helpers of the package.

* the label of rejected spectra and the dtype of predictions that hold it
  (:func:`unknown_label`, :func:`with_unknown`), used by
  :class:`~sklearn_raman.neighbors.LibrarySearchClassifier` and
  :class:`~sklearn_raman.open_set.OpenSetClassifier`;
* the last step of a pipeline and the map of ``X`` to its input
  (:func:`final_estimator`);
* class-score columns from a ``decision_function`` (:func:`decision_columns`);
* the columns of given class labels (:func:`class_indices`).

Only NumPy is imported with this module (scikit-learn inside the functions),
so that ``import sklearn_raman`` stays light.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral, Real

import numpy as np

__all__ = [
    "class_indices",
    "decision_columns",
    "final_estimator",
    "unknown_label",
    "with_unknown",
]


def unknown_label(classes, given=None):
    """The label of rejected spectra: ``given``, or one chosen from ``classes``.

    The rule: integer and float classes get ``-1`` (one below the smallest
    class where ``-1`` is a class); any other classes (strings, booleans,
    mixed) get ``"unknown"``. A label that is also a class raises naming it:
    ``given`` or the default ``"unknown"`` (a class called so is ambiguous;
    pass another ``given``).

    Parameters
    ----------
    classes : array-like of shape (n_classes,)
        The known classes (an estimator's ``classes_``).
    given : str, int or None, default=None
        The label asked for; None chooses one.

    Returns
    -------
    label : str or int
        Never one of ``classes``.

    Examples
    --------
    >>> from sklearn_raman._utils import unknown_label
    >>> unknown_label(["albite", "quartz"]), unknown_label([0, 1]), unknown_label([-1, 1])
    ('unknown', -1, -2)
    >>> unknown_label([0, 1], given=1)
    Traceback (most recent call last):
    ...
    ValueError: unknown_label 1 is also a class of y: a rejected spectrum could not be told from that class. Choose another unknown_label
    """  # noqa: E501
    classes = np.asarray(classes)
    label = given.item() if isinstance(given, np.generic) else given
    if label is None:
        label = "unknown"
        if classes.dtype.kind in "iuf":
            # -1, or below every class: never raises for numeric classes
            low = int(np.floor(classes.min())) - 1
            label = -1 if not np.any(classes == -1) else low
    if any(_same(c, label) for c in classes.tolist()):
        raise ValueError(
            f"unknown_label {label!r} is also a class of y: a rejected spectrum "
            "could not be told from that class. Choose another unknown_label"
        )
    return label


def _same(a, b) -> bool:
    """Whether two labels are equal (``"1"`` and ``1`` are not)."""
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _dtype_with(dtype: np.dtype, label) -> np.dtype:
    """The dtype of predictions of ``dtype`` that also hold ``label``."""
    if dtype.kind == "U" and isinstance(label, str):
        return np.result_type(dtype, np.asarray(label).dtype)  # widened to fit
    is_number = isinstance(label, Real) and not isinstance(label, bool)
    if dtype.kind in "iuf" and is_number:
        out = np.result_type(dtype, np.min_scalar_type(label))
        # integers stay integers (-1 with uint8 classes: int16), else object
        if dtype.kind in "iu" and isinstance(label, Integral) and out.kind in "iu":
            return out
        if dtype.kind == "f":
            return out
    return np.dtype(object)


def with_unknown(y_pred, mask, label) -> np.ndarray:
    """``y_pred`` with ``label`` where ``mask`` is True, in a dtype that holds it.

    The dtype: for string predictions and a string label, the strings' dtype
    widened to hold it; for integer predictions and an integer label, the
    integer dtype (widened only if the label does not fit it: ``-1`` with
    unsigned classes); for float predictions and a number, the float dtype;
    object otherwise (e.g. integer classes and ``label="unknown"``).

    Parameters
    ----------
    y_pred : array-like of shape (n_samples,)
        Predicted classes.
    mask : array-like of bool, shape (n_samples,)
        Where to answer ``label``.
    label : str or int
        The unknown label (:func:`unknown_label`).

    Returns
    -------
    y_pred : ndarray of shape (n_samples,)
        A new array.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman._utils import with_unknown
    >>> with_unknown(np.array(["a", "b"]), [False, True], "unknown")
    array(['a', 'unknown'], dtype='<U7')
    >>> with_unknown(np.array([3, 4]), [True, False], -1)
    array([-1,  4])
    >>> with_unknown(np.array([3, 4]), [True, False], "unknown")
    array(['unknown', 4], dtype=object)
    """
    y_pred = np.asarray(y_pred)
    out = y_pred.astype(_dtype_with(y_pred.dtype, label))  # a copy
    out[np.asarray(mask, dtype=bool)] = label
    return out


def final_estimator(model) -> tuple[object, Callable]:
    """The last step of a pipeline (or ``model``) and the map of X to its input.

    Parameters
    ----------
    model : estimator or Pipeline
        A fitted model; a scikit-learn or imbalanced-learn pipeline is
        unwrapped (its samplers do nothing at transform time).

    Returns
    -------
    final : estimator
        ``model[-1]`` for a pipeline, else ``model``.
    head : callable
        ``X -> model[:-1].transform(X)`` for a pipeline of two steps or more,
        else the identity.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_raman._utils import final_estimator
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), [0, 0, 1, 1]
    >>> pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    >>> final, head = final_estimator(pipe)
    >>> type(final).__name__, head(X).ravel().round(2).tolist()
    ('LogisticRegression', [-1.34, -0.45, 0.45, 1.34])
    """
    from sklearn.pipeline import Pipeline  # imbalanced-learn's subclasses it

    if isinstance(model, Pipeline):
        head = model[:-1]
        if len(head):
            return model[-1], head.transform
        return model[-1], _identity
    return model, _identity


def _identity(X):
    return X


def decision_columns(scores) -> np.ndarray:
    """A ``decision_function`` as one float64 column per class.

    For two classes scikit-learn gives one margin ``s`` (of the second class
    over the first); it becomes ``[-s, s]``: it ranks the two classes as the
    margin does, its argmax is ``predict`` (``s > 0``: the second class), and
    it is symmetric, so a score of the columns (largest, energy, lead of the
    best) treats both classes alike.

    Parameters
    ----------
    scores : array-like of shape (n_samples,) or (n_samples, n_classes)
        ``decision_function`` output.

    Returns
    -------
    columns : ndarray of shape (n_samples, n_classes)
        Float64; ``n_classes`` is 2 for a one-column input.

    Examples
    --------
    >>> from sklearn_raman._utils import decision_columns
    >>> decision_columns([0.5, -2.0]).tolist()
    [[-0.5, 0.5], [2.0, -2.0]]
    """
    scores = np.asarray(scores, dtype=np.float64)
    return np.stack([-scores, scores], axis=1) if scores.ndim == 1 else scores


def class_indices(classes, labels, n_samples: int) -> np.ndarray:
    """The column of ``classes`` of each label, matched by equality.

    Never cast to the classes' dtype: a cast would truncate ``"albite-XYZ"``
    to a ``"<U6"`` ``"albite"`` and ``1.7`` to class ``1``.

    Parameters
    ----------
    classes : array-like of shape (n_classes,)
        Distinct labels (an estimator's ``classes_``).
    labels : label or array-like of shape (n_samples,)
        One label for all samples, or one per sample.
    n_samples : int
        The number of samples.

    Returns
    -------
    index : ndarray of int64, shape (n_samples,)
        Positions in ``classes``; a label that is no class raises naming it.

    Examples
    --------
    >>> from sklearn_raman._utils import class_indices
    >>> class_indices(["albite", "quartz"], "quartz", 2).tolist()
    [1, 1]
    >>> class_indices([0, 1], [1.0, 0], 2).tolist()
    [1, 0]
    """
    classes = np.asarray(classes).tolist()
    labels = np.asarray(labels, dtype=object)
    if labels.ndim == 0:
        labels = np.full(n_samples, labels.item(), dtype=object)
    if labels.shape != (n_samples,):
        raise ValueError(
            f"target must be one label or one label per spectrum ({n_samples}); "
            f"got shape {labels.shape}"
        )
    lookup = {label: i for i, label in enumerate(classes)}
    index = np.empty(n_samples, dtype=np.int64)
    for row, label in enumerate(labels.tolist()):
        try:
            index[row] = lookup[label]
        except (KeyError, TypeError):  # TypeError: an unhashable label
            raise ValueError(
                f"target label {label!r} is not one of the classes {classes[:10]}"
            ) from None
    return index
