"""1D residual networks: ResNet-34-1D and the squeeze-and-excitation SE-ResNet-1D."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ._base import SpectrumNet, positive_ints, scaled


class SqueezeExcitation1D(nn.Module):
    """Channel attention of Hu et al. (2018): pool, bottleneck MLP, sigmoid gate."""

    def __init__(self, channels: int, reduction: int = 8):
        super().__init__()
        hidden = max(1, channels // reduction)
        self.gate = nn.Sequential(
            nn.AdaptiveAvgPool1d(1),
            nn.Conv1d(channels, hidden, 1),
            nn.ReLU(inplace=True),
            nn.Conv1d(hidden, channels, 1),
            nn.Sigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Reweight the channels of ``x`` (batch, channels, length)."""
        return x * self.gate(x)


class BasicBlock(nn.Module):
    """Two convolutions with batch norm and a shortcut; optional SE on the residual.

    ``ndim=2``: the same block of square kernels, for the image nets.
    """

    def __init__(
        self,
        c_in: int,
        c_out: int,
        stride: int,
        kernel_size: int,
        se_reduction: int | None,
        ndim: int = 1,
    ):
        super().__init__()
        conv, norm = (
            (nn.Conv1d, nn.BatchNorm1d) if ndim == 1 else (nn.Conv2d, nn.BatchNorm2d)
        )
        pad = kernel_size // 2
        self.residual = nn.Sequential(
            conv(c_in, c_out, kernel_size, stride, pad, bias=False),
            norm(c_out),
            nn.ReLU(inplace=True),
            conv(c_out, c_out, kernel_size, 1, pad, bias=False),
            norm(c_out),
        )
        if se_reduction:
            self.residual.append(SqueezeExcitation1D(c_out, se_reduction))
        self.shortcut = (
            nn.Identity()
            if stride == 1 and c_in == c_out
            else nn.Sequential(conv(c_in, c_out, 1, stride, bias=False), norm(c_out))
        )
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Residual plus shortcut, then ReLU."""
        return self.act(self.residual(x) + self.shortcut(x))


def stage_widths(blocks, channels, width: float) -> tuple[tuple[int, ...], list[int]]:
    """Checked blocks per stage and scaled channels per stage of a ResNet."""
    blocks = positive_ints("blocks", blocks)
    channels = positive_ints("channels", channels)
    if len(blocks) != len(channels):
        raise ValueError(
            f"blocks and channels need one entry per stage; got {blocks}, {channels}"
        )
    return blocks, [scaled(c, width) for c in channels]


def pooled_neck(dropout: float, ndim: int = 1):
    """Neck maker: global average pooling, flatten, optional dropout."""
    pool = nn.AdaptiveAvgPool1d if ndim == 1 else nn.AdaptiveAvgPool2d

    def make(n_flat: int, n_channels: int):
        parts: list[nn.Module] = [pool(1), nn.Flatten()]
        if dropout:
            parts.append(nn.Dropout(dropout))
        return nn.Sequential(*parts), n_channels

    return make


class ResNet1D(SpectrumNet):
    """1D ResNet with basic blocks; ResNet-34 layout by default.

    Stem: a ``stem_kernel``-point convolution with stride 2, batch norm, ReLU and
    max pooling (3, stride 2). Stages of basic blocks (two convolutions and a
    shortcut); every stage after the first halves the length. Global average
    pooling gives the embedding, a linear layer the logits. The 1D adaptation of
    He et al. (2016) used by the MICRO 2024 microplastics study (ResNet34: 3, 4,
    6, 3 blocks of 64, 128, 256, 512 channels); the study gives no 1D kernel
    sizes, so the image net's 7-point stem and 3-point blocks are kept.

    Parameters
    ----------
    n_points : int
        Input length (shorter inputs are zero-padded).
    n_classes : int
        Number of outputs.
    blocks : sequence of int, default=(3, 4, 6, 3)
        Basic blocks per stage.
    channels : sequence of int, default=(64, 128, 256, 512)
        Channels per stage.
    width : float, default=1.0
        Multiplier of every channel count.
    kernel_size : int, default=3
        Kernel size inside the blocks.
    stem_kernel : int, default=7
        Kernel size of the stem convolution.
    se_reduction : int or None, default=None
        Add squeeze-and-excitation with this reduction to every block.
    dropout : float, default=0.0
        Dropout before the output layer.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn import ResNet1D
    >>> ResNet1D(1000, 19).eval()(torch.zeros(2, 1000)).shape
    torch.Size([2, 19])
    """

    def __init__(
        self,
        n_points: int,
        n_classes: int,
        *,
        blocks: Sequence[int] = (3, 4, 6, 3),
        channels: Sequence[int] = (64, 128, 256, 512),
        width: float = 1.0,
        kernel_size: int = 3,
        stem_kernel: int = 7,
        se_reduction: int | None = None,
        dropout: float = 0.0,
    ):
        super().__init__(n_points, n_classes)
        blocks, widths = stage_widths(blocks, channels, width)
        layers: list[nn.Module] = [
            nn.Conv1d(1, widths[0], stem_kernel, 2, stem_kernel // 2, bias=False),
            nn.BatchNorm1d(widths[0]),
            nn.ReLU(inplace=True),
            nn.MaxPool1d(3, 2, 1),
        ]
        c_in = widths[0]
        for stage, (n_blocks, c_out) in enumerate(zip(blocks, widths)):
            for b in range(n_blocks):
                stride = 2 if stage > 0 and b == 0 else 1
                layers.append(
                    BasicBlock(c_in, c_out, stride, kernel_size, se_reduction)
                )
                c_in = c_out
        self.features = nn.Sequential(*layers)
        self._build_head(pooled_neck(dropout))


class SEResNet1D(ResNet1D):
    """Residual 1D CNN with squeeze-and-excitation (after Huang et al., 2025).

    Huang et al. improve a residual network for Raman spectra of microplastics
    with squeeze-and-excitation blocks, which reweight channels by their global
    response and make the net robust to noise at little extra cost. Their layer
    table is not public; this is a compact ResNet-18-like layout sized for a
    CPU: a 7-point stem with stride 2 and pooling, four stages of two SE basic
    blocks (32, 64, 128, 256 channels, reduction 8), global average pooling,
    dropout 0.2 and a linear output. Depth (``blocks``) and width (``channels``,
    ``width``) are configurable.

    Parameters
    ----------
    n_points : int
        Input length.
    n_classes : int
        Number of outputs.
    blocks : sequence of int, default=(2, 2, 2, 2)
        SE basic blocks per stage.
    channels : sequence of int, default=(32, 64, 128, 256)
        Channels per stage.
    width : float, default=1.0
        Multiplier of every channel count.
    kernel_size : int, default=7
        Kernel size inside the blocks (wider than images' 3: Raman bands span
        several points).
    stem_kernel : int, default=7
        Kernel size of the stem convolution.
    se_reduction : int, default=8
        Squeeze-and-excitation reduction ratio.
    dropout : float, default=0.2
        Dropout before the output layer.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn import SEResNet1D
    >>> SEResNet1D(1570, 192).eval()(torch.zeros(2, 1570)).shape
    torch.Size([2, 192])
    """

    def __init__(
        self,
        n_points: int,
        n_classes: int,
        *,
        blocks: Sequence[int] = (2, 2, 2, 2),
        channels: Sequence[int] = (32, 64, 128, 256),
        width: float = 1.0,
        kernel_size: int = 7,
        stem_kernel: int = 7,
        se_reduction: int = 8,
        dropout: float = 0.2,
    ):
        super().__init__(
            n_points,
            n_classes,
            blocks=blocks,
            channels=channels,
            width=width,
            kernel_size=kernel_size,
            stem_kernel=stem_kernel,
            se_reduction=se_reduction,
            dropout=dropout,
        )
