"""Classifiers of the 2D nets (LeNet, AlexNet, VGG16, ResNet34): spectra in."""

from __future__ import annotations

from numbers import Integral

from sklearn.utils._param_validation import Interval, StrOptions

from ..nn import VGG2D, AlexNet2D, LeNet2D, ResNet2D
from ..nn.encodings import ENCODINGS
from ._base import SpectrumNetClassifier
from ._params import DROPOUT, POSITIVE, POSITIVE_INT, SEQUENCE

#: the encoder's parameters, shared by every 2D classifier
_ENCODER_CONSTRAINTS = {
    "encoding": [StrOptions(set(ENCODINGS)), "array-like"],
    "image_size": POSITIVE_INT,
    "n_bins": [Interval(Integral, 2, None, closed="left")],
    "wavelet": [StrOptions({"ricker", "morlet"})],
}

_ENCODER_DOC = """encoding : str or sequence of str, default="gasf"
        How a spectrum becomes an image: ``"gasf"`` / ``"gadf"`` (Gramian
        Angular Summation / Difference Field), ``"mtf"`` (Markov Transition
        Field), ``"recurrence"`` (recurrence plot), ``"cwt"`` (wavelet
        scalogram), ``"reshape"`` (the spectrum written row by row), or several
        stacked as channels, e.g. ``("gasf", "gadf")``. See
        :class:`~sklearn_raman.nn.SpectrumEncoder`.
    image_size : int, default=64
        Side of the images; the spectrum is reduced to it by piecewise
        aggregate approximation first.
    n_bins : int, default=8
        Quantile bins of the Markov Transition Field.
    wavelet : {"ricker", "morlet"}, default="ricker"
        Wavelet of the scalogram."""


def _doc(cls):
    cls.__doc__ = cls.__doc__.replace("ENCODER_PARAMETERS", _ENCODER_DOC)
    return cls


@_doc
class LeNet2DClassifier(SpectrumNetClassifier):
    """2D LeNet-5 classifier on spectrum images (the MICRO 2024 microplastics study).

    Takes spectra ``X`` of shape (n_samples, n_points) like every classifier
    of the package and turns them into images inside the network
    (:class:`~sklearn_raman.nn.LeNet2D`), batch by batch on its device.

    Parameters
    ----------
    ENCODER_PARAMETERS
    width : float, default=1.0
        Filter multiplier.
    dense_units : sequence of int, default=(120, 84)
        Units of the hidden dense layers.
    **kwargs
        Training parameters of :class:`SpectrumNetClassifier`.

    Examples
    --------
    >>> from sklearn_raman import LeNet2DClassifier, make_spectra
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=20, n_points=300,
    ...                     random_state=0)
    >>> clf = LeNet2DClassifier(encoding="gasf", image_size=32, max_epochs=2,
    ...                         random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    _network = LeNet2D
    _network_constraints = {
        **_ENCODER_CONSTRAINTS,
        "width": POSITIVE,
        "dense_units": SEQUENCE,
    }

    @classmethod
    def _get_test_params(cls) -> dict:
        return {"image_size": 32, "dense_units": (32,), "lr": 1e-3}


@_doc
class AlexNet2DClassifier(SpectrumNetClassifier):
    """2D AlexNet classifier on spectrum images (the MICRO 2024 microplastics study).

    Wraps :class:`~sklearn_raman.nn.AlexNet2D`; spectra in, images inside.

    Parameters
    ----------
    ENCODER_PARAMETERS
    width : float, default=1.0
        Filter multiplier.
    dense_units : sequence of int, default=(4096, 4096)
        Units of the hidden dense layers.
    dropout : float, default=0.5
        Dropout before each of them.
    **kwargs
        Training parameters of :class:`SpectrumNetClassifier`.
    """

    _network = AlexNet2D
    _network_constraints = {
        **_ENCODER_CONSTRAINTS,
        "width": POSITIVE,
        "dense_units": SEQUENCE,
        "dropout": DROPOUT,
    }

    @classmethod
    def _get_test_params(cls) -> dict:
        # the smallest image its strides take (63 px): a smaller one is
        # mostly zero padding, and this net, without batch norm, then trains
        # erratically on the few spectra of the tests
        return {
            "image_size": 63,
            "width": 0.125,
            "dense_units": (32,),
            "dropout": 0.0,
            "lr": 3e-3,
        }


@_doc
class VGG2DClassifier(SpectrumNetClassifier):
    """2D VGG16 classifier on spectrum images (the MICRO 2024 microplastics study).

    Wraps :class:`~sklearn_raman.nn.VGG2D` (VGG16 with batch normalisation);
    spectra in, images inside.

    Parameters
    ----------
    ENCODER_PARAMETERS
    blocks : sequence of (int, int), default=VGG16_BLOCKS
        (channels, convolutions) per block: VGG16's ((64, 2), (128, 2), (256,
        3), (512, 3), (512, 3)).
    width : float, default=1.0
        Channel multiplier (e.g. 0.25 for a 16-fold cheaper net on a CPU).
    batch_norm : bool, default=True
        Batch normalisation after every convolution.
    dense_units : sequence of int, default=(512, 512)
        Units of the dense blocks.
    dropout : float, default=0.5
        Dropout of the dense blocks.
    **kwargs
        Training parameters of :class:`SpectrumNetClassifier`.
    """

    _network = VGG2D
    _network_constraints = {
        **_ENCODER_CONSTRAINTS,
        "blocks": SEQUENCE,
        "width": POSITIVE,
        "batch_norm": ["boolean"],
        "dense_units": SEQUENCE,
        "dropout": DROPOUT,
    }

    @classmethod
    def _get_test_params(cls) -> dict:
        return {
            "image_size": 32,
            "blocks": ((8, 1),) * 5,
            "dense_units": (32,),
            "lr": 3e-3,
        }


@_doc
class ResNet2DClassifier(SpectrumNetClassifier):
    """2D ResNet34 classifier on spectrum images (the MICRO 2024 microplastics study).

    Wraps :class:`~sklearn_raman.nn.ResNet2D` (ResNet34 by default); spectra
    in, images inside.

    Parameters
    ----------
    ENCODER_PARAMETERS
    blocks : sequence of int, default=(3, 4, 6, 3)
        Basic blocks per stage.
    channels : sequence of int, default=(64, 128, 256, 512)
        Channels per stage.
    width : float, default=1.0
        Channel multiplier.
    dropout : float, default=0.0
        Dropout before the output layer.
    **kwargs
        Training parameters of :class:`SpectrumNetClassifier`.
    """

    _network = ResNet2D
    _network_constraints = {
        **_ENCODER_CONSTRAINTS,
        "blocks": SEQUENCE,
        "channels": SEQUENCE,
        "width": POSITIVE,
        "dropout": DROPOUT,
    }

    @classmethod
    def _get_test_params(cls) -> dict:
        return {
            "image_size": 16,
            "blocks": (1, 1),
            "channels": (8, 16),
            "lr": 1e-3,
        }
