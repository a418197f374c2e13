"""The per-class random split shared by ``PaperSplit`` and the deep classifiers."""

from __future__ import annotations

import numpy as np


def per_class_split(
    y, test_size: float, rng: np.random.RandomState
) -> tuple[np.ndarray, np.ndarray]:
    """Split indices within each class: ``test_size`` of every class held out.

    The count per class is rounded half up (15 spectra at 0.3 give 5), at least
    one spectrum is held out and at least one kept; classes of a single spectrum
    stay entirely on the kept side.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels.
    test_size : float
        Share of each class held out.
    rng : numpy.random.RandomState
        Source of the draws.

    Returns
    -------
    keep, held_out : ndarray of int
        Sorted indices.
    """
    y = np.asarray(y)
    held = []
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        if idx.size < 2:
            continue
        n_held = int(np.floor(test_size * idx.size + 0.5))
        n_held = min(max(1, n_held), idx.size - 1)
        held.append(rng.choice(idx, n_held, replace=False))
    held = np.sort(np.concatenate(held)) if held else np.array([], dtype=int)
    return np.setdiff1d(np.arange(len(y)), held), held
