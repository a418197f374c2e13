"""Mini-batches sliced from tensors: the training data path without per-sample work."""

from __future__ import annotations

import torch
from torch.utils.data import DataLoader


class TensorBatches:
    """skorch iterator yielding ``(X[idx], y[idx])`` slices of whole tensors.

    :class:`torch.utils.data.DataLoader` fetches every sample with a Python call
    and stacks them again (``collate``); for spectra, which are already one
    tensor, that is pure overhead. This iterator indexes the dataset's tensors
    once per batch, shuffling with one ``torch.randperm`` per epoch. Datasets
    that are not tensor-backed (a :class:`torch.utils.data.Subset`, a custom
    dataset) fall back to a ``DataLoader`` with the same arguments.

    Parameters
    ----------
    dataset : skorch.dataset.Dataset or torch Dataset
        Data; tensor-backed when it has tensor attributes ``X`` and ``y``.
    batch_size : int, default=32
        Rows per batch.
    shuffle : bool, default=False
        A new random order every epoch. When shuffling, a last batch of a
        single row is merged into the one before it (batch norm cannot train on
        one row).
    generator : torch.Generator or None, default=None
        Source of the shuffling order; None: the global RNG.
    **kwargs
        Passed on to the ``DataLoader`` fallback only.
    """

    def __init__(
        self,
        dataset,
        batch_size: int = 32,
        shuffle: bool = False,
        generator: torch.Generator | None = None,
        **kwargs,
    ):
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.generator = generator
        self.kwargs = kwargs
        X, y = getattr(dataset, "X", None), getattr(dataset, "y", None)
        self.tensors = (
            (X, y)
            if isinstance(X, torch.Tensor)
            and isinstance(y, torch.Tensor)
            and len(X) == len(y)
            else None
        )

    def _bounds(self, n: int) -> list[int]:
        bounds = list(range(0, n, self.batch_size)) + [n]
        if self.shuffle and len(bounds) > 2 and bounds[-1] - bounds[-2] == 1:
            del bounds[-2]
        return bounds

    def __len__(self) -> int:
        if self.tensors is None:
            return len(self._loader())
        return len(self._bounds(len(self.tensors[0]))) - 1

    def _loader(self) -> DataLoader:
        return DataLoader(
            self.dataset,
            batch_size=self.batch_size,
            shuffle=self.shuffle,
            generator=self.generator,
            **self.kwargs,
        )

    def __iter__(self):
        if self.tensors is None:
            yield from self._loader()
            return
        X, y = self.tensors
        n = len(X)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else None
        bounds = self._bounds(n)
        for start, stop in zip(bounds[:-1], bounds[1:]):
            if order is None:
                yield X[start:stop], y[start:stop]
            else:
                idx = order[start:stop]
                yield X[idx], y[idx]
