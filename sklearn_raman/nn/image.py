"""2D CNNs on spectra turned into images: LeNet-5, AlexNet, VGG16, ResNet34.

The 2D networks of the MICRO 2024 microplastics study, twins of the 1D
:class:`~sklearn_raman.nn.LeNet1D`, :class:`~sklearn_raman.nn.AlexNet1D`,
:class:`~sklearn_raman.nn.VGG1D` and :class:`~sklearn_raman.nn.ResNet1D`: the
same layers with square kernels. Each takes spectra (batch, n_points) and
encodes them into images on the fly (:class:`~sklearn_raman.nn.SpectrumEncoder`)
before its 2D feature extractor.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ._base import (
    _POOLS,
    SpectrumNet,
    _probe,
    before_pooling,
    dropout_neck,
    flatten_neck,
    min_input_length,
    positive_ints,
    scaled,
)
from .encodings import SpectrumEncoder
from .resnet import BasicBlock, pooled_neck, stage_widths

#: (channels, convolutions) per block of VGG16 (Simonyan & Zisserman 2015, D)
VGG16_BLOCKS = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))


class SpectrumImageNet(SpectrumNet):
    """Base of the 2D CNNs: ``classifier(neck(features(pad(encoder(x)))))``.

    As :class:`~sklearn_raman.nn.SpectrumNet`, with an ``encoder`` in front
    that turns the spectra into ``image_size`` × ``image_size`` images of one
    channel per encoding; ``features`` is a 2D feature extractor. An image
    smaller than the net's minimum side (``min_image_size``) is zero-padded on
    the right and bottom. The Grad-CAM layer is the deepest feature map at
    least an eighth of the image wide (see :meth:`_fine_cam_layer`).

    Parameters
    ----------
    n_points : int
        Length of the spectra.
    n_classes : int
        Number of outputs.
    encoding : str or sequence of str, default="gasf"
        Encoding(s) of :class:`~sklearn_raman.nn.SpectrumEncoder`, one channel
        each.
    image_size : int, default=64
        Side of the images.
    n_bins : int, default=8
        Quantile bins of the Markov Transition Field.
    wavelet : {"ricker", "morlet"}, default="ricker"
        Wavelet of the scalogram.
    """

    def __init__(
        self,
        n_points: int,
        n_classes: int,
        encoding: str | Sequence[str] = "gasf",
        image_size: int = 64,
        n_bins: int = 8,
        wavelet: str = "ricker",
    ):
        super().__init__(n_points, n_classes)
        self.encoder = SpectrumEncoder(
            n_points, encoding, image_size, n_bins=n_bins, wavelet=wavelet
        )
        self.in_channels = self.encoder.n_channels

    def _build_head(self, make_neck) -> None:
        super()._build_head(make_neck)
        self.cam_layer_name = self._fine_cam_layer()

    def _probe_features(self) -> torch.Size:
        """Set the image side the features need; their output shape on it."""
        channels = self.in_channels
        self.min_image_size = min_input_length(self.features, channels, 4096, ndim=2)
        self.input_size = max(self.encoder.image_size, self.min_image_size)
        # spectra of any length are no input of a 2D net: the encoder fixes it
        self.min_length = self.input_length = self.n_points
        return _probe(self.features, channels, self.input_size, ndim=2)

    def _fine_cam_layer(self) -> str:
        """The Grad-CAM layer: the deepest map at least 1/8 of the image wide.

        An image net's last maps are a few cells wide (ResNet34 at 64 px: 2 ×
        2), too coarse to say where on the spectrum it looks; the deepest
        layer, up to the subclass's choice, whose map keeps an eighth of the
        image's side (8 cells at 64 px) is hooked instead. Pooling layers are
        skipped: the layer before a pooling keeps its finer map.
        """
        sides: dict[int, int] = {}
        layers = list(self.features)
        hooks = [
            layer.register_forward_hook(
                lambda m, i, out, k=k: sides.__setitem__(k, out.shape[-1])
            )
            for k, layer in enumerate(layers)
        ]
        try:
            _probe(self.features, self.in_channels, self.input_size, ndim=2)
        finally:
            for hook in hooks:
                hook.remove()
        chosen = self.cam_layer_name
        last = len(layers) - 1 if chosen == "features" else int(chosen.split(".")[1])
        target = max(2, -(-self.input_size // 8))
        for k in range(last, -1, -1):
            if sides[k] >= target and not isinstance(layers[k], _POOLS):
                return f"features.{k}"
        return chosen

    def pad(self, x: torch.Tensor) -> torch.Tensor:
        """Spectra (batch, n_points) → images (batch, channels, side, side)."""
        images = self.encoder(x)
        missing = self.input_size - images.shape[-1]
        return F.pad(images, (0, missing, 0, missing)) if missing > 0 else images


def _conv(c_in, c_out, kernel_size, stride=1, padding=0, norm=False):
    layers = [nn.Conv2d(c_in, c_out, kernel_size, stride, padding, bias=not norm)]
    if norm:
        layers.append(nn.BatchNorm2d(c_out))
    return [*layers, nn.ReLU(inplace=True)]


class LeNet2D(SpectrumImageNet):
    """LeNet-5 (LeCun et al., 1998) on spectrum images; twin of LeNet1D.

    Two 5 × 5 convolutions (6 and 16 filters), each followed by ReLU and max
    pooling (2, stride 2); flatten; dense 120 and 84 with ReLU; linear output.
    The first convolution pads by 2 pixels, as LeNet-5's 32 px input was
    MNIST's 28 px padded by 2: border pixels, where a reshaped spectrum
    starts, are seen centred (without it, the net did not learn 2-point
    inputs: 0.62 training accuracy against 0.93). Images smaller than 12 px
    are zero-padded.

    Parameters
    ----------
    n_points, n_classes, encoding, image_size, n_bins, wavelet
        See :class:`SpectrumImageNet`.
    width : float, default=1.0
        Multiplier of the filter counts.
    dense_units : sequence of int, default=(120, 84)
        Units of the hidden dense layers.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn import LeNet2D
    >>> LeNet2D(1000, 19, encoding="gasf", image_size=32).eval()(
    ...     torch.rand(2, 1000)).shape
    torch.Size([2, 19])
    """

    def __init__(
        self,
        n_points: int,
        n_classes: int,
        *,
        encoding: str | Sequence[str] = "gasf",
        image_size: int = 64,
        n_bins: int = 8,
        wavelet: str = "ricker",
        width: float = 1.0,
        dense_units: Sequence[int] = (120, 84),
    ):
        super().__init__(n_points, n_classes, encoding, image_size, n_bins, wavelet)
        c1, c2 = scaled(6, width), scaled(16, width)
        self.features = nn.Sequential(
            *_conv(self.in_channels, c1, 5, padding=2),
            nn.MaxPool2d(2, 2),
            *_conv(c1, c2, 5),
            nn.MaxPool2d(2, 2),
        )
        self.cam_layer_name = before_pooling(self.features, "features")
        self._build_head(flatten_neck(dense_units, 0.0, norm=False))


class AlexNet2D(SpectrumImageNet):
    """AlexNet (Krizhevsky et al., 2012) on spectrum images; twin of AlexNet1D.

    Five convolutions (96 filters of 11 × 11 with stride 4 and padding 2; 256
    of 5 × 5; 384, 384 and 256 of 3 × 3; "same" padding; ReLU), max pooling
    (3, stride 2) after the first, second and fifth; adaptive average pooling
    to 6 × 6 (as torchvision's AlexNet); two dense layers of 4096 with dropout
    0.5 and ReLU; linear output. Images smaller than the strides need (63 px)
    are zero-padded.

    Parameters
    ----------
    n_points, n_classes, encoding, image_size, n_bins, wavelet
        See :class:`SpectrumImageNet`.
    width : float, default=1.0
        Multiplier of the filter counts.
    dense_units : sequence of int, default=(4096, 4096)
        Units of the hidden dense layers.
    dropout : float, default=0.5
        Dropout before each hidden dense layer.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn import AlexNet2D
    >>> AlexNet2D(1000, 19, width=0.25, dense_units=(256,)).eval()(
    ...     torch.rand(2, 1000)).shape
    torch.Size([2, 19])
    """

    def __init__(
        self,
        n_points: int,
        n_classes: int,
        *,
        encoding: str | Sequence[str] = "gasf",
        image_size: int = 64,
        n_bins: int = 8,
        wavelet: str = "ricker",
        width: float = 1.0,
        dense_units: Sequence[int] = (4096, 4096),
        dropout: float = 0.5,
    ):
        super().__init__(n_points, n_classes, encoding, image_size, n_bins, wavelet)
        c = [scaled(x, width) for x in (96, 256, 384, 384, 256)]
        pool = lambda: nn.MaxPool2d(3, 2)  # noqa: E731
        self.features = nn.Sequential(
            *_conv(self.in_channels, c[0], 11, 4, 2),
            pool(),
            *_conv(c[0], c[1], 5, padding=2),
            pool(),
            *_conv(c[1], c[2], 3, padding=1),
            *_conv(c[2], c[3], 3, padding=1),
            *_conv(c[3], c[4], 3, padding=1),
            pool(),
            nn.AdaptiveAvgPool2d(6),
        )
        self.cam_layer_name = before_pooling(self.features, "features")
        self._build_head(dropout_neck(dense_units, dropout))


class VGG2D(SpectrumImageNet):
    """VGG16 (Simonyan & Zisserman, 2015) on spectrum images; twin of VGG1D.

    Five blocks of 3 × 3 convolutions with "same" padding, batch normalisation
    (torchvision's ``vgg16_bn``; ``batch_norm=False`` for the original) and
    ReLU, each closed by max pooling (2, stride 2): 64, 128, 256, 512 and 512
    channels, 2, 2, 3, 3, 3 convolutions. The head is VGG1D's (flatten, two
    dense blocks of 512 with batch normalisation and dropout 0.5): the image
    net's three layers of 4096 on a 7 × 7 map would hold 120 M weights for
    images of 64 px. Images smaller than 32 px are zero-padded.

    Parameters
    ----------
    n_points, n_classes, encoding, image_size, n_bins, wavelet
        See :class:`SpectrumImageNet`.
    blocks : sequence of (int, int), default=VGG16_BLOCKS
        (channels, convolutions) per block.
    width : float, default=1.0
        Multiplier of every channel count.
    batch_norm : bool, default=True
        Batch normalisation after every convolution.
    dense_units : sequence of int, default=(512, 512)
        Units of the dense blocks.
    dropout : float, default=0.5
        Dropout of the dense blocks.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn import VGG2D
    >>> VGG2D(1000, 19, width=0.125, image_size=32).eval()(torch.rand(2, 1000)).shape
    torch.Size([2, 19])
    """

    def __init__(
        self,
        n_points: int,
        n_classes: int,
        *,
        encoding: str | Sequence[str] = "gasf",
        image_size: int = 64,
        n_bins: int = 8,
        wavelet: str = "ricker",
        blocks: Sequence[tuple[int, int]] = VGG16_BLOCKS,
        width: float = 1.0,
        batch_norm: bool = True,
        dense_units: Sequence[int] = (512, 512),
        dropout: float = 0.5,
    ):
        super().__init__(n_points, n_classes, encoding, image_size, n_bins, wavelet)
        layers: list[nn.Module] = []
        c_in = self.in_channels
        for block in blocks:
            pair = positive_ints("each entry of blocks", block)
            if len(pair) != 2:
                raise ValueError(
                    f"blocks must hold (channels, convolutions) pairs; got {block!r}"
                )
            c_out = scaled(pair[0], width)
            for _ in range(pair[1]):
                layers += _conv(c_in, c_out, 3, padding=1, norm=batch_norm)
                c_in = c_out
            layers.append(nn.MaxPool2d(2, 2))
        self.features = nn.Sequential(*layers)
        self.cam_layer_name = before_pooling(self.features, "features")
        self._build_head(flatten_neck(dense_units, dropout))


class ResNet2D(SpectrumImageNet):
    """ResNet (He et al., 2016) on spectrum images; twin of ResNet1D.

    torchvision's layout: a 7 × 7 stem convolution with stride 2, batch norm,
    ReLU and max pooling (3, stride 2); stages of basic blocks (3, 4, 6, 3 of
    64, 128, 256, 512 channels), every stage after the first halving the
    side; global average pooling; a linear layer. Any image side works.

    Parameters
    ----------
    n_points, n_classes, encoding, image_size, n_bins, wavelet
        See :class:`SpectrumImageNet`.
    blocks : sequence of int, default=(3, 4, 6, 3)
        Basic blocks per stage.
    channels : sequence of int, default=(64, 128, 256, 512)
        Channels per stage.
    width : float, default=1.0
        Multiplier of every channel count.
    dropout : float, default=0.0
        Dropout before the output layer.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn import ResNet2D
    >>> ResNet2D(1000, 19, width=0.125, image_size=32).eval()(
    ...     torch.rand(2, 1000)).shape
    torch.Size([2, 19])
    """

    def __init__(
        self,
        n_points: int,
        n_classes: int,
        *,
        encoding: str | Sequence[str] = "gasf",
        image_size: int = 64,
        n_bins: int = 8,
        wavelet: str = "ricker",
        blocks: Sequence[int] = (3, 4, 6, 3),
        channels: Sequence[int] = (64, 128, 256, 512),
        width: float = 1.0,
        dropout: float = 0.0,
    ):
        super().__init__(n_points, n_classes, encoding, image_size, n_bins, wavelet)
        blocks, widths = stage_widths(blocks, channels, width)
        layers: list[nn.Module] = [
            nn.Conv2d(self.in_channels, widths[0], 7, 2, 3, bias=False),
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2, 1),
        ]
        c_in = widths[0]
        for stage, (n_blocks, c_out) in enumerate(zip(blocks, widths)):
            for b in range(n_blocks):
                stride = 2 if stage and not b else 1
                layers.append(BasicBlock(c_in, c_out, stride, 3, None, ndim=2))
                c_in = c_out
        self.features = nn.Sequential(*layers)
        self._build_head(pooled_neck(dropout, ndim=2))
