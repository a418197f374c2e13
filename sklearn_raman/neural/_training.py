"""Training of a deep classifier: labels, validation split, the skorch run."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from skorch.dataset import Dataset

from .._split import per_class_split
from ..nn import SpectrumNet
from ._device import resolve_device, seeded_torch
from ._recipe import build_net


class TrainingMixin:
    """How :class:`~sklearn_raman.neural.SpectrumNetClassifier` trains a network."""

    def _check_targets(self, y) -> tuple[LabelEncoder, np.ndarray]:
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        if len(encoder.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes; "
                f"got 1 class ({encoder.classes_[0].tolist()!r})"
            )
        return encoder, encoder.transform(y).astype(np.int64)

    def _train(self, net: SpectrumNet, X, y, *, seed: int, max_epochs=None, lr=None):
        """Train ``net`` on encoded labels ``y`` and keep it as ``net_``."""
        device = resolve_device(self.device)
        train, valid = np.arange(len(y)), None
        if self.validation_fraction > 0:
            rng = check_random_state(seed)
            train, held = per_class_split(y, self.validation_fraction, rng)
            if len(held):
                valid = Dataset(torch.tensor(X[held]), torch.tensor(y[held]))
        skorch_net = self._skorch_net(
            net,
            device,
            y_train=y[train],
            seed=seed,
            max_epochs=max_epochs,
            lr=lr,
            valid=valid,
        )
        with seeded_torch(seed + 1):
            skorch_net.fit(torch.tensor(X[train]), torch.tensor(y[train]))
        self._set_net(skorch_net)
        self.history_ = skorch_net.history
        self.device_ = device

    def _skorch_net(self, net: SpectrumNet, device: str, **kwargs):
        """The (untrained) skorch net of this estimator's recipe around ``net``."""
        return build_net(
            self.get_params(deep=False),
            net,
            device,
            classes=getattr(self, "classes_", None),
            deep_supervision=self._deep_supervision(),
            **kwargs,
        )

    def _set_net(self, skorch_net) -> None:
        # predict with the eager modules: compiled ones only pay off in training
        for name in ("module_", "criterion_"):
            compiled = getattr(skorch_net, name)
            setattr(skorch_net, name, getattr(compiled, "_orig_mod", compiled))
        self.net_ = skorch_net
