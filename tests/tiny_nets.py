"""Tiny configurations of every deep classifier, for fast tests."""

from sklearn_raman.neural import (
    AlexNet1DClassifier,
    CompactResNet1DClassifier,
    DeepCIDClassifier,
    DRCNNClassifier,
    LeNet1DClassifier,
    LiuCNNClassifier,
    ResNet1DClassifier,
    SEResNet1DClassifier,
    VGG1DClassifier,
    ZhangCNNClassifier,
)

NET_PARAMS = {
    CompactResNet1DClassifier: dict(
        channels=(8, 16, 16), kernel_sizes=(5, 5, 3), head_channels=8
    ),
    VGG1DClassifier: dict(blocks=((16, 1),) * 5, dense_units=(32,), lr=1e-3),
    DRCNNClassifier: dict(recursions=2, width=0.0625, dense_units=(32,), alpha=0.3),
    SEResNet1DClassifier: dict(channels=(8, 16), blocks=(1, 1), kernel_size=5),
    ResNet1DClassifier: dict(channels=(8, 16), blocks=(1, 1)),
    LiuCNNClassifier: dict(width=0.25, dense_units=32),
    DeepCIDClassifier: dict(width=0.25, dense_units=32),
    ZhangCNNClassifier: dict(width=0.125, dense_units=32),
    LeNet1DClassifier: dict(dense_units=(32,)),
    AlexNet1DClassifier: dict(width=0.0625, dense_units=(32,)),
}
TRAIN_PARAMS = dict(lr=1e-2, max_epochs=20, batch_size=32, random_state=0)


def tiny(cls, **overrides):
    """A small, fast instance of ``cls`` that still learns easy data."""
    return cls(**{**TRAIN_PARAMS, **NET_PARAMS[cls], **overrides})
