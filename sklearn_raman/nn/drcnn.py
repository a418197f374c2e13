"""Deeply-recursive CNN of Zhou et al. (2022)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ._base import SpectrumNet, before_pooling, flatten_neck, scaled


def _conv(c_in: int, c_out: int, kernel_size: int) -> nn.Conv1d:
    return nn.Conv1d(c_in, c_out, kernel_size, padding=kernel_size // 2)


class _RecursiveFeatures(nn.Module):
    """Embedding, D recursions of one shared convolution, and their fusion.

    The shared supervision layers Y and Z run on every recursion; their outputs
    are fused with the level weights.
    """

    def __init__(
        self,
        recursions,
        embed_channels,
        recursive_channels,
        supervision_channels,
        reconstruction_channels,
        kernel_size,
    ):
        super().__init__()
        c1, c0 = embed_channels
        cy, cz = supervision_channels
        self.embedding = nn.Sequential(
            _conv(1, c1, kernel_size),
            nn.ReLU(inplace=True),
            _conv(c1, c0, kernel_size),
            nn.ReLU(inplace=True),
        )
        self.lift = (  # only when the widths of L0 and the recursion differ
            nn.Identity()
            if c0 == recursive_channels
            else _conv(c0, recursive_channels, 1)
        )
        self.recursive = _conv(recursive_channels, recursive_channels, kernel_size)
        self.supervision = nn.Sequential(
            nn.MaxPool1d(2, 2),
            _conv(recursive_channels, cy, kernel_size),
            nn.ReLU(inplace=True),
            nn.MaxPool1d(2, 2),
            _conv(cy, cz, kernel_size),
            nn.ReLU(inplace=True),
            nn.MaxPool1d(2, 2),
        )
        # level weights, initialised equal and normalised by their sum (eq. 16)
        self.level_weights = nn.Parameter(torch.full((recursions,), 1.0 / recursions))
        self.reconstruction = nn.Sequential(
            _conv(cz, reconstruction_channels, kernel_size),
            nn.ReLU(inplace=True),
            nn.MaxPool1d(2, 2),
        )
        self.recursions = recursions

    def levels(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Supervision outputs ``Z(Y(L_i))`` of every recursion ``i = 1 .. D``."""
        h = self.lift(self.embedding(x))
        out = []
        for _ in range(self.recursions):
            h = torch.relu(self.recursive(h))
            out.append(self.supervision(h))
        return out

    def fuse(self, levels: list[torch.Tensor]) -> torch.Tensor:
        w = self.level_weights / self.level_weights.sum()
        # an elementwise sum, not a matmul: results do not depend on the batch size
        return sum(w[i] * level for i, level in enumerate(levels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.reconstruction(self.fuse(self.levels(x)))


class DRCNN(SpectrumNet):
    """Deeply-recursive convolutional network (Zhou et al., 2022, table 1).

    Embedding: two 3-point convolutions (64, 128 channels). Inference: one
    convolution of 128 channels applied ``recursions`` times (default 9) with
    shared weights; after every recursion the shared supervision layers
    Y (256 channels) and Z (512 channels), each with max pooling, give a level
    output. Reconstruction: the level outputs are summed with learnable level
    weights divided by their sum (initially equal), followed by a convolution of
    1024 channels and max pooling. Exportation: flatten, dense 1024 and 512, each
    with batch normalisation, ReLU and dropout 0.5; linear output. Convolutions
    use "same" padding and ReLU throughout.

    The paper's table lists max pooling after the recursive layer and after Y
    and Z (three halvings before the fusion: 1024 → 128 points), while eq. 12–13
    place it after Y and Z only; the table's shapes are followed here.

    Recursive supervision (as in DRCN, Kim et al. 2016): :meth:`level_logits`
    passes every level output through the shared reconstruction and exportation
    layers, giving one prediction per recursion; the estimator adds their loss
    with weight ``alpha``.

    Parameters
    ----------
    n_points : int
        Input length (shorter inputs are zero-padded to 16 points).
    n_classes : int
        Number of outputs.
    recursions : int, default=9
        Number of recursions D.
    width : float, default=1.0
        Multiplier of every channel count.
    embed_channels : (int, int), default=(64, 128)
        Channels of the two embedding convolutions.
    recursive_channels : int, default=128
        Channels of the recursive convolution.
    supervision_channels : (int, int), default=(256, 512)
        Channels of Y and Z.
    reconstruction_channels : int, default=1024
        Channels of the reconstruction convolution.
    dense_units : sequence of int, default=(1024, 512)
        Units of the dense blocks.
    dropout : float, default=0.5
        Dropout of the dense blocks.
    kernel_size : int, default=3
        Kernel size of the convolutions.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn import DRCNN
    >>> net = DRCNN(64, 5, width=0.125, dense_units=(32, 16), recursions=3).eval()
    >>> net(torch.zeros(2, 64)).shape, net.level_logits(torch.zeros(2, 64)).shape
    (torch.Size([2, 5]), torch.Size([3, 2, 5]))
    """

    def __init__(
        self,
        n_points: int,
        n_classes: int,
        *,
        recursions: int = 9,
        width: float = 1.0,
        embed_channels: tuple[int, int] = (64, 128),
        recursive_channels: int = 128,
        supervision_channels: tuple[int, int] = (256, 512),
        reconstruction_channels: int = 1024,
        dense_units: Sequence[int] = (1024, 512),
        dropout: float = 0.5,
        kernel_size: int = 3,
    ):
        super().__init__(n_points, n_classes)
        if recursions < 1:
            raise ValueError(f"recursions must be >= 1; got {recursions}")
        self.features = _RecursiveFeatures(
            recursions,
            tuple(scaled(c, width) for c in embed_channels),
            scaled(recursive_channels, width),
            tuple(scaled(c, width) for c in supervision_channels),
            scaled(reconstruction_channels, width),
            kernel_size,
        )
        self.cam_layer_name = before_pooling(
            self.features.reconstruction, "features.reconstruction"
        )
        self._build_head(flatten_neck(dense_units, dropout))

    def level_logits(self, x: torch.Tensor) -> torch.Tensor:
        """Logits of every recursion level.

        Parameters
        ----------
        x : Tensor of shape (batch, n_points) or (batch, 1, n_points)
            Spectra.

        Returns
        -------
        level_logits : Tensor of shape (recursions, batch, n_classes)
            The prediction of each level output through the shared
            reconstruction and exportation layers.
        """
        return self.forward_with_levels(x)[1]

    def forward_with_levels(self, x: torch.Tensor):
        """Final logits and the logits of every level, sharing one feature pass.

        Parameters
        ----------
        x : Tensor of shape (batch, n_points) or (batch, 1, n_points)
            Spectra.

        Returns
        -------
        logits : Tensor of shape (batch, n_classes)
            The output of the net, as :meth:`forward`.
        level_logits : Tensor of shape (recursions, batch, n_classes)
            The logits of every recursion level, as :meth:`level_logits`.
        """
        f = self.features
        levels = f.levels(self.pad(x))
        head = lambda z: self.classifier(self.neck(f.reconstruction(z)))  # noqa: E731
        return head(f.fuse(levels)), torch.stack([head(z) for z in levels])
