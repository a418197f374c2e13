"""Classifiers of the papers' comparison nets: Liu, DeepCID, Zhang, LeNet, AlexNet."""

from __future__ import annotations

from ..nn import AlexNet1D, DeepCID, LeNet1D, LiuCNN, ZhangCNN
from ._base import SpectrumNetClassifier
from ._params import DROPOUT, POSITIVE, POSITIVE_INT, SEQUENCE


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

    Examples
    --------
    >>> from sklearn_raman import LiuCNNClassifier, make_spectra
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=10, n_points=200,
    ...                     random_state=0)
    >>> clf = LiuCNNClassifier(width=0.25, dense_units=32,
    ...                        max_epochs=2, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    _network = LiuCNN
    _network_constraints = {
        "width": POSITIVE,
        "dense_units": POSITIVE_INT,
        "dropout": DROPOUT,
    }

    @classmethod
    def _get_test_params(cls) -> dict:
        return {"width": 0.25, "dense_units": 32}


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

    Examples
    --------
    >>> from sklearn_raman import DeepCIDClassifier, make_spectra
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=10, n_points=200,
    ...                     random_state=0)
    >>> clf = DeepCIDClassifier(width=0.25, dense_units=32,
    ...                         max_epochs=2, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    _network = DeepCID
    _network_constraints = LiuCNNClassifier._network_constraints

    @classmethod
    def _get_test_params(cls) -> dict:
        return {"width": 0.25, "dense_units": 32}


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
    kernel_size : int, default=5
        Kernel size.
    dense_units : int, default=512
        Units of the hidden dense layer.
    dropout : float, default=0.5
        Dropout after it.

    Examples
    --------
    >>> from sklearn_raman import ZhangCNNClassifier, make_spectra
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=10, n_points=200,
    ...                     random_state=0)
    >>> clf = ZhangCNNClassifier(width=0.125, dense_units=32,
    ...                          max_epochs=2, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    _network = ZhangCNN
    _network_constraints = {
        "channels": SEQUENCE,
        "width": POSITIVE,
        "kernel_size": POSITIVE_INT,
        "dense_units": POSITIVE_INT,
        "dropout": DROPOUT,
    }

    @classmethod
    def _get_test_params(cls) -> dict:
        return {"width": 0.125, "dense_units": 32}


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

    Examples
    --------
    >>> from sklearn_raman import LeNet1DClassifier, make_spectra
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=10, n_points=200,
    ...                     random_state=0)
    >>> clf = LeNet1DClassifier(dense_units=(32,),
    ...                         max_epochs=2, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    _network = LeNet1D
    _network_constraints = {"width": POSITIVE, "dense_units": SEQUENCE}

    @classmethod
    def _get_test_params(cls) -> dict:
        return {"dense_units": (32,)}


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

    Examples
    --------
    >>> from sklearn_raman import AlexNet1DClassifier, make_spectra
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=10, n_points=200,
    ...                     random_state=0)
    >>> clf = AlexNet1DClassifier(width=0.0625, dense_units=(32,),
    ...                           max_epochs=2, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    _network = AlexNet1D
    _network_constraints = {
        "width": POSITIVE,
        "dense_units": SEQUENCE,
        "dropout": DROPOUT,
    }

    @classmethod
    def _get_test_params(cls) -> dict:
        return {"width": 0.0625, "dense_units": (32,)}
