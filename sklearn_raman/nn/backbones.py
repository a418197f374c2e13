"""Feature extractors written once for spectra (1D) and images (2D).

A backbone is what a network holds between its input and its output layer:
the feature extractor (``features``), a maker of the neck that turns its maps
into the embedding, and the layer Grad-CAM explains. Each function here builds
one for ``ndim=1`` (spectra: maps of shape (batch, channels, length)) or
``ndim=2`` (images: (batch, channels, side, side)) from the layers of that
dimension, so a 1D net and its 2D twin are the same code
(:class:`~sklearn_raman.nn.AlexNet1D` and :class:`~sklearn_raman.nn.AlexNet2D`,
:class:`~sklearn_raman.nn.LeNet1D` and :class:`~sklearn_raman.nn.LeNet2D`;
the ResNets' body, :func:`~sklearn_raman.nn.resnet.resnet`, is with their
blocks in :mod:`sklearn_raman.nn.resnet`). :func:`vgg` builds
:class:`~sklearn_raman.nn.VGG2D` only: :class:`~sklearn_raman.nn.VGG1D` (Sang
et al., 2021) keeps its own body in :mod:`sklearn_raman.nn.vgg`.

Every builder takes the input channels (``in_channels``: 1 for a spectrum,
the encoder's channels for an image) and ``ndim``, then the net's own
parameters by keyword (their defaults are the nets'), and returns a
:class:`Backbone`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from torch import nn

from ._base import before_pooling, dropout_neck, flatten_neck, positive_ints, scaled

#: a neck maker: (flattened feature size, channels) -> (neck, embedding size)
NeckMaker = Callable[[int, int], tuple[nn.Module, int]]


class Layers(NamedTuple):
    """The layer classes of one dimension."""

    conv: type[nn.Module]
    norm: type[nn.Module]
    max_pool: type[nn.Module]
    adaptive_avg_pool: type[nn.Module]


_LAYERS = {
    1: Layers(nn.Conv1d, nn.BatchNorm1d, nn.MaxPool1d, nn.AdaptiveAvgPool1d),
    2: Layers(nn.Conv2d, nn.BatchNorm2d, nn.MaxPool2d, nn.AdaptiveAvgPool2d),
}


def layers(ndim: int) -> Layers:
    """The convolution, batch norm and pooling classes for ``ndim`` 1 or 2.

    Examples
    --------
    >>> layers(2).conv.__name__
    'Conv2d'
    """
    if ndim not in _LAYERS:
        raise ValueError(f"ndim must be 1 (spectra) or 2 (images); got {ndim!r}")
    return _LAYERS[ndim]


class Backbone(NamedTuple):
    """A feature extractor, the maker of its neck and its Grad-CAM layer.

    Parameters
    ----------
    features : nn.Sequential
        Maps (batch, channels, ...) to feature maps.
    neck : callable
        ``neck(n_flat, n_channels) -> (module, embedding size)``, called with
        the size of the features' output once the net knows its input size.
    cam_layer : str, default="features"
        Dotted name, in the net, of the layer whose map Grad-CAM explains.

    Examples
    --------
    >>> from torch import nn
    >>> from sklearn_raman.nn import SpectrumImageNet
    >>> from sklearn_raman.nn.backbones import Backbone, conv, pooled_neck
    >>> def tiny(in_channels):
    ...     features = nn.Sequential(*conv(2, in_channels, 8, 3))
    ...     return Backbone(features, pooled_neck(0.0, ndim=2))
    >>> SpectrumImageNet(300, 4, image_size=16, backbone=tiny).embedding_dim
    8
    """

    features: nn.Sequential
    neck: NeckMaker
    cam_layer: str = "features"

    def install(self, net: nn.Module) -> None:
        """Make this the body of ``net`` and size its head.

        Parameters
        ----------
        net : SpectrumNet
            The net that takes these features, neck and Grad-CAM layer.
        """
        net.features = self.features
        net.cam_layer_name = self.cam_layer
        net._build_head(self.neck)


def conv(
    ndim: int,
    c_in: int,
    c_out: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    *,
    norm: bool = False,
    inplace: bool = True,
) -> list[nn.Module]:
    """A convolution, batch norm (``norm``: then the convolution has no bias), ReLU.

    Examples
    --------
    >>> [type(m).__name__ for m in conv(1, 1, 8, 3, norm=True)]
    ['Conv1d', 'BatchNorm1d', 'ReLU']
    """
    kind = layers(ndim)
    out = [kind.conv(c_in, c_out, kernel_size, stride, padding, bias=not norm)]
    if norm:
        out.append(kind.norm(c_out))
    return [*out, nn.ReLU(inplace=inplace)]


def pooled_neck(dropout: float, ndim: int = 1) -> NeckMaker:
    """Neck maker: global average pooling, flatten, optional dropout.

    Examples
    --------
    >>> neck, size = pooled_neck(0.2)(n_flat=640, n_channels=64)
    >>> size
    64
    """
    pool = layers(ndim).adaptive_avg_pool

    def make(n_flat: int, n_channels: int):
        parts: list[nn.Module] = [pool(1), nn.Flatten()]
        if dropout:
            parts.append(nn.Dropout(dropout))
        return nn.Sequential(*parts), n_channels

    return make


def _ending_in_pooling(features: nn.Sequential, neck: NeckMaker) -> Backbone:
    return Backbone(features, neck, before_pooling(features, "features"))


def lenet(in_channels: int, ndim: int, *, width: float, dense_units) -> Backbone:
    """LeNet-5: two 5-wide convolutions (6, 16 filters), ReLU, max pooling 2.

    In 2D the first convolution pads by 2, as LeNet-5's 32 px input was
    MNIST's 28 px padded by 2: border pixels, where a reshaped spectrum
    starts, are seen centred (without it the 2D net did not learn 2-point
    inputs: 0.62 training accuracy against 0.93). The 1D net does not pad.

    Examples
    --------
    >>> lenet(1, 1, width=1.0, dense_units=(120, 84)).features[0]
    Conv1d(1, 6, kernel_size=(5,), stride=(1,))
    """
    c1, c2 = scaled(6, width), scaled(16, width)
    pool = layers(ndim).max_pool
    features = nn.Sequential(
        *conv(ndim, in_channels, c1, 5, padding=2 if ndim == 2 else 0),
        pool(2, 2),
        *conv(ndim, c1, c2, 5),
        pool(2, 2),
    )
    return _ending_in_pooling(features, flatten_neck(dense_units, 0.0, norm=False))


def alexnet(
    in_channels: int, ndim: int, *, width: float, dense_units, dropout: float
) -> Backbone:
    """AlexNet: five convolutions, max pooling 3 after the 1st, 2nd and 5th.

    96 filters of 11 with stride 4, 256 of 5, 384, 384 and 256 of 3, "same"
    padding but for the first convolution of the 2D net, which pads by 2 as
    torchvision's AlexNet; adaptive average pooling to 6 (per side); the
    neck of two dropout-linear-ReLU layers. The 1D net's activations are not
    in place, as it was first written: a hooked convolution keeps its output.

    Examples
    --------
    >>> alexnet(1, 2, width=0.25, dense_units=(64,), dropout=0.5).features[0]
    Conv2d(1, 24, kernel_size=(11, 11), stride=(4, 4), padding=(2, 2))
    """
    kind = layers(ndim)
    c = [scaled(x, width) for x in (96, 256, 384, 384, 256)]
    first = 2 if ndim == 2 else 11 // 2
    # (c_in, c_out, kernel, stride, padding, pooled after)
    plan = [
        (in_channels, c[0], 11, 4, first, True),
        (c[0], c[1], 5, 1, 2, True),
        (c[1], c[2], 3, 1, 1, False),
        (c[2], c[3], 3, 1, 1, False),
        (c[3], c[4], 3, 1, 1, True),
    ]
    body: list[nn.Module] = []
    for c_in, c_out, kernel, stride, padding, pooled in plan:
        body += conv(ndim, c_in, c_out, kernel, stride, padding, inplace=ndim == 2)
        if pooled:
            body.append(kind.max_pool(3, 2))
    features = nn.Sequential(*body, kind.adaptive_avg_pool(6))
    return _ending_in_pooling(features, dropout_neck(dense_units, dropout))


def vgg(
    in_channels: int,
    ndim: int,
    *,
    blocks: Sequence[tuple[int, int]],
    width: float,
    batch_norm: bool,
    dense_units,
    dropout: float,
) -> Backbone:
    """VGG: blocks of 3-wide "same" convolutions, each closed by max pooling 2.

    ``blocks`` holds (channels, convolutions) per block; ``batch_norm`` puts
    batch normalisation after every convolution; the neck is a flatten and
    dense blocks with batch normalisation and dropout.

    Examples
    --------
    >>> net = vgg(1, 2, blocks=((8, 1), (16, 2)), width=1.0, batch_norm=True,
    ...           dense_units=(32,), dropout=0.5)
    >>> len(net.features), net.cam_layer
    (11, 'features.9')
    """
    body: list[nn.Module] = []
    c_in = in_channels
    for block in blocks:
        pair = positive_ints("each entry of blocks", block)
        if len(pair) != 2:
            raise ValueError(
                f"blocks must hold (channels, convolutions) pairs; got {block!r}"
            )
        c_out = scaled(pair[0], width)
        for _ in range(pair[1]):
            body += conv(ndim, c_in, c_out, 3, padding=1, norm=batch_norm)
            c_in = c_out
        body.append(layers(ndim).max_pool(2, 2))
    return _ending_in_pooling(nn.Sequential(*body), flatten_neck(dense_units, dropout))
