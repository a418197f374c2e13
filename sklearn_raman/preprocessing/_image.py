"""SpectrumImager: spectra → flattened images (GAF, MTF, recurrence, CWT, reshape).

Also the scikit-learn constraints of the encoder's parameters
(:data:`ENCODER_CONSTRAINTS`), built from their one declaration
(``ENCODER_PARAMS`` of ``sklearn_raman._encoder``: default, bounds,
documentation) and shared by :class:`SpectrumImager` and the 2D classifiers
(``LeNet2DClassifier`` ...), whose networks take the same parameters
(:class:`~sklearn_raman.nn.SpectrumEncoder`). This module imports no torch:
the encoder is built on first use.
"""

from __future__ import annotations

import inspect
from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._encoder import ENCODER_PARAMS, EncoderParam, document_encoder
from ._base import SpectralTransformer


def _constraints(name: str, param: EncoderParam) -> list:
    """scikit-learn's constraints of one declared encoder parameter."""
    if name == "encoding":
        # one name or several: the encoder checks them, naming a bad one
        return [str, "array-like"]
    if param.minimum is not None:
        return [Interval(Integral, param.minimum, None, closed="left")]
    if param.options is not None:
        return [StrOptions(set(param.options))]
    raise TypeError(f"no constraints for the encoder's parameter {name!r}")


#: the encoder's parameter constraints, for ``_parameter_constraints``
ENCODER_CONSTRAINTS = {
    name: _constraints(name, param) for name, param in ENCODER_PARAMS.items()
}


def _init_storing(owner: str, params: dict[str, EncoderParam]):
    """An ``__init__`` storing ``params`` (positional or keyword, with defaults).

    Its signature is what scikit-learn's ``get_params``, ``clone`` and ``repr``
    read (as :func:`sklearn_raman.neural._params.make_init`, which keeps its
    parameters keyword-only; a transformer's may be positional).
    """
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    signature = inspect.Signature(
        [inspect.Parameter("self", kind)]
        + [
            inspect.Parameter(name, kind, default=p.default, annotation=p.annotation)
            for name, p in params.items()
        ]
    )

    def __init__(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        for name in params:
            setattr(self, name, bound.arguments[name])

    __init__.__signature__ = signature
    __init__.__qualname__ = f"{owner}.__init__"
    return __init__


def _encodings():
    """:mod:`sklearn_raman.nn.encodings`, or an ImportError that names torch."""
    try:
        from ..nn import encodings
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] != "torch":
            raise
        raise ImportError(
            "SpectrumImager computes its images with torch "
            "(sklearn_raman.nn.SpectrumEncoder), which is not installed: "
            "pip install torch"
        ) from error
    return encodings


@document_encoder
class SpectrumImager(SpectralTransformer):
    """Turn each spectrum into one or more square images, flattened.

    The images a 2D classifier (e.g. :class:`~sklearn_raman.LeNet2DClassifier`)
    computes inside its network, as an array for classical models, plotting
    and inspection: the same code
    (:class:`~sklearn_raman.nn.SpectrumEncoder`, run in float64 on the CPU),
    so both agree, and GAF, MTF and recurrence plots agree with pyts. Each
    spectrum is scaled on its own: the transformer is stateless.

    It needs torch: the images are computed by that torch module (``pip
    install torch``); without it, ``fit`` raises an ImportError that says so.

    Parameters
    ----------
    ENCODER_PARAMETERS

    Attributes
    ----------
    n_features_in_ : int
        Points per spectrum seen in ``fit``.
    wavenumbers_ : ndarray of shape (n_points,)
        Spectral axis seen in ``fit``.
    n_channels_ : int
        Images per spectrum (one per encoding).

    Examples
    --------
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.preprocessing import SpectrumImager
    >>> X, y = make_spectra(n_classes=2, n_samples_per_class=3, n_points=500)
    >>> imager = SpectrumImager(encoding=("gasf", "mtf"), image_size=32)
    >>> images = imager.fit_transform(X)
    >>> images.shape  # 2 channels of 32 x 32
    (6, 2048)
    >>> images.reshape(len(X), 2, 32, 32).shape
    (6, 2, 32, 32)
    """

    _parameter_constraints: dict = dict(ENCODER_CONSTRAINTS)

    __init__ = _init_storing("SpectrumImager", ENCODER_PARAMS)

    def _encoder(self, n_points: int):
        return _encodings().SpectrumEncoder(
            n_points,
            self.encoding,
            self.image_size,
            n_bins=self.n_bins,
            wavelet=self.wavelet,
        )

    def _fit(self, X):
        self.n_channels_ = self._encoder(X.shape[1]).n_channels

    def _transform(self, X):
        import torch

        encoder = self._encoder(X.shape[1]).double()
        out = np.empty((len(X), self.n_channels_ * self.image_size**2))
        with torch.no_grad():
            for start in range(0, len(X), 256):
                # a copy: X may be read-only (memory-mapped)
                batch = torch.tensor(X[start : start + 256], dtype=torch.float64)
                out[start : start + 256] = encoder(batch).reshape(len(batch), -1)
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the pixels: ``{encoding}_{row}_{column}``.

        Parameters
        ----------
        input_features : None
            Ignored (the output does not follow the input's columns).

        Returns
        -------
        names : ndarray of str, shape (n_channels * image_size**2,)
            One name per pixel, channel by channel, row by row.
        """
        check_is_fitted(self, "n_channels_")
        check_encoding = _encodings().check_encoding
        size = self.image_size
        rows, cols = np.divmod(np.arange(size * size), size)
        return np.array(
            [
                f"{name}_{r}_{c}"
                for name in check_encoding(self.encoding)
                for r, c in zip(rows, cols)
            ],
            dtype=object,
        )
