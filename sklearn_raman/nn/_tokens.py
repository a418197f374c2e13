"""One modality's block of columns as tokens: the per-branch encoder of FusionNet.

A strided residual CNN (1D for a spectrum, 2D for an image, from
:class:`~sklearn_raman.nn.resnet.BasicBlock`) whose last map's positions are
the tokens that :class:`~sklearn_raman.nn.FusionNet` pools and attends over.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from ._base import evaluating, scaled
from .resnet import BasicBlock


class Standardize(nn.Module):
    """Each sample and channel to mean 0, standard deviation 1 (any size).

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn._tokens import Standardize
    >>> z = Standardize()(5 + 3 * torch.rand(2, 1, 8, 8))
    >>> abs(float(z.mean())) < 1e-5, round(float(z[0].std(correction=0)), 3)
    (True, 1.0)
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Standardised ``x`` (batch, channels, ...)."""
        dims = tuple(range(2, x.dim()))
        mean = x.mean(dim=dims, keepdim=True)
        std = x.std(dim=dims, keepdim=True, correction=0)
        return (x - mean) / (std + 1e-6)


class ModalityEncoder(nn.Module):
    """A residual CNN that turns one block into tokens (batch, n_tokens, dim).

    A strided stem, one basic block per further stage (each halving the map),
    then a 1 × 1 convolution to ``dim`` channels; every position of the last
    map is a token (a band region of a spectrum, a patch of an image), with a
    learnt position embedding.

    Parameters
    ----------
    shape : tuple of int
        ``(n_points,)`` or ``(channels, height, width)``.
    dim : int
        Channels of the tokens.
    channels : sequence of int
        Channels of the stem, then of each stage.
    width : float
        Channel multiplier.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn._tokens import ModalityEncoder
    >>> enc = ModalityEncoder((1, 16, 16), 8, (4, 8), 1.0).eval()
    >>> tokens = enc(torch.rand(2, 256))
    >>> tokens.shape, enc.grid, enc.pooled(tokens).shape
    (torch.Size([2, 16, 8]), (4, 4), torch.Size([2, 8]))
    """

    def __init__(
        self, shape: tuple[int, ...], dim: int, channels: Sequence[int], width: float
    ):
        super().__init__()
        self.shape = tuple(shape)
        image = len(self.shape) == 3
        conv, norm = (
            (nn.Conv2d, nn.BatchNorm2d) if image else (nn.Conv1d, nn.BatchNorm1d)
        )
        widths = [scaled(c, width) for c in channels]
        stem, kernel = (3, 3) if image else (7, 5)
        # an image's brightness and contrast vary with the microscope's
        # settings: each is standardised on its own (a spectrum is left as the
        # user's preprocessing made it)
        layers: list[nn.Module] = [Standardize()] if image else []
        layers += [
            conv(
                self.shape[0] if image else 1, widths[0], stem, 2, stem // 2, bias=False
            ),
            norm(widths[0]),
            nn.ReLU(inplace=True),
        ]
        for c_in, c_out in zip(widths, widths[1:]):
            layers.append(
                BasicBlock(c_in, c_out, 2, kernel, None, ndim=2 if image else 1)
            )
        layers += [
            conv(widths[-1], dim, 1, bias=False),
            norm(dim),
            nn.ReLU(inplace=True),
        ]
        self.features = nn.Sequential(*layers)
        with torch.no_grad(), evaluating(self.features):
            grid = self.features(torch.zeros(1, *self._input_shape())).shape[2:]
        self.grid = tuple(int(g) for g in grid)
        self.n_tokens = math.prod(self.grid)
        self.position = nn.Parameter(0.02 * torch.randn(self.n_tokens, dim))
        # a spectrum's features keep where each band lies (which band it is);
        # an image's texture is the same anywhere on the surface
        self.pool = (
            nn.Sequential(nn.Flatten(), nn.Linear(self.n_tokens * dim, dim), nn.ReLU())
            if not image
            else None
        )

    def _input_shape(self) -> tuple[int, ...]:
        return self.shape if len(self.shape) == 3 else (1, self.shape[0])

    def forward(self, block: torch.Tensor) -> torch.Tensor:
        """Flattened blocks (batch, prod(shape)) → tokens (batch, n_tokens, dim)."""
        maps = self.features(block.reshape(-1, *self._input_shape()))
        return maps.flatten(2).transpose(1, 2) + self.position

    def pooled(self, tokens: torch.Tensor) -> torch.Tensor:
        """One vector (batch, dim): positional for a spectrum, a mean for an image."""
        return tokens.mean(dim=1) if self.pool is None else self.pool(tokens)

    def token_extents(self) -> list[tuple[slice, ...]]:
        """The input region of each token: a slice of points, or (rows, columns)."""
        sides = self.shape[1:] if len(self.shape) == 3 else self.shape
        spans = [
            [slice(k * n // g, max(k * n // g + 1, (k + 1) * n // g)) for k in range(g)]
            for n, g in zip(sides, self.grid)
        ]
        if len(spans) == 1:
            return [(s,) for s in spans[0]]
        return [(r, c) for r in spans[0] for c in spans[1]]
