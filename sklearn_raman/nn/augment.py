"""On-the-fly augmentation of batches as torch modules: spectra, blocks of a row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch
from torch import nn

# the package's one SNR definition; _noise imports numpy only, nothing of the
# package, so nn stays a leaf
from .._noise import SCALE, SHIFT, SNR_DB, noise_std

if TYPE_CHECKING:
    from .._modality import Modality


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
        """Perturbed copy of ``x`` in training mode, ``x`` itself in eval mode.

        Parameters
        ----------
        x : torch.Tensor
            Spectra, (batch, n) or (batch, 1, n).

        Returns
        -------
        x : torch.Tensor
            Of the shape of ``x``.
        """
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


class BlockAugment(nn.Module):
    """Augment each block of a batch on its own, as its kind allows.

    Spectrum blocks get the spectrum augmentation (shift, scale, noise);
    image blocks random flips and, when square, transposes (a surface seen
    by a microscope has no preferred orientation). Active in training mode
    only, as :class:`SpectrumAugment`.

    Parameters
    ----------
    augment : torch.nn.Module
        The augmentation of a spectrum block (batch, n_points), e.g.
        :class:`SpectrumAugment`.
    modalities : sequence of Modality
        The blocks of a row (see :func:`~sklearn_raman.modalities.parse_modalities`).

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.modalities import parse_modalities
    >>> from sklearn_raman.nn import SpectrumAugment
    >>> from sklearn_raman.nn.augment import BlockAugment
    >>> blocks = parse_modalities([("ftir", 10), ("sem", (4, 4))], 26)
    >>> aug = BlockAugment(SpectrumAugment(), blocks)
    >>> x = torch.rand(3, 26)
    >>> aug.train()(x).shape, bool(torch.equal(aug.eval()(x), x))
    (torch.Size([3, 26]), True)
    """

    def __init__(self, augment: nn.Module, modalities: Sequence[Modality]):
        super().__init__()
        self.augment = augment
        self.modalities = tuple(modalities)

    def _turn(self, block: torch.Tensor, shape) -> torch.Tensor:
        images = block.reshape(len(block), *shape)
        n, opts = len(images), {"device": images.device}
        flip = torch.rand(n, 2, **opts) < 0.5
        images = torch.where(flip[:, 0, None, None, None], images.flip(-1), images)
        images = torch.where(flip[:, 1, None, None, None], images.flip(-2), images)
        if shape[-1] == shape[-2]:
            turn = torch.rand(n, **opts) < 0.5
            images = torch.where(
                turn[:, None, None, None], images.transpose(-1, -2), images
            )
        return images.reshape(n, -1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` with each block perturbed (training mode only).

        Parameters
        ----------
        x : torch.Tensor
            Rows of concatenated blocks, (batch, n) or (batch, 1, n).

        Returns
        -------
        x : torch.Tensor
            Of the shape of ``x``.
        """
        if not self.training:
            return x
        shape = x.shape
        x = x.reshape(shape[0], shape[-1])
        parts = []
        for m in self.modalities:
            block = x[:, m.start : m.stop]
            parts.append(
                self._turn(block, m.shape) if m.is_image else self.augment(block)
            )
        return torch.cat(parts, dim=1).reshape(shape)
