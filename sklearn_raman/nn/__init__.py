"""Pure PyTorch networks for spectra (no scikit-learn here).

Every net is built as ``Net(n_points, n_classes, ...)`` with its paper's
configuration as default, accepts inputs of shape (batch, n_points) or
(batch, 1, n_points) of any length >= 1, and exposes ``embed(x)`` (penultimate
embedding) and ``classifier`` (the output layer).
"""

from ._base import SpectrumNet, evaluating, min_input_length
from .augment import SpectrumAugment
from .compact import CompactResNet1D
from .drcnn import DRCNN
from .losses import SpectrumLoss
from .reference import AlexNet1D, DeepCID, LeNet1D, LiuCNN, ZhangCNN
from .resnet import ResNet1D, SEResNet1D, SqueezeExcitation1D
from .vgg import VGG1D

__all__ = [
    "DRCNN",
    "VGG1D",
    "AlexNet1D",
    "CompactResNet1D",
    "DeepCID",
    "LeNet1D",
    "LiuCNN",
    "ResNet1D",
    "SEResNet1D",
    "SpectrumAugment",
    "SpectrumLoss",
    "SpectrumNet",
    "SqueezeExcitation1D",
    "ZhangCNN",
    "evaluating",
    "min_input_length",
]
