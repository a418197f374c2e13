"""Training of a deep classifier: labels, validation split, the skorch run."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from skorch.dataset import Dataset
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from .._split import per_class_split
from ..nn import SpectrumNet
from ._callbacks import fit_workdir
from ._device import resolve_device, seeded_torch, torch_threads
from ._recipe import auto_epochs, build_net


def recalibrate_batch_norm(net: nn.Module, X: np.ndarray, *, batch_size: int, device):
    """Set the batch-norm running statistics to their mean over ``X``.

    During training they are an exponential moving average (momentum 0.1) that
    starts from mean 0, variance 1: after the few optimiser steps of a small
    data set it still carries much of that start, and the network, right in
    training mode, predicts one class for everything in eval mode. One pass
    over the (unaugmented) training spectra in training mode with a cumulative
    average (``momentum=None``), as :func:`torch.optim.swa_utils.update_bn`
    does, gives the statistics the weights were fitted with. Layers frozen in
    eval mode (fine-tuning) keep theirs.
    """
    was_training = net.training
    net.train()  # frozen modules stay in eval mode
    norms = [m for m in net.modules() if isinstance(m, _BatchNorm) and m.training]
    if norms and len(X) >= 2:
        momenta = [m.momentum for m in norms]
        for m in norms:
            m.reset_running_stats()
            m.momentum = None
        X = torch.as_tensor(X)
        # near-equal batches, none of a single spectrum (batch norm needs two)
        n_batches = -(-len(X) // max(batch_size, 2))
        with torch.no_grad():
            for part in torch.tensor_split(X, n_batches):
                net(part.to(device))
        for m, momentum in zip(norms, momenta):
            m.momentum = momentum
    net.train(was_training)


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
        with torch_threads(self.n_threads):
            self._train_on(net, X, y, seed=seed, max_epochs=max_epochs, lr=lr)

    def _train_on(self, net: SpectrumNet, X, y, *, seed, max_epochs, lr) -> None:
        device = resolve_device(self.device)
        train, valid = np.arange(len(y)), None
        if self.validation_fraction > 0:
            rng = check_random_state(seed)
            train, held = per_class_split(y, self.validation_fraction, rng)
            if len(held):
                valid = Dataset(torch.tensor(X[held]), torch.tensor(y[held]))
        if max_epochs is None and self.max_epochs == "auto":
            max_epochs = auto_epochs(len(train), self.batch_size)
        # dirname=None callbacks write into a directory of this fit alone
        with fit_workdir(self.callbacks) as workdir:
            skorch_net = self._skorch_net(
                net,
                device,
                y_train=y[train],
                seed=seed,
                max_epochs=max_epochs,
                lr=lr,
                valid=valid,
                workdir=workdir,
            )
            with seeded_torch(seed + 1):
                skorch_net.fit(torch.tensor(X[train]), torch.tensor(y[train]))
                self._set_net(skorch_net)
                recalibrate_batch_norm(
                    self.module_, X[train], batch_size=self.batch_size, device=device
                )
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
