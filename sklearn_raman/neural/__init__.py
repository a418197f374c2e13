"""Deep spectrum classifiers: scikit-learn estimators training torch nets via skorch."""

from ._base import SpectrumNetClassifier, resolve_device
from ._compact import CompactResNet1DClassifier
from ._drcnn import DRCNNClassifier
from ._reference import (
    AlexNet1DClassifier,
    DeepCIDClassifier,
    LeNet1DClassifier,
    LiuCNNClassifier,
    ZhangCNNClassifier,
)
from ._resnet import ResNet1DClassifier, SEResNet1DClassifier
from ._vgg import VGG1DClassifier

#: every deep classifier of the package, by class name
CLASSIFIERS = (
    CompactResNet1DClassifier,
    VGG1DClassifier,
    DRCNNClassifier,
    SEResNet1DClassifier,
    ResNet1DClassifier,
    LiuCNNClassifier,
    DeepCIDClassifier,
    ZhangCNNClassifier,
    LeNet1DClassifier,
    AlexNet1DClassifier,
)

__all__ = [
    "CLASSIFIERS",
    "AlexNet1DClassifier",
    "CompactResNet1DClassifier",
    "DRCNNClassifier",
    "DeepCIDClassifier",
    "LeNet1DClassifier",
    "LiuCNNClassifier",
    "ResNet1DClassifier",
    "SEResNet1DClassifier",
    "SpectrumNetClassifier",
    "VGG1DClassifier",
    "ZhangCNNClassifier",
    "resolve_device",
]
