"""Several measurements of one sample as one row: modality blocks side by side.

A multimodal data set (an FTIR spectrum and an SEM image of each particle;
FTIR, Raman and LIBS spectra of each sample) stays a plain 2D ``X`` whose
columns are the modalities one after another, so it goes through scikit-learn's
splitters, pipelines and searches unchanged. ``modalities`` declares the blocks
(``[("ftir", 1800), ("sem", (64, 64))]``); :func:`align_modalities` puts the
measurements of one sample on one row (by sample id, never by position),
:func:`stack_modalities` builds such an ``X`` and :func:`modality_columns`
gives the column slices for a
:class:`~sklearn.compose.ColumnTransformer` that preprocesses each block. A
row whose block is all NaN lacks that measurement. No torch is imported here;
:class:`Modality` and :func:`parse_modalities` are defined in the
dependency-free ``sklearn_raman._modality`` (nn uses them too).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

# one definition, shared with the pure-torch nn.FusionNet (which may not import
# this module's scikit-learn-facing neighbours)
from ._modality import Modality, parse_modalities

__all__ = [
    "Modality",
    "align_modalities",
    "modality_columns",
    "parse_modalities",
    "stack_modalities",
]


def align_modalities(
    blocks: dict, ids: dict, *, how: str = "inner"
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Put each sample's measurements on one row, matched by sample id.

    Spectra of one sample taken on several instruments usually come from
    separate folders, in separate orders, and not every sample is in every
    folder: stacking them by position would pair one sample's FTIR spectrum
    with another's Raman spectrum without any error. This matches rows by id.

    Parameters
    ----------
    blocks : dict of str to array-like
        Name → array of one modality (first axis: its samples).
    ids : dict of str to sequence
        Name → the sample id of each row of that block (e.g. ``groups`` or the
        file stems of :func:`~sklearn_raman.read_spectra`); same keys as
        ``blocks``, ids unique within a block.
    how : {"inner", "outer"}, default="inner"
        ``"inner"``: the samples in every block (those left out are counted in
        a warning); ``"outer"``: every sample, a missing measurement as a block
        of NaN (for ``stack_modalities(..., missing="allow")``).

    Returns
    -------
    aligned : dict of str to ndarray
        The blocks, row ``i`` of each from sample ``ids[i]``.
    ids : ndarray
        The sample of each row: the first block's order, then (``"outer"``)
        the samples first seen in later blocks.

    Examples
    --------
    >>> import numpy as np
    >>> ftir = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    >>> raman = np.array([[30.0], [10.0]])
    >>> aligned, ids = align_modalities(
    ...     {"ftir": ftir, "raman": raman},
    ...     {"ftir": ["a", "b", "c"], "raman": ["c", "a"]}, how="outer")
    >>> ids.tolist(), aligned["raman"].ravel().tolist()
    (['a', 'b', 'c'], [10.0, nan, 30.0])
    """
    if how not in ("inner", "outer"):
        raise ValueError(f"how must be 'inner' or 'outer'; got {how!r}")
    if set(blocks) != set(ids) or not blocks:
        raise ValueError(
            f"blocks and ids need the same modality names; got {sorted(blocks)} "
            f"and {sorted(ids)}"
        )
    rows, arrays = {}, {}
    for name, values in blocks.items():
        a = np.asarray(values, dtype=np.float64)
        names = np.asarray(ids[name]).tolist()
        if len(names) != len(a):
            raise ValueError(
                f"block {name!r} has {len(a)} rows but {len(names)} sample ids"
            )
        index = {}
        for row, sample in enumerate(names):
            if sample in index:
                raise ValueError(
                    f"block {name!r}: sample id {sample!r} is on rows "
                    f"{index[sample]} and {row}; ids must be unique within a "
                    "modality (average or select the repeats first)"
                )
            index[sample] = row
        rows[name], arrays[name] = index, a
    order = list(dict.fromkeys(s for index in rows.values() for s in index))
    if how == "inner":
        common = set.intersection(*(set(index) for index in rows.values()))
        if not common:
            examples = "; ".join(
                f"{name}: {list(index)[:3]!r}" for name, index in rows.items()
            )
            raise ValueError(
                f"no sample id is in every block ({examples}): the ids must name "
                "the same samples in every modality"
            )
        order = [s for s in order if s in common]
        for name, index in rows.items():
            dropped = [s for s in index if s not in common]
            if dropped:
                warnings.warn(
                    f"align_modalities: {len(dropped)} of {len(index)} samples of "
                    f"{name!r} are not in every block and were left out (e.g. "
                    f"{dropped[0]!r}); how='outer' keeps them with a missing "
                    "(NaN) block",
                    UserWarning,
                    stacklevel=2,
                )
    aligned = {}
    for name, a in arrays.items():
        out = np.full((len(order), *a.shape[1:]), np.nan)
        index = rows[name]
        present = [i for i, s in enumerate(order) if s in index]
        out[present] = a[[index[order[i]] for i in present]]
        aligned[name] = out
    return aligned, np.asarray(order)


def stack_modalities(
    blocks: dict | Sequence, *, missing: str = "error"
) -> tuple[np.ndarray, list[tuple[str, int | tuple[int, ...]]]]:
    """Join per-modality arrays of the same samples into one ``X``.

    Parameters
    ----------
    blocks : dict or sequence of (str, array-like)
        Name → array of one modality, in column order: spectra of shape
        (n_samples, n_points), grayscale images (n_samples, height, width) or
        images with channels (n_samples, channels, height, width). A row of
        NaN (a whole spectrum or image) marks a missing measurement.
    missing : {"error", "allow"}, default="error"
        Whether rows with a missing modality are accepted.

    Returns
    -------
    X : ndarray of shape (n_samples, n_columns)
        The blocks flattened and side by side (float64).
    modalities : list of (str, int or tuple)
        The ``modalities`` parameter of
        :class:`~sklearn_raman.MultimodalClassifier` for this ``X``.

    Examples
    --------
    >>> import numpy as np
    >>> X, modalities = stack_modalities(
    ...     {"ftir": np.zeros((5, 100)), "sem": np.zeros((5, 8, 8))})
    >>> X.shape, modalities
    ((5, 164), [('ftir', 100), ('sem', (8, 8))])
    """
    if missing not in ("error", "allow"):
        raise ValueError(f"missing must be 'error' or 'allow'; got {missing!r}")
    items = list(blocks.items()) if isinstance(blocks, dict) else list(blocks)
    if not items:
        raise ValueError("stack_modalities needs at least one block")
    arrays, modalities, n = [], [], None
    for name, values in items:
        a = np.asarray(values, dtype=np.float64)
        if a.ndim not in (2, 3, 4):
            raise ValueError(
                f"block {name!r}: expected (n_samples, n_points), (n_samples, h, w) "
                f"or (n_samples, c, h, w); got shape {a.shape}"
            )
        if n is None:
            n = len(a)
        elif len(a) != n:
            raise ValueError(
                f"block {name!r} has {len(a)} samples; the first block has {n}"
            )
        flat = a.reshape(len(a), -1)
        nan = np.isnan(flat)
        partial = nan.any(axis=1) & ~nan.all(axis=1)
        if partial.any():
            row = int(np.flatnonzero(partial)[0])
            raise ValueError(
                f"block {name!r}, row {row}: {int(nan[row].sum())} of "
                f"{flat.shape[1]} values are NaN; only a wholly missing block "
                "(all NaN) is allowed: fill the gaps first"
            )
        if missing == "error" and nan.all(axis=1).any():
            row = int(np.flatnonzero(nan.all(axis=1))[0])
            raise ValueError(
                f"block {name!r}, row {row} is missing (all NaN); pass "
                'missing="allow" to keep samples with a missing modality'
            )
        arrays.append(flat)
        size = a.shape[1] if a.ndim == 2 else tuple(int(d) for d in a.shape[1:])
        modalities.append((str(name), size))
    parse_modalities(modalities, sum(a.shape[1] for a in arrays))  # names, sizes
    return np.hstack(arrays), modalities


def modality_columns(modalities, n_columns: int | None = None) -> dict[str, slice]:
    """The column slice of each modality, e.g. for a ``ColumnTransformer``.

    Parameters
    ----------
    modalities : sequence of (str, int or tuple)
        The declared blocks.
    n_columns : int or None, default=None
        Columns of ``X``, checked against the blocks; None: their sum.

    Returns
    -------
    columns : dict of str to slice
        Name → columns, in order.

    Examples
    --------
    >>> from sklearn.compose import ColumnTransformer
    >>> from sklearn_raman import MinMaxPerSpectrum
    >>> cols = modality_columns([("ftir", 100), ("sem", (8, 8))])
    >>> cols
    {'ftir': slice(0, 100, None), 'sem': slice(100, 164, None)}
    >>> prep = ColumnTransformer([("ftir", MinMaxPerSpectrum(), cols["ftir"]),
    ...                           ("sem", "passthrough", cols["sem"])])
    """
    if n_columns is None:
        n_columns = sum(math.prod(np.atleast_1d(size)) for _, size in modalities)
    return {
        m.name: slice(m.start, m.stop) for m in parse_modalities(modalities, n_columns)
    }
