"""ResNet1DClassifier and SEResNet1DClassifier."""

from __future__ import annotations

from collections.abc import Sequence

from ..nn import ResNet1D, SEResNet1D
from ._base import (
    DROPOUT,
    POSITIVE,
    POSITIVE_INT,
    SEQUENCE,
    SpectrumNetClassifier,
)


class ResNet1DClassifier(SpectrumNetClassifier):
    """1D ResNet-34 classifier (the MICRO 2024 microplastics study).

    Wraps :class:`~sklearn_raman.nn.ResNet1D` in the shared training recipe of
    :class:`SpectrumNetClassifier`.

    Parameters
    ----------
    blocks : sequence of int, default=(3, 4, 6, 3)
        Basic blocks per stage.
    channels : sequence of int, default=(64, 128, 256, 512)
        Channels per stage.
    width : float, default=1.0
        Channel multiplier.
    kernel_size : int, default=3
        Kernel size in the blocks.
    dropout : float, default=0.0
        Dropout before the output layer.
    **kwargs
        Training parameters of :class:`SpectrumNetClassifier`.
    """

    _parameter_constraints = SpectrumNetClassifier._with_net_constraints(
        blocks=SEQUENCE,
        channels=SEQUENCE,
        width=POSITIVE,
        kernel_size=POSITIVE_INT,
        dropout=DROPOUT,
    )

    def __init__(
        self,
        *,
        blocks: Sequence[int] = (3, 4, 6, 3),
        channels: Sequence[int] = (64, 128, 256, 512),
        width: float = 1.0,
        kernel_size: int = 3,
        dropout: float = 0.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.blocks = blocks
        self.channels = channels
        self.width = width
        self.kernel_size = kernel_size
        self.dropout = dropout

    def _build_module(self, n_points, n_classes):
        return ResNet1D(
            n_points,
            n_classes,
            blocks=self.blocks,
            channels=self.channels,
            width=self.width,
            kernel_size=self.kernel_size,
            dropout=self.dropout,
        )


class SEResNet1DClassifier(SpectrumNetClassifier):
    """Squeeze-and-excitation residual classifier (after Huang et al., 2025).

    Wraps :class:`~sklearn_raman.nn.SEResNet1D`, a compact residual network with
    channel attention that trains on a CPU, in the shared training recipe of
    :class:`SpectrumNetClassifier`.

    Parameters
    ----------
    blocks : sequence of int, default=(2, 2, 2, 2)
        SE basic blocks per stage.
    channels : sequence of int, default=(32, 64, 128, 256)
        Channels per stage.
    width : float, default=1.0
        Channel multiplier.
    kernel_size : int, default=7
        Kernel size in the blocks.
    se_reduction : int, default=8
        Squeeze-and-excitation reduction.
    dropout : float, default=0.2
        Dropout before the output layer.
    **kwargs
        Training parameters of :class:`SpectrumNetClassifier`.

    Examples
    --------
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_raman import MinMaxPerSpectrum, SEResNet1DClassifier, make_spectra
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=20, n_points=200,
    ...                     random_state=0)
    >>> cnn = SEResNet1DClassifier(channels=(8, 16), blocks=(1, 1), lr=3e-3,
    ...                            batch_size=8, max_epochs=20, random_state=0)
    >>> scores = cross_val_score(make_pipeline(MinMaxPerSpectrum(), cnn), X, y, cv=3)
    >>> bool(scores.mean() > 0.8)
    True
    """

    _parameter_constraints = {
        **ResNet1DClassifier._parameter_constraints,
        "se_reduction": POSITIVE_INT,
    }

    def __init__(
        self,
        *,
        blocks: Sequence[int] = (2, 2, 2, 2),
        channels: Sequence[int] = (32, 64, 128, 256),
        width: float = 1.0,
        kernel_size: int = 7,
        se_reduction: int = 8,
        dropout: float = 0.2,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.blocks = blocks
        self.channels = channels
        self.width = width
        self.kernel_size = kernel_size
        self.se_reduction = se_reduction
        self.dropout = dropout

    def _build_module(self, n_points, n_classes):
        return SEResNet1D(
            n_points,
            n_classes,
            blocks=self.blocks,
            channels=self.channels,
            width=self.width,
            kernel_size=self.kernel_size,
            se_reduction=self.se_reduction,
            dropout=self.dropout,
        )
