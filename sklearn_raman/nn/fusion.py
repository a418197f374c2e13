"""Fusion of several measurements of one sample: spectra and images side by side.

The input stays one row per sample: the columns of each modality (a spectrum,
a flattened image) follow one another, as declared by ``modalities``. Each
block is encoded into tokens by a small residual CNN (1D for spectra, 2D for
images, both built from :class:`~sklearn_raman.nn.resnet.BasicBlock`), then
fused at the data, feature, decision or attention level. A block of NaN is a
missing measurement: it is masked, not guessed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ..modalities import Modality, parse_modalities
from ._base import SpectrumNet, evaluating, positive_ints, scaled
from .resnet import BasicBlock

#: the fusion levels of :class:`FusionNet`
FUSIONS = ("early", "concat", "late", "attention")


class Standardize(nn.Module):
    """Each sample and channel to mean 0, standard deviation 1 (any size)."""

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


class CrossAttention(nn.Module):
    """Tokens of one modality attend to those of the others.

    Multi-head attention with the queries from one modality's tokens and the
    keys / values from the others' (both layer-normed): for each token, what
    the other modalities hold that bears on it. Keys of a missing modality are
    masked; a sample with no key left (every other modality missing) gets a
    zero output and NaN weights.
    """

    def __init__(self, dim: int, n_heads: int):
        super().__init__()
        self.attn = nn.MultiheadAttention(dim, n_heads, batch_first=True)
        self.norm_query = nn.LayerNorm(dim)
        self.norm_keys = nn.LayerNorm(dim)

    def forward(self, query, keys, key_missing):
        """(output (batch, n_query, dim), weights (batch, n_query, n_keys))."""
        lone = key_missing.all(dim=1)
        # an all-masked row would give NaN: unmask it, then zero its output
        mask = key_missing & ~lone[:, None]
        keys = self.norm_keys(keys)
        out, weights = self.attn(
            self.norm_query(query), keys, keys, key_padding_mask=mask
        )
        out = out * (~lone).to(out.dtype)[:, None, None]
        weights = torch.where(lone[:, None, None], float("nan"), weights)
        return out, weights


class FusionNet(SpectrumNet):
    """One network over several modalities of a sample, fused at a chosen level.

    The input is a row of concatenated blocks (see :func:`parse_modalities`);
    a block that is all NaN is a missing measurement. Fusion levels:

    - ``"early"`` (data level): the blocks are joined before one encoder —
      spectra end to end, images of one size as channels; other mixes raise.
      A missing block enters as zeros.
    - ``"concat"`` (feature level): one encoder per modality; the token means
      are concatenated into a dense layer. A missing modality's features are
      replaced by a learnt "missing" vector.
    - ``"late"`` (decision level): one encoder and one output layer per
      modality, trained each on its own (deep supervision); the prediction is
      the mean of the present modalities' probabilities (soft vote).
    - ``"attention"``: as ``"concat"``, and each modality's tokens (band
      regions, image patches) attend to the other modalities' tokens (missing
      ones masked; a lone modality attends to itself): the mean of what they
      gather joins the modality's own features before the dense layer.
      :meth:`forward_with_attention` returns the weights.

    Parameters
    ----------
    n_points : int
        Columns of the input (all blocks).
    n_classes : int
        Number of outputs.
    modalities : sequence of (str, int or tuple) or None, default=None
        The blocks, see :func:`parse_modalities`; None: one spectrum.
    fusion : {"early", "concat", "late", "attention"}, default="attention"
        Fusion level.
    embed_dim : int, default=64
        Channels of the tokens and size of the fused embedding.
    n_heads : int, default=4
        Attention heads (dividing ``embed_dim``).
    channels : sequence of int, default=(16, 32, 64, 128)
        Channels of each encoder's stem and stages (each stage halves the
        map: a 1,800-point spectrum gives 113 tokens, a 64 × 64 image 16).
    width : float, default=1.0
        Channel multiplier of the encoders.
    modality_dropout : float, default=0.0
        In training, the chance that a modality of a sample is treated as
        missing (never all of them): trains the net for predictions with a
        modality missing.
    dropout : float, default=0.3
        Dropout of the dense layers.

    Examples
    --------
    >>> import torch
    >>> net = FusionNet(100 + 16 * 16, 3, modalities=[("ftir", 100), ("sem", (16, 16))])
    >>> net.eval()(torch.rand(2, 356)).shape
    torch.Size([2, 3])
    """

    def __init__(
        self,
        n_points: int,
        n_classes: int,
        *,
        modalities: Sequence | None = None,
        fusion: str = "attention",
        embed_dim: int = 64,
        n_heads: int = 4,
        channels: Sequence[int] = (16, 32, 64, 128),
        width: float = 1.0,
        modality_dropout: float = 0.0,
        dropout: float = 0.3,
    ):
        super().__init__(n_points, n_classes)
        if fusion not in FUSIONS:
            raise ValueError(f"fusion must be one of {FUSIONS}; got {fusion!r}")
        (dim,) = positive_ints("embed_dim", (embed_dim,))
        (heads,) = positive_ints("n_heads", (n_heads,))
        if fusion == "attention" and dim % heads:
            raise ValueError(f"n_heads ({heads}) must divide embed_dim ({dim})")
        if not 0 <= modality_dropout < 1:
            raise ValueError(
                f"modality_dropout must be in [0, 1); got {modality_dropout!r}"
            )
        channels = positive_ints("channels", channels)
        self.modalities = parse_modalities(modalities, n_points)
        self.fusion = fusion
        self.modality_dropout = float(modality_dropout)
        self.branches = (self._early_block(),) if fusion == "early" else self.modalities
        self.features = nn.ModuleList(
            ModalityEncoder(b.shape, dim, channels, width) for b in self.branches
        )
        if fusion == "attention":
            self.attention = nn.ModuleList(
                CrossAttention(dim, heads) for _ in self.branches
            )
        n = len(self.branches)
        self.missing = nn.Parameter(torch.zeros(n, dim))
        self.min_length = self.input_length = self.n_points
        self.feature_shape = (n, dim)
        if fusion == "attention":  # each branch's features and its context
            n = 2 * n
        if fusion == "late":
            self.neck = nn.Flatten()
            self.embedding_dim = n * dim
        else:
            self.neck = nn.Sequential(
                nn.Flatten(),
                nn.Linear(n * dim, dim),
                nn.ReLU(inplace=True),
                nn.Dropout(dropout),
            )
            self.embedding_dim = dim
        self.classifier = self.new_classifier(n_classes)

    def _early_block(self) -> Modality:
        kinds = {m.is_image for m in self.modalities}
        if kinds == {False}:
            return Modality("early", (self.n_points,), 0, self.n_points)
        sides = {m.shape[1:] for m in self.modalities}
        if kinds == {True} and len(sides) == 1:
            channels = sum(m.shape[0] for m in self.modalities)
            return Modality("early", (channels, *sides.pop()), 0, self.n_points)
        raise ValueError(
            "fusion='early' joins the inputs themselves: all modalities must be "
            "spectra, or all images of one size; got "
            f"{[(m.name, m.shape) for m in self.modalities]}. Use 'concat', "
            "'late' or 'attention'"
        )

    def new_classifier(self, n_classes: int) -> nn.Module:
        """A fresh output layer for ``n_classes`` (one per modality for ``"late"``)."""
        if self.fusion == "late":
            dim = self.feature_shape[1]
            return LateVote(len(self.branches), dim, n_classes)
        return nn.Linear(self.embedding_dim, n_classes)

    def augmentation(self, augment: nn.Module) -> nn.Module:
        """The training augmentation: spectra perturbed, images flipped / turned."""
        return BlockAugment(augment, self.modalities)

    @property
    def cam_layer(self) -> nn.Module:
        """Grad-CAM explains single-input networks, not a fusion."""
        raise TypeError(
            "grad_cam explains networks of one input; for a FusionNet use the "
            "attention weights (MultimodalClassifier.attention) or "
            "sklearn_raman.inspection.attribute"
        )

    # -- the forward pass ------------------------------------------------------
    def _present(self, x: torch.Tensor):
        """Blocks with NaN zeroed, and which modalities each sample has."""
        present = torch.stack(
            [~torch.isnan(x[:, m.start : m.stop]).all(dim=1) for m in self.modalities],
            dim=1,
        )
        x = torch.nan_to_num(x, nan=0.0)
        if self.training and self.modality_dropout and present.shape[1] > 1:
            dropped = torch.rand(present.shape, device=x.device) < self.modality_dropout
            kept = present & ~dropped
            present = torch.where(kept.any(dim=1, keepdim=True), kept, present)
            # a dropped block is missing for the early fusion too: zeros
            sizes = torch.tensor([m.stop - m.start for m in self.modalities])
            columns = present.repeat_interleave(sizes.to(x.device), dim=1)
            x = x * columns.to(x.dtype)
        return x, present

    def _tokens(self, x: torch.Tensor, present: torch.Tensor):
        if self.fusion == "early":
            # a sample is there if any of its blocks is
            return [self.features[0](x)], present.any(dim=1, keepdim=True)
        return [
            enc(x[:, m.start : m.stop]) for enc, m in zip(self.features, self.branches)
        ], present

    def _fuse(self, x: torch.Tensor, attention: bool = False):
        """Per-branch pooled features (batch, n, dim), presence, attention maps."""
        if x.dim() == 3:
            x = x.flatten(1)
        x, present = self._present(x)
        tokens, present = self._tokens(x, present)
        pooled = torch.stack(
            [enc.pooled(t) for enc, t in zip(self.features, tokens)], dim=1
        )
        pooled = torch.where(present[..., None], pooled, self.missing.to(pooled.dtype))
        maps = None
        if self.fusion == "attention":
            # the cross-modal context of each branch joins its own features
            context, maps = self._attend(tokens, present)
            context = torch.stack([c.mean(dim=1) for c in context], dim=1)
            pooled = torch.cat([pooled, context * present[..., None]], dim=1)
        return pooled, present, (maps if attention else None)

    def _attend(self, tokens, present):
        out, maps = [], {}
        names = [b.name for b in self.branches]
        for k, layer in enumerate(self.attention):
            others = [j for j in range(len(tokens)) if j != k] or [k]
            keys = torch.cat([tokens[j] for j in others], dim=1)
            missing = torch.cat(
                [~present[:, j, None].expand(-1, tokens[j].shape[1]) for j in others],
                dim=1,
            )
            context, weights = layer(tokens[k], keys, missing)
            out.append(context)
            start = 0
            for j in others:
                n = tokens[j].shape[1]
                maps[(names[k], names[j])] = weights[:, :, start : start + n]
                start += n
        return out, maps

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """The fused embedding, the input of ``classifier``."""
        pooled, _, _ = self._fuse(x)
        return self.neck(pooled)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits (batch, n_classes); for ``"late"`` the log of the vote."""
        return self._head(*self._fuse(x)[:2])[0]

    def _head(self, pooled, present):
        z = self.neck(pooled)
        if self.fusion == "late":
            return self.classifier(z, present)
        return self.classifier(z), None

    def forward_with_levels(self, x: torch.Tensor):
        """Training output for deep supervision: (logits, per-modality logits)."""
        logits, levels = self._head(*self._fuse(x)[:2])
        if levels is None:  # only the late vote has levels
            levels = logits[None]
        return logits, levels

    def forward_with_attention(self, x: torch.Tensor):
        """Logits and the attention weights ``{(query, key): (batch, nq, nk)}``."""
        pooled, present, maps = self._fuse(x, attention=True)
        return self._head(pooled, present)[0], maps


class LateVote(nn.Module):
    """One output layer per modality; the log of the present ones' mean probability."""

    def __init__(self, n_branches: int, dim: int, n_classes: int):
        super().__init__()
        self.heads = nn.ModuleList(nn.Linear(dim, n_classes) for _ in range(n_branches))
        self.dim = dim

    @property
    def out_features(self) -> int:
        """Number of classes (as :class:`torch.nn.Linear`)."""
        return self.heads[0].out_features

    def forward(self, z: torch.Tensor, present: torch.Tensor | None = None):
        """(log mean probability, per-modality logits with absent ones zero)."""
        parts = z.reshape(-1, len(self.heads), self.dim)
        logits = torch.stack([h(parts[:, k]) for k, h in enumerate(self.heads)])
        if present is None:
            present = torch.ones(logits.shape[:2], dtype=torch.bool, device=z.device).T
        mask = present.T[..., None]  # (n_branches, batch, 1)
        logp = torch.where(mask, F.log_softmax(logits, dim=-1), -torch.inf)
        count = mask.sum(dim=0).clamp_min(1).to(logits.dtype)
        vote = torch.logsumexp(logp, dim=0) - torch.log(count)
        return vote, torch.where(mask, logits, torch.zeros_like(logits))


class BlockAugment(nn.Module):
    """Augment each block of a batch on its own, as its kind allows.

    Spectrum blocks get the spectrum augmentation (shift, scale, noise);
    image blocks random flips and, when square, transposes (a surface seen
    by a microscope has no preferred orientation).
    """

    def __init__(self, augment: nn.Module, modalities: Sequence[Modality]):
        super().__init__()
        self.augment = augment
        self.modalities = tuple(modalities)

    def _turn(self, block: torch.Tensor, shape) -> torch.Tensor:
        images = block.reshape(len(block), *shape)
        n, opts = len(images), {"device": images.device}
        flip = torch.rand(n, 2, **opts) < 0.5
        images = torch.where(flip[:, 0, None, None, None], images.flip(-1), images)
        images = torch.where(flip[:, 1, None, None, None], images.flip(-2), images)
        if shape[-1] == shape[-2]:
            turn = torch.rand(n, **opts) < 0.5
            images = torch.where(
                turn[:, None, None, None], images.transpose(-1, -2), images
            )
        return images.reshape(n, -1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` with each block perturbed (training mode only)."""
        if not self.training:
            return x
        shape = x.shape
        x = x.reshape(shape[0], shape[-1])
        parts = []
        for m in self.modalities:
            block = x[:, m.start : m.stop]
            parts.append(
                self._turn(block, m.shape) if m.is_image else self.augment(block)
            )
        return torch.cat(parts, dim=1).reshape(shape)
