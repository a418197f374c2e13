"""ResNet1DClassifier and SEResNet1DClassifier."""

from __future__ import annotations

from ..nn import ResNet1D, SEResNet1D
from ._base import SpectrumNetClassifier
from ._params import DROPOUT, POSITIVE, POSITIVE_INT, SEQUENCE


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

    Examples
    --------
    >>> from sklearn_raman import ResNet1DClassifier, make_spectra
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=10, n_points=200,
    ...                     random_state=0)
    >>> clf = ResNet1DClassifier(channels=(8, 16), blocks=(1, 1),
    ...                          max_epochs=2, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    _network = ResNet1D
    _network_constraints = {
        "blocks": SEQUENCE,
        "channels": SEQUENCE,
        "width": POSITIVE,
        "kernel_size": POSITIVE_INT,
        "dropout": DROPOUT,
    }

    @classmethod
    def _get_test_params(cls) -> dict:
        return {"channels": (8, 16), "blocks": (1, 1)}


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
    dropout : float, default=0.2
        Dropout before the output layer.
    se_reduction : int, default=8
        Squeeze-and-excitation reduction.

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

    _network = SEResNet1D
    _network_constraints = {
        **ResNet1DClassifier._network_constraints,
        "se_reduction": POSITIVE_INT,
    }

    @classmethod
    def _get_test_params(cls) -> dict:
        return {"channels": (8, 16), "blocks": (1, 1), "kernel_size": 5}
