"""2D CNNs on spectra turned into images: LeNet-5, AlexNet, VGG16, ResNet34.

An image net is an encoder and a 2D backbone: :class:`SpectrumImageNet` turns
spectra (batch, n_points) into images on the fly
(:class:`~sklearn_raman.nn.SpectrumEncoder`) and feeds them to a 2D feature
extractor (a :class:`~sklearn_raman.nn.backbones.Backbone`). The networks of
the MICRO 2024 microplastics study are such pairs, twins of the 1D
:class:`~sklearn_raman.nn.LeNet1D`, :class:`~sklearn_raman.nn.AlexNet1D`,
:class:`~sklearn_raman.nn.ResNet1D` and :class:`~sklearn_raman.nn.VGG1D`.
LeNet, AlexNet and ResNet share one body with their 1D twins, run with
square kernels (:func:`~sklearn_raman.nn.backbones.lenet`,
:func:`~sklearn_raman.nn.backbones.alexnet`,
:func:`~sklearn_raman.nn.resnet.resnet`; each says where 1D and 2D differ).
VGG does not: :class:`VGG2D` is VGG16 (3 × 3 "same" convolutions, batch
normalisation) built by :func:`~sklearn_raman.nn.backbones.vgg`, while
:class:`~sklearn_raman.nn.VGG1D` (Sang et al., 2021: "valid" convolutions, no
batch normalisation) keeps its own body in :mod:`sklearn_raman.nn.vgg`; the
two share only their dense head.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import torch
import torch.nn.functional as F

from .._encoder import ENCODER_DEFAULTS, document_encoder
from ._base import _POOLS, SpectrumNet, _probe, min_input_length
from .backbones import Backbone, alexnet, lenet, vgg
from .encodings import SpectrumEncoder
from .resnet import resnet

#: (channels, convolutions) per block of VGG16 (Simonyan & Zisserman 2015, D)
VGG16_BLOCKS = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))

#: the parameters of :class:`SpectrumImageNet` that configure its encoder
_ENCODER = tuple(ENCODER_DEFAULTS)


@document_encoder
class SpectrumImageNet(SpectrumNet):
    """An encoder and a 2D backbone: ``classifier(neck(features(pad(encoder(x)))))``.

    As :class:`~sklearn_raman.nn.SpectrumNet`, with an ``encoder`` in front
    that turns the spectra into ``image_size`` × ``image_size`` images of one
    channel per encoding; ``features`` and ``neck`` come from a 2D
    ``backbone``. An image smaller than the backbone's minimum side
    (``min_image_size``) is zero-padded on the right and bottom. The Grad-CAM
    layer is the deepest feature map at least an eighth of the image wide
    (see :meth:`_fine_cam_layer`).

    :class:`LeNet2D`, :class:`AlexNet2D`, :class:`VGG2D` and :class:`ResNet2D`
    are this net with the backbones of :mod:`sklearn_raman.nn.backbones`; a
    subclass whose ``__init__`` ends in ``**encoder`` gets the encoder's
    parameters listed in its signature and, where its docstring holds the
    placeholder line, in its docstring (their one text, as in
    :class:`SpectrumEncoder`'s).

    Parameters
    ----------
    n_points : int
        Length of the spectra.
    n_classes : int
        Number of outputs.
    ENCODER_PARAMETERS
    backbone : callable or None, default=None
        ``backbone(in_channels) -> Backbone``, called with the encoder's
        channel count. None: the encoder alone, for a subclass to complete.

    Examples
    --------
    >>> import torch
    >>> from functools import partial
    >>> from sklearn_raman.nn import SpectrumImageNet
    >>> from sklearn_raman.nn.resnet import resnet
    >>> small = partial(resnet, ndim=2, blocks=(1, 1), channels=(8, 16),
    ...                 width=1.0, dropout=0.0)
    >>> net = SpectrumImageNet(1000, 19, encoding=("gasf", "mtf"), image_size=32,
    ...                        backbone=small)
    >>> net.eval()(torch.rand(2, 1000)).shape
    torch.Size([2, 19])
    """

    def __init__(
        self,
        n_points: int,
        n_classes: int,
        encoding: str | Sequence[str] = ENCODER_DEFAULTS["encoding"],
        image_size: int = ENCODER_DEFAULTS["image_size"],
        n_bins: int = ENCODER_DEFAULTS["n_bins"],
        wavelet: str = ENCODER_DEFAULTS["wavelet"],
        *,
        backbone: Callable[[int], Backbone] | None = None,
    ):
        super().__init__(n_points, n_classes)
        self.encoder = SpectrumEncoder(
            n_points, encoding, image_size, n_bins=n_bins, wavelet=wavelet
        )
        self.in_channels = self.encoder.n_channels
        if backbone is not None:
            backbone(self.in_channels).install(self)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        document_encoder(cls, required=False)
        # ``**encoder`` stands for the encoder's parameters: list them (with
        # this class's defaults) where they were, so that the signature, and
        # the classifiers declared from it, name them without a copy
        init = cls.__dict__.get("__init__")
        if init is None:
            return
        params = list(inspect.signature(init).parameters.values())
        if params[-1].kind is not inspect.Parameter.VAR_KEYWORD:
            return
        base = inspect.signature(SpectrumImageNet.__init__).parameters
        keyword = inspect.Parameter.KEYWORD_ONLY
        encoder = [base[name].replace(kind=keyword) for name in _ENCODER]
        own = [p for p in params[:-1] if p.name not in _ENCODER]
        at = next((k for k, p in enumerate(own) if p.kind is keyword), len(own))
        init.__signature__ = inspect.signature(init).replace(
            parameters=[*own[:at], *encoder, *own[at:]]
        )

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
        layer, up to the backbone's choice, whose map keeps an eighth of the
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
        """Spectra → the images the features see.

        Parameters
        ----------
        x : Tensor of shape (batch, n_points) or (batch, 1, n_points)
            Spectra.

        Returns
        -------
        images : Tensor of shape (batch, channels, input_size, input_size)
            The encoder's images, zero-padded at the right and bottom.
        """
        images = self.encoder(x)
        missing = self.input_size - images.shape[-1]
        return F.pad(images, (0, missing, 0, missing)) if missing > 0 else images


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
    n_points : int
        Length of the spectra.
    n_classes : int
        Number of outputs.
    ENCODER_PARAMETERS
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
        width: float = 1.0,
        dense_units: Sequence[int] = (120, 84),
        **encoder: Any,
    ):
        def backbone(c: int) -> Backbone:
            return lenet(c, 2, width=width, dense_units=dense_units)

        super().__init__(n_points, n_classes, **encoder, backbone=backbone)


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
    n_points : int
        Length of the spectra.
    n_classes : int
        Number of outputs.
    ENCODER_PARAMETERS
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
        width: float = 1.0,
        dense_units: Sequence[int] = (4096, 4096),
        dropout: float = 0.5,
        **encoder: Any,
    ):
        def backbone(c: int) -> Backbone:
            return alexnet(c, 2, width=width, dense_units=dense_units, dropout=dropout)

        super().__init__(n_points, n_classes, **encoder, backbone=backbone)


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
    n_points : int
        Length of the spectra.
    n_classes : int
        Number of outputs.
    ENCODER_PARAMETERS
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
        blocks: Sequence[tuple[int, int]] = VGG16_BLOCKS,
        width: float = 1.0,
        batch_norm: bool = True,
        dense_units: Sequence[int] = (512, 512),
        dropout: float = 0.5,
        **encoder: Any,
    ):
        def backbone(c: int) -> Backbone:
            return vgg(
                c,
                2,
                blocks=blocks,
                width=width,
                batch_norm=batch_norm,
                dense_units=dense_units,
                dropout=dropout,
            )

        super().__init__(n_points, n_classes, **encoder, backbone=backbone)


class ResNet2D(SpectrumImageNet):
    """ResNet (He et al., 2016) on spectrum images; twin of ResNet1D.

    torchvision's layout: a 7 × 7 stem convolution with stride 2, batch norm,
    ReLU and max pooling (3, stride 2); stages of basic blocks (3, 4, 6, 3 of
    64, 128, 256, 512 channels), every stage after the first halving the
    side; global average pooling; a linear layer. Any image side works.

    Parameters
    ----------
    n_points : int
        Length of the spectra.
    n_classes : int
        Number of outputs.
    ENCODER_PARAMETERS
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
        blocks: Sequence[int] = (3, 4, 6, 3),
        channels: Sequence[int] = (64, 128, 256, 512),
        width: float = 1.0,
        dropout: float = 0.0,
        **encoder: Any,
    ):
        def backbone(c: int) -> Backbone:
            return resnet(
                c, 2, blocks=blocks, channels=channels, width=width, dropout=dropout
            )

        super().__init__(n_points, n_classes, **encoder, backbone=backbone)
