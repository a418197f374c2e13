"""The comparison networks of the papers.

Liu 2017, DeepCID 2019, Zhang 2020, and the 1D LeNet and AlexNet of the MICRO
2024 microplastics study.
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import nn

from ._base import SpectrumNet, before_pooling, flatten_neck, scaled
from .backbones import alexnet, lenet


def _conv_block(
    c_in,
    c_out,
    kernel_size,
    *,
    stride=1,
    norm=False,
    act=nn.ReLU,
    pool: nn.Module | None = None,
) -> list[nn.Module]:
    layers: list[nn.Module] = [
        nn.Conv1d(c_in, c_out, kernel_size, stride, padding=kernel_size // 2)
    ]
    if norm:
        layers.append(nn.BatchNorm1d(c_out))
    layers.append(act())
    if pool is not None:
        layers.append(pool)
    return layers


class LiuCNN(SpectrumNet):
    """LeNet-style CNN of Liu et al. (2017), "a unified solution" for Raman spectra.

    Three convolutions (16, 32, 64 filters of 21, 11 and 5 points, "same"
    padding), each followed by batch normalisation, leaky ReLU and max pooling
    (2, stride 2); flatten; a dense layer of 2048 units with tanh and dropout 0.5;
    linear output. The leaky ReLU slope (0.1, a common Keras reimplementation's
    choice) is not given in the paper.

    Parameters
    ----------
    n_points : int
        Input length (zero-padded to at least 8 points).
    n_classes : int
        Number of outputs.
    width : float, default=1.0
        Multiplier of the filter counts.
    dense_units : int, default=2048
        Units of the hidden dense layer.
    dropout : float, default=0.5
        Dropout after the hidden dense layer.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn import LiuCNN
    >>> LiuCNN(1570, 192).eval()(torch.zeros(2, 1570)).shape
    torch.Size([2, 192])
    """

    def __init__(
        self,
        n_points: int,
        n_classes: int,
        *,
        width: float = 1.0,
        dense_units: int = 2048,
        dropout: float = 0.5,
    ):
        super().__init__(n_points, n_classes)
        layers: list[nn.Module] = []
        c_in = 1
        for channels, k in ((16, 21), (32, 11), (64, 5)):
            c_out = scaled(channels, width)
            layers += _conv_block(
                c_in,
                c_out,
                k,
                norm=True,
                act=lambda: nn.LeakyReLU(0.1),
                pool=nn.MaxPool1d(2, 2),
            )
            c_in = c_out
        self.features = nn.Sequential(*layers)
        self.cam_layer_name = before_pooling(self.features, "features")
        self._build_head(
            flatten_neck((dense_units,), dropout, activation=nn.Tanh, norm=False)
        )


class DeepCID(SpectrumNet):
    """CNN of Fan et al. (2019), DeepCID, as a multi-class classifier.

    As in the authors' code: two convolutions of 3 points with stride 2 and
    "same" padding (32 and 64 filters), each followed by ReLU and max pooling (2,
    "same"); flatten; dense 1024 with ReLU and dropout 0.5; linear output. DeepCID
    trains one binary model per mixture component; Sang et al. (2021) and this
    package use the architecture as one multi-class model.

    Parameters
    ----------
    n_points : int
        Input length (any length >= 1 works).
    n_classes : int
        Number of outputs.
    width : float, default=1.0
        Multiplier of the filter counts.
    dense_units : int, default=1024
        Units of the hidden dense layer.
    dropout : float, default=0.5
        Dropout after the hidden dense layer.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn import DeepCID
    >>> DeepCID(881, 2).eval()(torch.zeros(2, 881)).shape
    torch.Size([2, 2])
    """

    def __init__(
        self,
        n_points: int,
        n_classes: int,
        *,
        width: float = 1.0,
        dense_units: int = 1024,
        dropout: float = 0.5,
    ):
        super().__init__(n_points, n_classes)
        c1, c2 = scaled(32, width), scaled(64, width)
        self.features = nn.Sequential(
            *_conv_block(1, c1, 3, stride=2, pool=nn.MaxPool1d(2, 2, ceil_mode=True)),
            *_conv_block(c1, c2, 3, stride=2, pool=nn.MaxPool1d(2, 2, ceil_mode=True)),
        )
        self.cam_layer_name = before_pooling(self.features, "features")
        self._build_head(flatten_neck((dense_units,), dropout, norm=False))


class ZhangCNN(SpectrumNet):
    """CNN after Zhang et al. (2020), transfer learning for Raman spectra.

    Zhang et al. ("Transfer-learning-based Raman spectra identification") use a
    plain CNN of stacked convolution and pooling blocks with a dense head,
    pre-trained on a large library and fine-tuned. Their exact
    layer table was not available to us; this reconstruction uses four blocks of
    a 5-point "same" convolution, batch normalisation, ReLU and max pooling (2)
    with 32, 64, 128 and 256 filters, then flatten, dense 512 with ReLU and
    dropout 0.5, and a linear output. Treat it as "a Zhang-style CNN", not a
    faithful copy.

    Parameters
    ----------
    n_points : int
        Input length (zero-padded to at least 16 points).
    n_classes : int
        Number of outputs.
    channels : sequence of int, default=(32, 64, 128, 256)
        Filters per block.
    width : float, default=1.0
        Multiplier of the filter counts.
    kernel_size : int, default=5
        Kernel size.
    dense_units : int, default=512
        Units of the hidden dense layer.
    dropout : float, default=0.5
        Dropout after the hidden dense layer.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn import ZhangCNN
    >>> ZhangCNN(1024, 10).eval()(torch.zeros(2, 1024)).shape
    torch.Size([2, 10])
    """

    def __init__(
        self,
        n_points: int,
        n_classes: int,
        *,
        channels: Sequence[int] = (32, 64, 128, 256),
        width: float = 1.0,
        kernel_size: int = 5,
        dense_units: int = 512,
        dropout: float = 0.5,
    ):
        super().__init__(n_points, n_classes)
        layers: list[nn.Module] = []
        c_in = 1
        for channels_out in channels:
            c_out = scaled(channels_out, width)
            layers += _conv_block(
                c_in, c_out, kernel_size, norm=True, pool=nn.MaxPool1d(2, 2)
            )
            c_in = c_out
        self.features = nn.Sequential(*layers)
        self.cam_layer_name = before_pooling(self.features, "features")
        self._build_head(flatten_neck((dense_units,), dropout, norm=False))


class LeNet1D(SpectrumNet):
    """1D LeNet-5 (LeCun et al., 1998), as in the MICRO 2024 microplastics study.

    Two 5-point convolutions without padding (6 and 16 filters), each followed by
    ReLU and max pooling (2, stride 2); flatten; dense 120 and 84 with ReLU;
    linear output. ReLU replaces the original sigmoid-like squashing, as in
    current reimplementations; the study gives no further details.

    Parameters
    ----------
    n_points : int
        Input length (zero-padded to at least 16 points).
    n_classes : int
        Number of outputs.
    width : float, default=1.0
        Multiplier of the filter counts.
    dense_units : sequence of int, default=(120, 84)
        Units of the hidden dense layers.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn import LeNet1D
    >>> LeNet1D(1000, 19).eval()(torch.zeros(2, 1000)).shape
    torch.Size([2, 19])
    """

    def __init__(
        self,
        n_points: int,
        n_classes: int,
        *,
        width: float = 1.0,
        dense_units: Sequence[int] = (120, 84),
    ):
        super().__init__(n_points, n_classes)
        lenet(1, 1, width=width, dense_units=dense_units).install(self)


class AlexNet1D(SpectrumNet):
    """1D AlexNet (Krizhevsky et al., 2012), as in the MICRO 2024 microplastics study.

    Five convolutions (96 filters of 11 points with stride 4; 256 of 5; 384, 384
    and 256 of 3; "same" padding; ReLU), max pooling (3, stride 2) after the
    first, second and fifth; adaptive average pooling to 6 points (as
    torchvision's AlexNet, which keeps the head independent of the input
    length); two dense layers of 4096 with dropout 0.5 and ReLU; linear output.

    Parameters
    ----------
    n_points : int
        Input length (zero-padded to the minimum the strides need).
    n_classes : int
        Number of outputs.
    width : float, default=1.0
        Multiplier of the filter counts.
    dense_units : sequence of int, default=(4096, 4096)
        Units of the hidden dense layers.
    dropout : float, default=0.5
        Dropout before each hidden dense layer.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn import AlexNet1D
    >>> AlexNet1D(1000, 19, width=0.25, dense_units=(256, 256)).eval()(
    ...     torch.zeros(2, 1000)).shape
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
    ):
        super().__init__(n_points, n_classes)
        alexnet(1, 1, width=width, dense_units=dense_units, dropout=dropout).install(
            self
        )
