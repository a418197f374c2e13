"""VGG1DClassifier."""

from __future__ import annotations

from ..nn import VGG1D
from ._base import SpectrumNetClassifier
from ._params import DROPOUT, POSITIVE, POSITIVE_INT, SEQUENCE


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
    kernel_size : int, default=3
        Convolution kernel size.
    dense_units : sequence of int, default=(512, 512)
        Units of the dense blocks.
    dropout : float, default=0.5
        Dropout of the dense blocks.

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

    _network = VGG1D
    _network_constraints = {
        "blocks": SEQUENCE,
        "width": POSITIVE,
        "kernel_size": POSITIVE_INT,
        "dense_units": SEQUENCE,
        "dropout": DROPOUT,
    }

    @classmethod
    def _get_test_params(cls) -> dict:
        return {"blocks": ((16, 1),) * 5, "dense_units": (32,), "lr": 1e-3}
