"""VGG1DClassifier."""

from __future__ import annotations

from collections.abc import Sequence

from ..nn import VGG1D
from ..nn.vgg import SANG2021_BLOCKS
from ._base import (
    DROPOUT,
    POSITIVE,
    SEQUENCE,
    SpectrumNetClassifier,
)


class VGG1DClassifier(SpectrumNetClassifier):
    """1D VGG classifier of Sang et al. (2021) — the RRUFF mineral CNN.

    Wraps :class:`~sklearn_raman.nn.VGG1D` (17.8 M parameters at 1570 points and
    192 classes) in the shared training recipe of
    :class:`SpectrumNetClassifier`, whose parameters it also takes.

    Parameters
    ----------
    blocks : sequence of (int, int), default=SANG2021_BLOCKS
        (channels, convolutions) per block; the paper's ((64, 2), (128, 2),
        (256, 4), (512, 4), (512, 4)).
    width : float, default=1.0
        Channel multiplier (e.g. 0.25 for a 16-fold cheaper net on a CPU).
    dense_units : sequence of int, default=(512, 512)
        Units of the dense blocks.
    dropout : float, default=0.5
        Dropout of the dense blocks.
    **kwargs
        Training parameters of :class:`SpectrumNetClassifier` (``lr``,
        ``max_epochs``, ``batch_size``, ``augment``, ``device``,
        ``random_state``, ...).

    Examples
    --------
    >>> from sklearn_raman import MinMaxPerSpectrum, VGG1DClassifier, make_spectra
    >>> from sklearn.pipeline import make_pipeline
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=20, n_points=300,
    ...                     random_state=0)
    >>> model = make_pipeline(MinMaxPerSpectrum(), VGG1DClassifier(
    ...     width=0.125, dense_units=(32,), lr=1e-3, max_epochs=2, random_state=0))
    >>> model.fit(X, y).predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints = SpectrumNetClassifier._with_net_constraints(
        blocks=SEQUENCE, width=POSITIVE, dense_units=SEQUENCE, dropout=DROPOUT
    )

    def __init__(
        self,
        *,
        blocks: Sequence[tuple[int, int]] = SANG2021_BLOCKS,
        width: float = 1.0,
        dense_units: Sequence[int] = (512, 512),
        dropout: float = 0.5,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.blocks = blocks
        self.width = width
        self.dense_units = dense_units
        self.dropout = dropout

    def _build_module(self, n_points, n_classes):
        return VGG1D(
            n_points,
            n_classes,
            blocks=self.blocks,
            width=self.width,
            dense_units=self.dense_units,
            dropout=self.dropout,
        )
