"""The column blocks of a multimodal row: one definition for nn and the estimators.

:class:`Modality` and :func:`parse_modalities` are shared by the pure-torch
:class:`~sklearn_raman.nn.FusionNet` and by :mod:`sklearn_raman.modalities`
(which re-exports them as their public home). This module imports nothing but
the standard library and nothing else of the package, so that
``sklearn_raman.nn`` stays a leaf: importing it never loads scikit-learn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral
from typing import NamedTuple

__all__ = ["Modality", "parse_modalities"]


class Modality(NamedTuple):
    """One block of columns: a spectrum ``(n_points,)`` or an image ``(c, h, w)``.

    Parameters
    ----------
    name : str
        The modality's name.
    shape : tuple of int
        ``(n_points,)`` for a spectrum, ``(channels, height, width)`` for an
        image.
    start, stop : int
        The block's columns, ``X[:, start:stop]``.

    Examples
    --------
    >>> from sklearn_raman.modalities import Modality
    >>> block = Modality("sem", (1, 8, 8), 100, 164)
    >>> block.is_image, block.stop - block.start
    (True, 64)
    """

    name: str
    shape: tuple[int, ...]
    start: int
    stop: int

    @property
    def is_image(self) -> bool:
        """Whether the block is an image."""
        return len(self.shape) == 3


def parse_modalities(modalities, n_columns: int) -> tuple[Modality, ...]:
    """The column blocks declared by ``modalities``, checked against ``n_columns``.

    Parameters
    ----------
    modalities : sequence of (str, int or tuple) or None
        ``(name, n_points)`` for a spectrum, ``(name, (height, width))`` for a
        grayscale image, ``(name, (channels, height, width))`` for an image of
        several channels, in column order; None: one spectrum of all columns.
    n_columns : int
        Columns of the input.

    Returns
    -------
    blocks : tuple of Modality
        Name, shape and column span of each block.

    Examples
    --------
    >>> from sklearn_raman.modalities import parse_modalities
    >>> [m.shape for m in parse_modalities([("ftir", 100), ("sem", (8, 8))], 164)]
    [(100,), (1, 8, 8)]
    """
    if modalities is None:
        return (Modality("spectrum", (int(n_columns),), 0, int(n_columns)),)
    if isinstance(modalities, (str, bytes)) or not isinstance(modalities, Sequence):
        raise ValueError(
            "modalities must be a list of (name, size) pairs, e.g. "
            f'[("ftir", 1800), ("sem", (64, 64))]; got {modalities!r}'
        )
    blocks, start = [], 0
    for entry in modalities:
        if not (isinstance(entry, Sequence) and len(entry) == 2):
            raise ValueError(
                f"each modality is a (name, size) pair; got {entry!r} in {modalities!r}"
            )
        name, size = entry
        if not isinstance(name, str) or not name:
            raise ValueError(f"a modality's name must be a non-empty str; got {name!r}")
        sizes = (size,) if not isinstance(size, Sequence) else tuple(size)
        if len(sizes) not in (1, 2, 3):
            raise ValueError(
                f"modality {name!r}: size must be n_points, (height, width) or "
                f"(channels, height, width); got {size!r}"
            )
        shape = _positive_ints(f"the size of modality {name!r}", sizes)
        if len(shape) == 2:
            shape = (1, *shape)
        stop = start + math.prod(shape)
        blocks.append(Modality(name, shape, start, stop))
        start = stop
    names = [b.name for b in blocks]
    if not blocks or len(set(names)) != len(names):
        raise ValueError(f"modalities need distinct names, at least one; got {names}")
    if start != n_columns:
        sizes = " + ".join(str(b.stop - b.start) for b in blocks)
        raise ValueError(
            f"modalities {names} declare {sizes} = {start} columns; X has "
            f"{n_columns}. Build X with stack_modalities or fix the sizes"
        )
    return tuple(blocks)


def _positive_ints(name: str, values) -> tuple[int, ...]:
    # numbers.Integral takes numpy's integers too, without importing numpy
    ok = all(
        isinstance(v, Integral) and not isinstance(v, bool) and v >= 1 for v in values
    )
    if not ok:
        raise ValueError(f"{name} must be integers >= 1; got {values!r}")
    return tuple(int(v) for v in values)
