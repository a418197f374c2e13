"""Loader of the RRUFF benchmark of Sang et al. (2021) and Zhou et al. (2022)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ._readers import rruff_sample_id

_KEYS = ("X", "wavenumbers", "y", "filename", "in_dataset_1")


def load_rruff_sang2021(path: str | os.PathLike, subset: int = 1) -> Bunch:
    """Load the RRUFF mineral benchmark of Sang et al. (2021) from a local npz.

    The package ships no data: ``path`` is the ``rruff_sang2021.npz`` file with
    arrays ``X`` (spectra min-max normalised and resampled to 30–1599 cm⁻¹, step
    1, zero outside the measured range), ``wavenumbers``, ``y`` (mineral names),
    ``filename`` (RRUFF file names) and ``in_dataset_1``.

    Parameters
    ----------
    path : str or path-like
        The npz file.
    subset : {1, 2}, default=1
        ``1``: "Dataset_1", 5292 spectra of 192 minerals with at least 10 spectra
        each. ``2``: "Dataset_2", all 8578 spectra of 1332 minerals with at least
        2 spectra each.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``X`` float32 (n_samples, 1570); ``y`` mineral names; ``wavenumbers``;
        ``groups``: physical sample ids (RRUFF R-numbers without the sub-sample
        suffix, see :func:`rruff_sample_id`), for sample-grouped splits;
        ``filenames``.

    Examples
    --------
    >>> from sklearn_raman.datasets import load_rruff_sang2021
    >>> data = load_rruff_sang2021("rruff_sang2021.npz", subset=1)  # doctest: +SKIP
    >>> data.X.shape, len(set(data.y))  # doctest: +SKIP
    ((5292, 1570), 192)
    """
    if subset not in (1, 2):
        raise ValueError(f"subset must be 1 or 2; got {subset!r}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found; load_rruff_sang2021 reads a local copy of "
            "rruff_sang2021.npz (the package downloads nothing)"
        )
    with np.load(path, allow_pickle=False) as npz:
        missing = [k for k in _KEYS if k not in npz.files]
        if missing:
            raise KeyError(f"{path} lacks the arrays {missing}; found {npz.files}")
        arrays = {k: npz[k] for k in _KEYS}
    # a mask, whatever dtype it was saved with: integer 0/1 would index rows
    keep = arrays["in_dataset_1"].astype(bool) if subset == 1 else slice(None)
    filenames = arrays["filename"][keep].astype(str)
    return Bunch(
        X=np.ascontiguousarray(arrays["X"][keep], dtype=np.float32),
        y=arrays["y"][keep].astype(str),
        wavenumbers=arrays["wavenumbers"].astype(np.float64),
        groups=rruff_sample_id(filenames),
        filenames=filenames,
    )
