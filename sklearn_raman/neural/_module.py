"""The module skorch trains: a spectrum net plus training-time behaviour."""

from __future__ import annotations

import contextlib

import torch
from torch import nn

from ..nn import SpectrumNet


class TrainingModule(nn.Module):
    """Wrap a :class:`~sklearn_raman.nn.SpectrumNet` for training.

    In training mode it perturbs the batch (``augment``) and, for nets with
    intermediate predictions and ``deep_supervision``, returns ``(logits,
    level_logits)`` for :class:`~sklearn_raman.nn.SpectrumLoss`. With
    ``autocast_dtype`` set, a training forward pass on a device of
    ``autocast_devices`` (CUDA) runs under :func:`torch.autocast`; logits come
    back in float32. Inference (eval mode) always runs in float32: bfloat16
    probabilities would carry 8 bits of mantissa, tie in top-k rankings and
    differ from a CPU's.
    """

    #: device types on which training autocasts
    autocast_devices: tuple[str, ...] = ("cuda",)

    def __init__(
        self,
        net: SpectrumNet,
        augment: nn.Module | None = None,
        deep_supervision: bool = False,
        autocast_dtype: torch.dtype | None = None,
    ):
        super().__init__()
        self.net = net
        self.augment = nn.Identity() if augment is None else net.augmentation(augment)
        self.deep_supervision = deep_supervision
        self.autocast_dtype = autocast_dtype

    def _autocast(self, x: torch.Tensor):
        device = x.device.type
        if (
            self.training
            and self.autocast_dtype is not None
            and device in self.autocast_devices
        ):
            return torch.autocast(device, dtype=self.autocast_dtype)
        return contextlib.nullcontext()

    def forward(self, x: torch.Tensor):
        """Logits, or (logits, level_logits) when training with deep supervision."""
        with self._autocast(x):
            x = self.augment(x)
            if self.training and self.deep_supervision:
                out = self.net.forward_with_levels(x)
            else:
                out = self.net(x)
        if isinstance(out, tuple):
            return tuple(o.float() for o in out)
        return out.float()

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate embedding of the wrapped net, in float32."""
        with self._autocast(x):
            return self.net.embed(x).float()
