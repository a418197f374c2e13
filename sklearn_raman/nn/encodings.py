"""Spectrum-to-image encodings, computed per batch on the network's device.

A spectrum of ``n_points`` becomes one or more ``image_size`` × ``image_size``
images: a Gramian Angular Field (summation or difference), a Markov Transition
Field, a recurrence plot, a wavelet scalogram or a plain reshape. Where an
encoding works on fewer points than the spectrum has, the spectrum is first
reduced by a piecewise aggregate approximation (PAA: the mean of each of
``image_size`` consecutive segments, with pyts' segment bounds), as the
literature does. GAF, MTF and recurrence plots agree with pyts
(``tests/test_encodings.py``).

Each encoding is linear algebra on a batch, so a 2D network turns spectra into
images inside its forward pass: no image data set is materialised (19,000 GAF
images of 1,024² float32 would be 80 GB), gradients reach the input, and the
ONNX export holds the encoding.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .._encoder import ENCODER_DEFAULTS, ENCODER_PARAMS, ENCODINGS, document_encoder

#: encodings whose pixel (i, j) relates positions i and j of the spectrum
_FIELDS = ("gasf", "gadf", "mtf", "recurrence")


def segment_bounds(n_points: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of the ``size`` PAA segments of ``n_points``.

    pyts' non-overlapping bounds (``linspace(0, n_points, size + 1)``
    truncated) where ``size <= n_points``; for a larger ``size`` each segment
    holds the one point under it, so the points are repeated.
    """
    bounds = np.linspace(0, n_points, size + 1).astype(np.int64)
    start = np.minimum(bounds[:-1], n_points - 1)
    end = np.maximum(bounds[1:], start + 1)
    return start, end


def paa_matrix(n_points: int, size: int) -> torch.Tensor:
    """(size, n_points) matrix whose product with a spectrum is its PAA."""
    start, end = segment_bounds(n_points, size)
    matrix = np.zeros((size, n_points))
    for row, (lo, hi) in enumerate(zip(start, end)):
        matrix[row, lo:hi] = 1.0 / (hi - lo)
    return torch.as_tensor(matrix)  # float64: cast to the input's dtype per call


def _minmax(x: torch.Tensor, low: float, high: float) -> torch.Tensor:
    """Each row scaled to [low, high]; a flat row goes to ``low`` (as pyts)."""
    lo = x.amin(dim=-1, keepdim=True)
    span = x.amax(dim=-1, keepdim=True) - lo
    unit = torch.where(span > 0, (x - lo) / span.clamp_min(1e-30), 0.0)
    return low + (high - low) * unit


def _sqrt(u: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    """``sqrt(max(u, 0))`` with a finite gradient at 0 (0 below ``eps``)."""
    return torch.where(u > eps, u.clamp_min(eps).sqrt(), 0.0)


def _quantiles(x: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """Per-row quantiles with linear interpolation (NumPy's default).

    By sorting, not ``torch.quantile``, so that it exports to ONNX.
    """
    n = x.shape[-1]
    ordered = x.sort(dim=-1).values
    position = q.to(x.dtype) * (n - 1)
    lo = position.floor().long().clamp(0, n - 1)
    hi = (lo + 1).clamp(max=n - 1)
    frac = position - lo.to(x.dtype)
    return ordered[:, lo] * (1 - frac) + ordered[:, hi] * frac


def _wavelet_bank(size: int, wavelet: str) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Filters of ``size`` scales, geometric up to ``size / 2`` points.

    Ricker (Mexican hat) from scale 1, or the complex Morlet (centre frequency
    5) from scale 2, as a real and an imaginary bank: below 2 points its
    period (2π s / 5) is shorter than two samples and the sampled filter
    aliases into a low-pass one. Each filter is normalised to unit L2 norm
    over its support, so scales compare.
    """
    smallest = 1.0 if wavelet == "ricker" else 2.0
    scales = np.geomspace(smallest, max(size / 2, smallest), size)
    half = int(min(np.ceil(4 * scales[-1]), 2 * size))
    t = np.arange(-half, half + 1, dtype=float)[None, :] / scales[:, None]
    envelope = np.exp(-(t**2) / 2)
    if wavelet == "ricker":
        real, imag = (1 - t**2) * envelope, None
    else:
        real, imag = np.cos(5 * t) * envelope, np.sin(5 * t) * envelope
    norm = np.sqrt((real**2 + (0 if imag is None else imag**2)).sum(1, keepdims=True))
    as_filters = lambda bank: torch.as_tensor(  # noqa: E731
        (bank / norm)[:, None, :], dtype=torch.float64
    )
    return as_filters(real), None if imag is None else as_filters(imag)


@document_encoder
class SpectrumEncoder(nn.Module):
    """Spectra (batch, n_points) → images (batch, channels, size, size).

    GAF scales each spectrum on its own (its definition) and MTF depends on
    the order of the values only; the recurrence plot, the scalogram and the
    reshape keep the spectrum's values, so normalise the spectra first (e.g.
    :class:`~sklearn_raman.MinMaxPerSpectrum`), as for the 1D nets:

    - ``"gasf"`` / ``"gadf"``: the PAA of the spectrum, min-max scaled to
      [-1, 1] and read as the cosine of an angle φ; pixel (i, j) is
      cos(φᵢ + φⱼ) (summation) or sin(φᵢ − φⱼ) (difference). pyts'
      ``GramianAngularField``.
    - ``"mtf"``: the spectrum's points are put in ``n_bins`` quantile bins; the
      field at (i, j) is the probability of moving from the bin of point i to
      the bin of point j in one step, averaged over the PAA segments. pyts'
      ``MarkovTransitionField``.
    - ``"recurrence"``: the distance ``abs(x[i] - x[j])`` of the PAA (an
      unthresholded recurrence plot; pyts' ``RecurrencePlot`` of the PAA).
    - ``"cwt"``: the magnitude of a continuous wavelet transform of the PAA,
      ``size`` scales from 1 (Ricker; Morlet: 2) to
      ``size / 2`` PAA points (rows, fine to coarse) at every position
      (columns).
    - ``"reshape"``: the spectrum written row by row into the square:
      zero-padded where it has at most ``size²`` points, reduced by PAA to
      ``size²`` points where it has more.

    Parameters
    ----------
    n_points : int
        Length of the spectra.
    ENCODER_PARAMETERS

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn import SpectrumEncoder
    >>> SpectrumEncoder(1000, ("gasf", "mtf"), image_size=32)(torch.rand(4, 1000)).shape
    torch.Size([4, 2, 32, 32])
    """

    def __init__(
        self,
        n_points: int,
        encoding: str | Sequence[str] = ENCODER_DEFAULTS["encoding"],
        image_size: int = ENCODER_DEFAULTS["image_size"],
        *,
        n_bins: int = ENCODER_DEFAULTS["n_bins"],
        wavelet: str = ENCODER_DEFAULTS["wavelet"],
    ):
        super().__init__()
        self.encodings = check_encoding(encoding)
        lowest = ENCODER_PARAMS["image_size"].minimum
        if isinstance(image_size, bool) or int(image_size) != image_size:
            raise ValueError(
                f"image_size must be an integer >= {lowest}; got {image_size!r}"
            )
        if image_size < lowest or n_points < 1:
            raise ValueError(
                f"image_size and n_points must be >= 1; got {image_size}, {n_points}"
            )
        lowest = ENCODER_PARAMS["n_bins"].minimum
        if int(n_bins) != n_bins or n_bins < lowest:
            raise ValueError(f"n_bins must be an integer >= {lowest}; got {n_bins!r}")
        wavelets = ENCODER_PARAMS["wavelet"].options
        if wavelet not in wavelets:
            raise ValueError(
                f"wavelet must be {' or '.join(map(repr, wavelets))}; got {wavelet!r}"
            )
        self.n_points, self.image_size = int(n_points), int(image_size)
        self.n_bins, self.wavelet = int(n_bins), wavelet
        self.n_channels = len(self.encodings)
        size = self.image_size
        self.register_buffer("paa", paa_matrix(n_points, size), persistent=False)
        if "reshape" in self.encodings:
            self.register_buffer(
                "paa_square",
                paa_matrix(n_points, size * size) if n_points > size * size else None,
                persistent=False,
            )
        if "cwt" in self.encodings:
            real, imag = _wavelet_bank(size, wavelet)
            self.register_buffer("wavelet_real", real, persistent=False)
            self.register_buffer("wavelet_imag", imag, persistent=False)

    def extra_repr(self) -> str:
        """The encoder's configuration, in the module's repr.

        Returns
        -------
        text : str
            ``n_points``, the encodings and ``image_size``.
        """
        return (
            f"n_points={self.n_points}, encoding={self.encodings}, "
            f"image_size={self.image_size}"
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Encode a batch of spectra.

        Parameters
        ----------
        x : Tensor of shape (batch, n_points) or (batch, 1, n_points)
            Spectra.

        Returns
        -------
        images : Tensor of shape (batch, channels, image_size, image_size)
            One channel per encoding, in the order given.
        """
        if x.dim() == 3:
            x = x.squeeze(1)
        if x.shape[-1] != self.n_points:
            raise ValueError(
                f"{self.n_points} points expected per spectrum; got {x.shape[-1]}"
            )
        paa = x @ self.paa.to(x.dtype).T
        return torch.stack([self._one(name, x, paa) for name in self.encodings], 1)

    def _one(self, name: str, x: torch.Tensor, paa: torch.Tensor) -> torch.Tensor:
        if name in ("gasf", "gadf"):
            cos = _minmax(paa, -1.0, 1.0)
            sin = _sqrt(1 - cos**2)
            outer = lambda a, b: a[:, :, None] * b[:, None, :]  # noqa: E731
            if name == "gasf":
                return outer(cos, cos) - outer(sin, sin)
            return outer(sin, cos) - outer(cos, sin)
        if name == "recurrence":
            return (paa[:, :, None] - paa[:, None, :]).abs()
        if name == "mtf":
            return self._mtf(x)
        if name == "cwt":
            return self._cwt(paa)
        return self._reshape(x)

    def _mtf(self, x: torch.Tensor) -> torch.Tensor:
        q = torch.linspace(0, 1, self.n_bins + 1, device=x.device, dtype=x.dtype)[1:-1]
        edges = _quantiles(x, q)
        # bin = number of edges strictly below the value (pyts' digitize)
        bins = (x[:, :, None] > edges[:, None, :]).sum(-1)
        onehot = F.one_hot(bins, self.n_bins).to(x.dtype)
        counts = onehot[:, :-1].transpose(1, 2) @ onehot[:, 1:]
        rows = counts.sum(2, keepdim=True)
        transition = counts / torch.where(rows > 0, rows, torch.ones_like(rows))
        # field (i, j) = transition[bin i, bin j], averaged over segments:
        # (paa @ onehot) transition (paa @ onehot)^T
        share = self.paa.to(x.dtype) @ onehot
        return share @ transition @ share.transpose(1, 2)

    def _cwt(self, paa: torch.Tensor) -> torch.Tensor:
        signal = paa[:, None, :]
        half = self.wavelet_real.shape[-1] // 2
        # reflect where the signal is long enough, zeros beyond
        pad = min(half, signal.shape[-1] - 1)
        signal = F.pad(signal, (pad, pad), mode="reflect") if pad else signal
        signal = F.pad(signal, (half - pad, half - pad))
        real = F.conv1d(signal, self.wavelet_real.to(signal.dtype))
        if self.wavelet_imag is None:
            return real.abs()
        imag = F.conv1d(signal, self.wavelet_imag.to(signal.dtype))
        return _sqrt(real**2 + imag**2)

    def _reshape(self, x: torch.Tensor) -> torch.Tensor:
        size = self.image_size
        flat = x
        if self.paa_square is not None:
            flat = flat @ self.paa_square.to(x.dtype).T
        flat = F.pad(flat, (0, size * size - flat.shape[-1]))
        return flat.reshape(-1, size, size)  # -1: a dynamic batch in ONNX

    def to_positions(self, relevance: torch.Tensor) -> torch.Tensor:
        """Image-space relevance (batch, size, size) → relevance per spectrum point.

        Pixel (i, j) of a field (GAF, MTF, recurrence) belongs to PAA segments
        i and j (half each), a scalogram's pixel to the segment of its column,
        a reshaped image's pixel to the point (or PAA segment) it holds; each
        point then takes its segment's relevance. Stacked encodings share one
        map: their projections are averaged.

        Parameters
        ----------
        relevance : Tensor of shape (batch, image_size, image_size)
            Relevance of each pixel (e.g. a Grad-CAM map on the image).

        Returns
        -------
        points : Tensor of shape (batch, n_points)
            Relevance of each point of the spectrum.
        """
        size = self.image_size
        like = dict(device=relevance.device, dtype=relevance.dtype)
        out = torch.zeros(len(relevance), self.n_points, **like)

        def spread(paa: torch.Tensor) -> torch.Tensor:
            """(segments, points): each point takes the mean of its segments."""
            member = (paa > 0).to(**like).T
            return (member / member.sum(1, keepdim=True).clamp_min(1)).T

        for name in self.encodings:
            if name in _FIELDS:
                segments = (relevance.sum(1) + relevance.sum(2)) / 2
                out += segments @ spread(self.paa)
            elif name == "cwt":
                out += relevance.sum(1) @ spread(self.paa)
            else:
                flat = relevance.reshape(len(relevance), size * size)
                if self.paa_square is None:
                    out += flat[:, : self.n_points]
                else:
                    out += flat @ spread(self.paa_square)
        return out / len(self.encodings)


def check_encoding(encoding) -> tuple[str, ...]:
    """``encoding`` as a tuple of known names, or a ValueError naming the bad one."""
    names = (encoding,) if isinstance(encoding, str) else tuple(encoding)
    if not names:
        raise ValueError("encoding: give at least one of " + ", ".join(ENCODINGS))
    for k, name in enumerate(names):
        if name not in ENCODINGS:
            raise ValueError(
                f"unknown encoding {name!r}; choose from {', '.join(ENCODINGS)}"
            )
        if name in names[:k]:
            raise ValueError(f"encoding {name!r} is given twice")
    return names
