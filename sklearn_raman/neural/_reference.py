"""Classifiers of the papers' comparison nets: Liu, DeepCID, Zhang, LeNet, AlexNet."""

from __future__ import annotations

from collections.abc import Sequence

from ..nn import AlexNet1D, DeepCID, LeNet1D, LiuCNN, ZhangCNN
from ._base import (
    DROPOUT,
    POSITIVE,
    POSITIVE_INT,
    SEQUENCE,
    SpectrumNetClassifier,
)


class LiuCNNClassifier(SpectrumNetClassifier):
    """CNN classifier of Liu et al. (2017).

    Wraps :class:`~sklearn_raman.nn.LiuCNN` in the shared training recipe of
    :class:`SpectrumNetClassifier`.

    Parameters
    ----------
    width : float, default=1.0
        Filter multiplier.
    dense_units : int, default=2048
        Units of the hidden dense layer.
    dropout : float, default=0.5
        Dropout after it.
    **kwargs
        Training parameters of :class:`SpectrumNetClassifier`.
    """

    _parameter_constraints = SpectrumNetClassifier._with_net_constraints(
        width=POSITIVE, dense_units=POSITIVE_INT, dropout=DROPOUT
    )

    def __init__(
        self,
        *,
        width: float = 1.0,
        dense_units: int = 2048,
        dropout: float = 0.5,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.width = width
        self.dense_units = dense_units
        self.dropout = dropout

    def _build_module(self, n_points, n_classes):
        return LiuCNN(
            n_points,
            n_classes,
            width=self.width,
            dense_units=self.dense_units,
            dropout=self.dropout,
        )


class DeepCIDClassifier(SpectrumNetClassifier):
    """CNN classifier of Fan et al. (2019), DeepCID.

    Wraps :class:`~sklearn_raman.nn.DeepCID` in the shared training recipe of
    :class:`SpectrumNetClassifier`.

    Parameters
    ----------
    width : float, default=1.0
        Filter multiplier.
    dense_units : int, default=1024
        Units of the hidden dense layer.
    dropout : float, default=0.5
        Dropout after it.
    **kwargs
        Training parameters of :class:`SpectrumNetClassifier`.
    """

    _parameter_constraints = SpectrumNetClassifier._with_net_constraints(
        width=POSITIVE, dense_units=POSITIVE_INT, dropout=DROPOUT
    )

    def __init__(
        self,
        *,
        width: float = 1.0,
        dense_units: int = 1024,
        dropout: float = 0.5,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.width = width
        self.dense_units = dense_units
        self.dropout = dropout

    def _build_module(self, n_points, n_classes):
        return DeepCID(
            n_points,
            n_classes,
            width=self.width,
            dense_units=self.dense_units,
            dropout=self.dropout,
        )


class ZhangCNNClassifier(SpectrumNetClassifier):
    """Zhang-style CNN classifier (after Zhang et al., 2020).

    Wraps :class:`~sklearn_raman.nn.ZhangCNN` (a reconstruction; see its notes)
    in the shared training recipe of :class:`SpectrumNetClassifier`.

    Parameters
    ----------
    channels : sequence of int, default=(32, 64, 128, 256)
        Filters per block.
    width : float, default=1.0
        Filter multiplier.
    dense_units : int, default=512
        Units of the hidden dense layer.
    dropout : float, default=0.5
        Dropout after it.
    **kwargs
        Training parameters of :class:`SpectrumNetClassifier`.
    """

    _parameter_constraints = SpectrumNetClassifier._with_net_constraints(
        channels=SEQUENCE,
        width=POSITIVE,
        dense_units=POSITIVE_INT,
        dropout=DROPOUT,
    )

    def __init__(
        self,
        *,
        channels: Sequence[int] = (32, 64, 128, 256),
        width: float = 1.0,
        dense_units: int = 512,
        dropout: float = 0.5,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.channels = channels
        self.width = width
        self.dense_units = dense_units
        self.dropout = dropout

    def _build_module(self, n_points, n_classes):
        return ZhangCNN(
            n_points,
            n_classes,
            channels=self.channels,
            width=self.width,
            dense_units=self.dense_units,
            dropout=self.dropout,
        )


class LeNet1DClassifier(SpectrumNetClassifier):
    """1D LeNet-5 classifier (the MICRO 2024 microplastics study).

    Wraps :class:`~sklearn_raman.nn.LeNet1D` in the shared training recipe of
    :class:`SpectrumNetClassifier`.

    Parameters
    ----------
    width : float, default=1.0
        Filter multiplier.
    dense_units : sequence of int, default=(120, 84)
        Units of the hidden dense layers.
    **kwargs
        Training parameters of :class:`SpectrumNetClassifier`.
    """

    _parameter_constraints = SpectrumNetClassifier._with_net_constraints(
        width=POSITIVE, dense_units=SEQUENCE
    )

    def __init__(
        self, *, width: float = 1.0, dense_units: Sequence[int] = (120, 84), **kwargs
    ):
        super().__init__(**kwargs)
        self.width = width
        self.dense_units = dense_units

    def _build_module(self, n_points, n_classes):
        return LeNet1D(
            n_points, n_classes, width=self.width, dense_units=self.dense_units
        )


class AlexNet1DClassifier(SpectrumNetClassifier):
    """1D AlexNet classifier (the MICRO 2024 microplastics study).

    Wraps :class:`~sklearn_raman.nn.AlexNet1D` in the shared training recipe of
    :class:`SpectrumNetClassifier`.

    Parameters
    ----------
    width : float, default=1.0
        Filter multiplier.
    dense_units : sequence of int, default=(4096, 4096)
        Units of the hidden dense layers.
    dropout : float, default=0.5
        Dropout before each of them.
    **kwargs
        Training parameters of :class:`SpectrumNetClassifier`.
    """

    _parameter_constraints = SpectrumNetClassifier._with_net_constraints(
        width=POSITIVE, dense_units=SEQUENCE, dropout=DROPOUT
    )

    def __init__(
        self,
        *,
        width: float = 1.0,
        dense_units: Sequence[int] = (4096, 4096),
        dropout: float = 0.5,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.width = width
        self.dense_units = dense_units
        self.dropout = dropout

    def _build_module(self, n_points, n_classes):
        return AlexNet1D(
            n_points,
            n_classes,
            width=self.width,
            dense_units=self.dense_units,
            dropout=self.dropout,
        )
