"""Classification loss with class weights, label smoothing and deep supervision."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class SpectrumLoss(nn.Module):
    """Cross-entropy on logits, optionally with deep supervision.

    The network may return a tuple ``(logits, level_logits)`` in training, where
    ``level_logits`` (levels, batch, n_classes) are the predictions of
    intermediate levels (DRCNN's recursions). The loss is then
    ``(1 - alpha) * CE(logits) + alpha * mean_level CE(level_logits)``, the
    recursive supervision of DRCN (Kim et al., 2016).

    Parameters
    ----------
    weight : torch.Tensor or None, default=None
        Class weights of the cross-entropy.
    label_smoothing : float, default=0.0
        Label smoothing of the cross-entropy.
    alpha : float, default=0.0
        Weight of the intermediate levels' loss.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn import SpectrumLoss
    >>> loss = SpectrumLoss(alpha=0.5)
    >>> logits, levels = torch.zeros(4, 3), torch.zeros(2, 4, 3)
    >>> round(float(loss((logits, levels), torch.tensor([0, 1, 2, 0]))), 4)
    1.0986
    """

    def __init__(
        self,
        weight: torch.Tensor | None = None,
        label_smoothing: float = 0.0,
        alpha: float = 0.0,
    ):
        super().__init__()
        self.register_buffer(
            "weight", None if weight is None else torch.as_tensor(weight)
        )
        self.label_smoothing = label_smoothing
        self.alpha = alpha

    def _ce(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(
            logits.float(),
            target,
            weight=self.weight,
            label_smoothing=self.label_smoothing,
        )

    def forward(self, output, target: torch.Tensor) -> torch.Tensor:
        """Loss of the network's output against the labels.

        Parameters
        ----------
        output : Tensor of shape (batch, n_classes) or tuple of Tensor
            Logits, or ``(logits, level_logits)`` with ``level_logits`` of
            shape (levels, batch, n_classes).
        target : Tensor of shape (batch,)
            Encoded labels, ``0 .. n_classes - 1``.

        Returns
        -------
        loss : Tensor
            The mean cross-entropy (a scalar), the levels' one mixed in with
            weight ``alpha``.
        """
        if isinstance(output, tuple):
            logits, levels = output
            loss = self._ce(logits, target)
            if self.alpha:
                flat = levels.reshape(-1, levels.shape[-1])
                level_loss = self._ce(flat, target.repeat(levels.shape[0]))
                loss = (1 - self.alpha) * loss + self.alpha * level_loss
            return loss
        return self._ce(output, target)
