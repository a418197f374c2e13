"""The training recipe: a skorch net built from an estimator's parameters.

Everything here is a function of the estimator's parameters (``get_params()``)
and of the data at hand; nothing reads or writes the estimator itself.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

import numpy as np
import torch
from sklearn.utils.class_weight import compute_class_weight
from skorch import NeuralNetClassifier
from skorch.callbacks import EarlyStopping, LRScheduler
from skorch.helper import predefined_split
from torch import nn

from ..nn import SpectrumAugment, SpectrumLoss, SpectrumNet
from ._callbacks import AnnealedLR, PlainPrintLog, TimeBudget, user_callbacks
from ._device import autocast_dtype
from ._inference import inference_rows
from ._loader import TensorBatches
from ._module import TrainingModule

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}
#: ``augment=True``: the defaults of :class:`~sklearn_raman.nn.SpectrumAugment`
AUGMENT_DEFAULTS = {
    name: p.default for name, p in inspect.signature(SpectrumAugment).parameters.items()
}


#: ``max_epochs="auto"``: epochs for at least this many optimizer steps, ...
AUTO_STEPS = 2000
#: ... and never fewer or more epochs than these
AUTO_EPOCHS = (40, 1000)


def auto_epochs(n_train: int, batch_size: int) -> int:
    """The epochs of ``max_epochs="auto"`` for ``n_train`` training spectra.

    The recommended recipe was tuned on RRUFF, where 40 epochs of thousands of
    spectra are 2,000 to 4,000 optimizer steps; on a few hundred spectra the
    same 40 epochs are a few hundred steps, too few for the one-cycle schedule
    to converge. "auto" keeps 40 epochs for large sets and trains small ones
    for :data:`AUTO_STEPS` steps, within the bounds :data:`AUTO_EPOCHS`.
    """
    steps_per_epoch = -(-n_train // batch_size)
    lo, hi = AUTO_EPOCHS
    return int(min(hi, max(lo, -(-AUTO_STEPS // steps_per_epoch))))


def augmenter(augment) -> nn.Module | None:
    """The on-the-fly augmentation of ``augment`` (False, True or a dict)."""
    if augment is False:
        return None
    params = dict(AUGMENT_DEFAULTS)
    if isinstance(augment, dict):
        unknown = set(augment) - set(AUGMENT_DEFAULTS)
        if unknown:
            raise ValueError(
                f"augment takes the keys {sorted(AUGMENT_DEFAULTS)}; "
                f"got {sorted(unknown)}"
            )
        params.update(augment)
    return SpectrumAugment(**params)


def class_weights(class_weight, classes, y: np.ndarray) -> torch.Tensor | None:
    """Loss weights of the encoded classes ``0 .. len(classes) - 1``."""
    if class_weight is None:
        return None
    weights = np.ones(len(classes))
    if isinstance(class_weight, dict):
        for label, w in class_weight.items():
            idx = np.flatnonzero(np.asarray(classes) == label)
            if idx.size == 0:
                raise ValueError(f"class_weight names {label!r}, not a class of y")
            weights[idx[0]] = w
    else:
        present = np.unique(y)
        weights[present] = compute_class_weight("balanced", classes=present, y=y)
    return torch.tensor(weights, dtype=torch.float32)


def callbacks(params: Mapping, has_valid: bool, max_epochs: int, lr: float) -> list:
    """Early stopping, time budget and learning-rate schedule, as configured.

    The recipe's own; the user's (``callbacks=``) follow them in the net.
    """
    out = []
    if has_valid and params["patience"] is not None:
        # class weights change what "best" means: follow the weighted loss
        weighted = params["class_weight"] is not None
        stopper = EarlyStopping(
            monitor="valid_loss" if weighted else "valid_acc",
            lower_is_better=weighted,
            patience=params["patience"],
            load_best=True,
        )
        out.append(("early_stopping", stopper))
    if params["max_time"] is not None:
        out.append(("time_budget", TimeBudget(params["max_time"])))
    schedule = params["lr_schedule"]
    if schedule in ("cosine", "onecycle"):
        annealed = AnnealedLR(schedule, lr, max_epochs, params["max_time"])
        out.append(("lr_schedule", annealed))
    if schedule == "plateau":
        plateau = LRScheduler(
            torch.optim.lr_scheduler.ReduceLROnPlateau,
            monitor="valid_loss" if has_valid else "train_loss",
            patience=max(1, (params["patience"] or 10) // 3),
        )
        out.append(("lr_schedule", plateau))
    return out


def _softmax(logits: torch.Tensor) -> torch.Tensor:
    return torch.softmax(logits, dim=-1)


class _Net(NeuralNetClassifier):
    """skorch's classifier with the epoch log of :class:`~._callbacks.PlainPrintLog`."""

    def get_default_callbacks(self):
        return [
            (name, PlainPrintLog() if name == "print_log" else cb)
            for name, cb in super().get_default_callbacks()
        ]


def build_net(
    params: Mapping,
    net: SpectrumNet,
    device: str,
    *,
    classes=None,
    deep_supervision: float = 0.0,
    y_train=None,
    seed: int = 0,
    max_epochs: int | None = None,
    lr: float | None = None,
    valid=None,
    workdir: str | None = None,
) -> NeuralNetClassifier:
    """The skorch net (not yet trained) that trains ``net`` with ``params``.

    Parameters
    ----------
    params : mapping
        The estimator's parameters (``get_params(deep=False)``).
    net : SpectrumNet
        The torch network.
    device : str
        A resolved device (``"cpu"``, ``"cuda"``, ``"cuda:1"``).
    classes : array-like, default=None
        The labels of the encoded classes (for a ``class_weight`` dict).
    deep_supervision : float, default=0.0
        Weight of the intermediate-level losses (DRCNN's ``alpha``).
    y_train : ndarray, default=None
        Encoded training labels (for class weights); None: no weights.
    seed : int, default=0
        Seed of the shuffling.
    max_epochs, lr : default=None
        Override the parameters' values (fine-tuning).
    valid : skorch Dataset, default=None
        Validation data, or None.
    workdir : str, default=None
        The fit's temporary directory for user callbacks with ``dirname=None``
        (:func:`~._callbacks.fit_workdir`).
    """
    max_epochs = params["max_epochs"] if max_epochs is None else max_epochs
    lr = params["lr"] if lr is None else lr
    optimizer = params["optimizer"]
    opt_kwargs = {
        f"optimizer__{k}": v for k, v in (params["optimizer_kwargs"] or {}).items()
    }
    if params["weight_decay"]:
        opt_kwargs["optimizer__weight_decay"] = params["weight_decay"]
    module = TrainingModule(
        net,
        augmenter(params["augment"]),
        deep_supervision=deep_supervision > 0,
        autocast_dtype=autocast_dtype(params["mixed_precision"], device),
    )
    weights = (
        None
        if y_train is None
        else class_weights(params["class_weight"], classes, y_train)
    )
    return _Net(
        module,
        criterion=SpectrumLoss,
        criterion__weight=weights,
        criterion__label_smoothing=params["label_smoothing"],
        criterion__alpha=deep_supervision,
        optimizer=OPTIMIZERS.get(optimizer, optimizer),
        lr=lr,
        max_epochs=max_epochs,
        batch_size=params["batch_size"],
        train_split=None if valid is None else predefined_split(valid),
        callbacks=[
            *callbacks(params, valid is not None, max_epochs, lr),
            *user_callbacks(params["callbacks"], workdir),
        ],
        classes=np.arange(net.n_classes),
        predict_nonlinearity=_softmax,
        # batches sliced from whole tensors: no per-sample Python in the loop
        iterator_train=TensorBatches,
        iterator_valid=TensorBatches,
        iterator_train__shuffle=True,
        iterator_train__generator=torch.Generator().manual_seed(seed),
        # large no-grad batches are fast, but not where feature maps are large
        iterator_valid__batch_size=max(
            params["batch_size"],
            inference_rows(net, net.n_points, device, most=256),
        ),
        # a loader draws its base seed from its generator: keep the global RNG out
        iterator_valid__generator=torch.Generator(),
        device=device,
        compile=params["compile"],
        verbose=params["verbose"],
        **opt_kwargs,
    )
