"""Residual networks: the ResNet body (1D or 2D), ResNet-34-1D and SE-ResNet-1D.

:func:`resnet` builds the body of :class:`ResNet1D`, :class:`SEResNet1D` and
:class:`~sklearn_raman.nn.ResNet2D` (see :mod:`sklearn_raman.nn.backbones`);
:class:`BasicBlock` is also the block of CompactResNet1D and FusionNet.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ._base import SpectrumNet, positive_ints, scaled
from .backbones import Backbone, conv, layers, pooled_neck


class SqueezeExcitation1D(nn.Module):
    """Channel attention of Hu et al. (2018): pool, bottleneck MLP, sigmoid gate.

    Parameters
    ----------
    channels : int
        Channels of the maps it reweights.
    reduction : int, default=8
        Channels of the bottleneck: ``channels // reduction`` (at least 1).
    ndim : {1, 2}, default=1
        1 for spectra, 2 for images.

    Examples
    --------
    >>> SqueezeExcitation1D(16)(torch.ones(2, 16, 50)).shape
    torch.Size([2, 16, 50])
    """

    def __init__(self, channels: int, reduction: int = 8, ndim: int = 1):
        super().__init__()
        kind = layers(ndim)
        hidden = max(1, channels // reduction)
        self.gate = nn.Sequential(
            kind.adaptive_avg_pool(1),
            kind.conv(channels, hidden, 1),
            nn.ReLU(inplace=True),
            kind.conv(hidden, channels, 1),
            nn.Sigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Reweight the channels of ``x``.

        Parameters
        ----------
        x : Tensor of shape (batch, channels, ...)
            Feature maps.

        Returns
        -------
        out : Tensor of the shape of ``x``
            ``x``, each channel scaled by its gate in (0, 1).
        """
        return x * self.gate(x)


class BasicBlock(nn.Module):
    """Two convolutions with batch norm and a shortcut; optional SE on the residual.

    Parameters
    ----------
    c_in, c_out : int
        Input and output channels.
    stride : int
        Stride of the first convolution (2 halves the map); the shortcut is a
        strided 1-wide convolution with batch norm where the shape changes.
    kernel_size : int
        Kernel size of both convolutions ("same" padding).
    se_reduction : int or None
        Squeeze-and-excitation on the residual with this reduction; None:
        none.
    ndim : {1, 2}, default=1
        1 for spectra, 2 for images (square kernels).

    Examples
    --------
    >>> BasicBlock(8, 16, 2, 3, None, ndim=2)(torch.ones(1, 8, 10, 10)).shape
    torch.Size([1, 16, 5, 5])
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
        kind = layers(ndim)
        pad = kernel_size // 2
        self.residual = nn.Sequential(
            kind.conv(c_in, c_out, kernel_size, stride, pad, bias=False),
            kind.norm(c_out),
            nn.ReLU(inplace=True),
            kind.conv(c_out, c_out, kernel_size, 1, pad, bias=False),
            kind.norm(c_out),
        )
        if se_reduction:
            self.residual.append(SqueezeExcitation1D(c_out, se_reduction, ndim))
        self.shortcut = (
            nn.Identity()
            if stride == 1 and c_in == c_out
            else nn.Sequential(
                kind.conv(c_in, c_out, 1, stride, bias=False), kind.norm(c_out)
            )
        )
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Residual plus shortcut, then ReLU.

        Parameters
        ----------
        x : Tensor of shape (batch, c_in, ...)
            Feature maps.

        Returns
        -------
        out : Tensor of shape (batch, c_out, ...)
            The block's output (the map halved where ``stride`` is 2).
        """
        return self.act(self.residual(x) + self.shortcut(x))


def stage_widths(blocks, channels, width: float) -> tuple[tuple[int, ...], list[int]]:
    """Checked blocks per stage and scaled channels per stage of a ResNet.

    Examples
    --------
    >>> stage_widths((1, 2), (8, 16), 0.5)
    ((1, 2), [4, 8])
    """
    blocks = positive_ints("blocks", blocks)
    channels = positive_ints("channels", channels)
    if len(blocks) != len(channels):
        raise ValueError(
            f"blocks and channels need one entry per stage; got {blocks}, {channels}"
        )
    return blocks, [scaled(c, width) for c in channels]


def resnet(
    in_channels: int,
    ndim: int,
    *,
    blocks,
    channels,
    width: float,
    dropout: float,
    kernel_size: int = 3,
    stem_kernel: int = 7,
    se_reduction: int | None = None,
) -> Backbone:
    """ResNet with basic blocks, torchvision's layout.

    A stem (a ``stem_kernel``-wide convolution with stride 2, batch norm, ReLU,
    max pooling 3 with stride 2), stages of basic blocks (``blocks`` of each
    of ``channels``, the first block of every stage after the first halving
    the map), global average pooling and optional dropout as the neck.

    Examples
    --------
    >>> net = resnet(1, 1, blocks=(1, 1), channels=(8, 16), width=1.0, dropout=0.0)
    >>> [type(m).__name__ for m in net.features]
    ['Conv1d', 'BatchNorm1d', 'ReLU', 'MaxPool1d', 'BasicBlock', 'BasicBlock']
    """
    blocks, widths = stage_widths(blocks, channels, width)
    stem = conv(
        ndim, in_channels, widths[0], stem_kernel, 2, stem_kernel // 2, norm=True
    )
    body: list[nn.Module] = [*stem, layers(ndim).max_pool(3, 2, 1)]
    c_in = widths[0]
    for stage, (n_blocks, c_out) in enumerate(zip(blocks, widths)):
        for b in range(n_blocks):
            stride = 2 if stage > 0 and b == 0 else 1
            body.append(
                BasicBlock(c_in, c_out, stride, kernel_size, se_reduction, ndim)
            )
            c_in = c_out
    return Backbone(nn.Sequential(*body), pooled_neck(dropout, ndim))


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
        resnet(
            1,
            1,
            blocks=blocks,
            channels=channels,
            width=width,
            dropout=dropout,
            kernel_size=kernel_size,
            stem_kernel=stem_kernel,
            se_reduction=se_reduction,
        ).install(self)


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
