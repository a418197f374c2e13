"""SpectrumImager: spectra → flattened images (GAF, MTF, recurrence, CWT, reshape)."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._base import SpectralTransformer


class SpectrumImager(SpectralTransformer):
    """Turn each spectrum into one or more square images, flattened.

    The images a 2D classifier (e.g. :class:`~sklearn_raman.LeNet2DClassifier`)
    computes inside its network, as an array for classical models, plotting
    and inspection: the same code
    (:class:`~sklearn_raman.nn.SpectrumEncoder`, run in float64 on the CPU),
    so both agree, and GAF, MTF and recurrence plots agree with pyts. Each
    spectrum is scaled on its own: the transformer is stateless.

    Parameters
    ----------
    encoding : str or sequence of str, default="gasf"
        ``"gasf"`` / ``"gadf"`` (Gramian Angular Summation / Difference Field),
        ``"mtf"`` (Markov Transition Field), ``"recurrence"`` (recurrence
        plot), ``"cwt"`` (wavelet scalogram) or ``"reshape"``, or several,
        stacked as channels.
    image_size : int, default=64
        Side of the images; the spectrum is reduced to it by piecewise
        aggregate approximation first.
    n_bins : int, default=8
        Quantile bins of the Markov Transition Field.
    wavelet : {"ricker", "morlet"}, default="ricker"
        Wavelet of the scalogram.

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

    _parameter_constraints: dict = {
        "encoding": [str, "array-like"],
        "image_size": [Interval(Integral, 1, None, closed="left")],
        "n_bins": [Interval(Integral, 2, None, closed="left")],
        "wavelet": [StrOptions({"ricker", "morlet"})],
    }

    def __init__(
        self,
        encoding="gasf",
        image_size: int = 64,
        n_bins: int = 8,
        wavelet: str = "ricker",
    ):
        self.encoding = encoding
        self.image_size = image_size
        self.n_bins = n_bins
        self.wavelet = wavelet

    def _encoder(self, n_points: int):
        from ..nn.encodings import SpectrumEncoder  # torch: on first use only

        return SpectrumEncoder(
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
        """
        check_is_fitted(self, "n_channels_")
        from ..nn.encodings import check_encoding

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
