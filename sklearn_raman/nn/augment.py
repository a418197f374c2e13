"""On-the-fly augmentation of spectrum batches, as a torch module."""

from __future__ import annotations

import torch
from torch import nn

from .._noise import SCALE, SHIFT, SNR_DB, noise_std


class SpectrumAugment(nn.Module):
    """Random shift, intensity scale and noise for each spectrum of a batch.

    Active in training mode only (like dropout): in ``eval()`` mode it returns
    its input unchanged, so validation and prediction never see perturbed data.
    All of it is vectorised over the batch and runs on the batch's device.

    Parameters
    ----------
    shift : float, default=2.0
        Largest absolute shift in points, drawn uniformly per spectrum;
        fractional shifts are linearly interpolated, edge values repeated.
    snr_db : float or None, default=40.0
        SNR of additive Gaussian noise in dB (signal = each spectrum's intensity
        range); None: no noise.
    scale : (float, float) or None, default=(0.9, 1.1)
        Range of a uniform intensity factor; None: no scaling.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn import SpectrumAugment
    >>> aug = SpectrumAugment(shift=3.0)
    >>> x = torch.rand(4, 100)
    >>> bool(torch.equal(aug.eval()(x), x)), aug.train()(x).shape
    (True, torch.Size([4, 100]))
    """

    def __init__(
        self,
        shift: float = SHIFT,
        snr_db: float | None = SNR_DB,
        scale: tuple[float, float] | None = SCALE,
    ):
        super().__init__()
        if shift < 0:
            raise ValueError(f"shift must be >= 0; got {shift}")
        if scale is not None and not 0 < scale[0] <= scale[1]:
            raise ValueError(
                f"scale must be (low, high) with 0 < low <= high; got {scale}"
            )
        self.shift = float(shift)
        self.snr_db = snr_db
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Perturbed copy of ``x`` (batch, n) or (batch, 1, n) in training mode."""
        if not self.training:
            return x
        shape = x.shape
        x = x.reshape(shape[0], shape[-1])
        n, length = x.shape
        opts = {"device": x.device, "dtype": x.dtype}
        if self.shift > 0 and length > 1:
            shifts = (torch.rand(n, 1, **opts) * 2 - 1) * self.shift
            pos = (torch.arange(length, **opts) - shifts).clamp(0, length - 1)
            lo = pos.floor().long()
            hi = (lo + 1).clamp(max=length - 1)
            t = pos - lo
            x = x.gather(1, lo) * (1 - t) + x.gather(1, hi) * t
        if self.scale is not None:
            low, high = self.scale
            x = x * (low + (high - low) * torch.rand(n, 1, **opts))
        if self.snr_db is not None:
            spread = x.amax(dim=1, keepdim=True) - x.amin(dim=1, keepdim=True)
            x = x + torch.randn_like(x) * noise_std(spread, self.snr_db)
        return x.reshape(shape)
