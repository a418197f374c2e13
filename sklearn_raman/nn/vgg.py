"""VGG-style 1D CNN of Sang et al. (2021)."""

from __future__ import annotations

from collections.abc import Sequence

from torch import nn

from ._base import (
    SpectrumNet,
    before_pooling,
    flatten_neck,
    positive_ints,
    scaled,
)

#: (channels, convolutions) per block, Sang et al. (2021) table 2
SANG2021_BLOCKS = ((64, 2), (128, 2), (256, 4), (512, 4), (512, 4))


class VGG1D(SpectrumNet):
    """1D VGG network for Raman spectra (Sang et al., 2021, table 2).

    Five blocks of 3-point convolutions without padding ("valid") and ReLU, each
    closed by max pooling (2, stride 2), with 64, 128, 256, 512 and 512 channels
    and 2, 2, 4, 4, 4 convolutions; flatten; two dense blocks (512 units, batch
    normalisation, ReLU, dropout 0.5); a linear output layer (the softmax is in
    the loss). At 1570 input points and 192 classes it has 17,789,696 trainable
    parameters, as the paper's Keras model.

    Parameters
    ----------
    n_points : int
        Input length. Inputs shorter than the minimum the five blocks need (268
        points at the default configuration) are zero-padded.
    n_classes : int
        Number of outputs.
    blocks : sequence of (int, int), default=SANG2021_BLOCKS
        (channels, number of convolutions) of each block.
    width : float, default=1.0
        Multiplier of every channel count, to shrink the net for a CPU.
    kernel_size : int, default=3
        Convolution kernel size.
    dense_units : sequence of int, default=(512, 512)
        Units of the dense blocks.
    dropout : float, default=0.5
        Dropout rate of the dense blocks.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn import VGG1D
    >>> net = VGG1D(1570, 192)
    >>> sum(p.numel() for p in net.parameters() if p.requires_grad)
    17789696
    >>> net.eval()(torch.zeros(2, 1570)).shape
    torch.Size([2, 192])
    """

    def __init__(
        self,
        n_points: int,
        n_classes: int,
        *,
        blocks: Sequence[tuple[int, int]] = SANG2021_BLOCKS,
        width: float = 1.0,
        kernel_size: int = 3,
        dense_units: Sequence[int] = (512, 512),
        dropout: float = 0.5,
    ):
        super().__init__(n_points, n_classes)
        layers: list[nn.Module] = []
        c_in = 1
        for block in blocks:
            pair = positive_ints("each entry of blocks", block)
            if len(pair) != 2:
                raise ValueError(
                    f"blocks must hold (channels, convolutions) pairs; got {block!r}"
                )
            channels, n_convs = pair
            c_out = scaled(channels, width)
            for _ in range(n_convs):
                layers += [nn.Conv1d(c_in, c_out, kernel_size), nn.ReLU(inplace=True)]
                c_in = c_out
            layers.append(nn.MaxPool1d(2, 2))
        self.features = nn.Sequential(*layers)
        self.cam_layer_name = before_pooling(self.features, "features")
        self._build_head(flatten_neck(dense_units, dropout))
