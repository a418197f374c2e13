"""Fusion of several measurements of one sample: spectra and images side by side.

The input stays one row per sample: the columns of each modality (a spectrum,
a flattened image) follow one another, as declared by ``modalities``. Each
block is encoded into tokens by a small residual CNN
(:class:`~sklearn_raman.nn._tokens.ModalityEncoder`), then fused at the data,
feature, decision or attention level (:mod:`sklearn_raman.nn._fuse`). A block
of NaN is a missing measurement: it is masked, not guessed.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

# the dependency-free definition of the column blocks (no scikit-learn)
from .._modality import Modality, parse_modalities
from ._base import SpectrumNet, positive_ints
from ._fuse import CrossAttention, LateVote
from ._tokens import ModalityEncoder
from .augment import BlockAugment

__all__ = [
    "FUSIONS",
    "BlockAugment",
    "CrossAttention",
    "FusionNet",
    "LateVote",
    "ModalityEncoder",
]

#: the fusion levels of :class:`FusionNet`
FUSIONS = ("early", "concat", "late", "attention")


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
        """A fresh output layer for ``n_classes`` (one per modality for ``"late"``).

        Parameters
        ----------
        n_classes : int
            Number of outputs.

        Returns
        -------
        layer : torch.nn.Module
            A linear layer on the embedding, or a :class:`LateVote`.
        """
        if self.fusion == "late":
            dim = self.feature_shape[1]
            return LateVote(len(self.branches), dim, n_classes)
        return nn.Linear(self.embedding_dim, n_classes)

    def augmentation(self, augment: nn.Module) -> nn.Module:
        """The training augmentation: spectra perturbed, images flipped / turned.

        Parameters
        ----------
        augment : torch.nn.Module
            The augmentation of a spectrum block, e.g. :class:`SpectrumAugment`.

        Returns
        -------
        augmentation : BlockAugment
            ``augment`` on each spectrum block, flips and turns on each image.
        """
        return BlockAugment(augment, self.modalities)

    @property
    def cam_layer(self) -> nn.Module:
        """Grad-CAM explains single-input networks, not a fusion."""
        raise TypeError(
            "a FusionNet has no single layer to explain with Grad-CAM (it takes "
            "several inputs); its attention weights (forward_with_attention, "
            "fusion='attention') show which regions of each input it uses"
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
        """The fused embedding, the input of ``classifier``.

        Parameters
        ----------
        x : torch.Tensor
            Rows of concatenated blocks, (batch, n_points) or
            (batch, 1, n_points); a block of NaN is a missing modality.

        Returns
        -------
        embedding : torch.Tensor
            Shape (batch, embedding_dim).
        """
        pooled, _, _ = self._fuse(x)
        return self.neck(pooled)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits; for ``"late"`` the log of the vote.

        Parameters
        ----------
        x : torch.Tensor
            Rows of concatenated blocks, (batch, n_points) or
            (batch, 1, n_points); a block of NaN is a missing modality.

        Returns
        -------
        logits : torch.Tensor
            Shape (batch, n_classes).
        """
        return self._head(*self._fuse(x)[:2])[0]

    def _head(self, pooled, present):
        z = self.neck(pooled)
        if self.fusion == "late":
            return self.classifier(z, present)
        return self.classifier(z), None

    def forward_with_levels(self, x: torch.Tensor):
        """Training output for deep supervision: logits and per-modality logits.

        Parameters
        ----------
        x : torch.Tensor
            Rows of concatenated blocks, (batch, n_points) or
            (batch, 1, n_points); a block of NaN is a missing modality.

        Returns
        -------
        logits : torch.Tensor
            Shape (batch, n_classes), as :meth:`forward`.
        levels : torch.Tensor
            Shape (n_branches, batch, n_classes): each modality's own logits
            (zero where it is missing) for ``"late"``, else ``logits[None]``.
        """
        logits, levels = self._head(*self._fuse(x)[:2])
        if levels is None:  # only the late vote has levels
            levels = logits[None]
        return logits, levels

    def forward_with_attention(self, x: torch.Tensor):
        """Logits and the attention weights of each pair of modalities.

        Parameters
        ----------
        x : torch.Tensor
            Rows of concatenated blocks, (batch, n_points) or
            (batch, 1, n_points); a block of NaN is a missing modality.

        Returns
        -------
        logits : torch.Tensor
            Shape (batch, n_classes), as :meth:`forward`.
        weights : dict or None
            ``(query modality, key modality)`` → weights (batch, n_query_tokens,
            n_key_tokens); None unless ``fusion="attention"``.
        """
        pooled, present, maps = self._fuse(x, attention=True)
        return self._head(pooled, present)[0], maps
