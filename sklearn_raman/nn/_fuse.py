"""How FusionNet combines its branches: cross-modal attention and the late vote."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class CrossAttention(nn.Module):
    """Tokens of one modality attend to those of the others.

    Multi-head attention with the queries from one modality's tokens and the
    keys / values from the others' (both layer-normed): for each token, what
    the other modalities hold that bears on it. Keys of a missing modality are
    masked; a sample with no key left (every other modality missing) gets a
    zero output and NaN weights.

    Parameters
    ----------
    dim : int
        Channels of the tokens.
    n_heads : int
        Attention heads (dividing ``dim``).

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn._fuse import CrossAttention
    >>> layer = CrossAttention(8, 2)
    >>> missing = torch.tensor([[False, False, False], [True, True, True]])
    >>> out, weights = layer(torch.rand(2, 4, 8), torch.rand(2, 3, 8), missing)
    >>> out.shape, bool(out[1].eq(0).all()), bool(weights[1].isnan().all())
    (torch.Size([2, 4, 8]), True, True)
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


class LateVote(nn.Module):
    """One output layer per modality; the log of the present ones' mean probability.

    Parameters
    ----------
    n_branches : int
        Modalities, one output layer each.
    dim : int
        Features per modality; the input is their concatenation.
    n_classes : int
        Number of outputs.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.nn._fuse import LateVote
    >>> vote = LateVote(2, 4, 3)
    >>> present = torch.tensor([[True, False]])
    >>> with torch.no_grad():
    ...     log_p, levels = vote(torch.rand(1, 8), present)
    >>> round(float(log_p.exp().sum()), 4), bool(levels[1].eq(0).all())
    (1.0, True)
    """

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
