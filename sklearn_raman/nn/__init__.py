"""Pure PyTorch networks for spectra (no scikit-learn here).

A leaf of the package: it needs torch and numpy only, and of the rest of the
package imports just the dependency-free ``_noise`` (the SNR and augmentation
defaults), ``_modality`` (the column blocks of a multimodal row) and
``_encoder`` (the declaration of the image encoders' parameters), so
``import sklearn_raman.nn`` loads neither scikit-learn nor imbalanced-learn.

Every net is built as ``Net(n_points, n_classes, ...)`` with its paper's
configuration as default, accepts inputs of shape (batch, n_points) or
(batch, 1, n_points) of any length >= 1, and exposes ``embed(x)`` (penultimate
embedding) and ``classifier`` (the output layer). The 2D nets
(:class:`SpectrumImageNet` and its subclasses) take the same spectra and turn
them into images inside their forward pass: an encoder
(:class:`SpectrumEncoder`) composed with a 2D :class:`Backbone`;
:class:`FusionNet` takes several modalities of a sample side by side.
"""

from ._base import SpectrumNet, evaluating, min_input_length
from .augment import SpectrumAugment
from .backbones import Backbone
from .compact import CompactResNet1D
from .drcnn import DRCNN
from .encodings import ENCODINGS, SpectrumEncoder
from .fusion import FUSIONS, FusionNet
from .heads import CosineLinear
from .image import VGG2D, AlexNet2D, LeNet2D, ResNet2D, SpectrumImageNet
from .losses import SpectrumLoss
from .reference import AlexNet1D, DeepCID, LeNet1D, LiuCNN, ZhangCNN
from .resnet import ResNet1D, SEResNet1D, SqueezeExcitation1D
from .vgg import VGG1D

__all__ = [
    "DRCNN",
    "ENCODINGS",
    "FUSIONS",
    "VGG1D",
    "VGG2D",
    "AlexNet1D",
    "AlexNet2D",
    "Backbone",
    "CompactResNet1D",
    "CosineLinear",
    "DeepCID",
    "FusionNet",
    "LeNet1D",
    "LeNet2D",
    "LiuCNN",
    "ResNet1D",
    "ResNet2D",
    "SEResNet1D",
    "SpectrumAugment",
    "SpectrumEncoder",
    "SpectrumImageNet",
    "SpectrumLoss",
    "SpectrumNet",
    "SqueezeExcitation1D",
    "ZhangCNN",
    "evaluating",
    "min_input_length",
]
