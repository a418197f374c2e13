"""Shared structure of the spectrum networks: pad, features, neck, classifier."""

from __future__ import annotations

from contextlib import contextmanager

import torch
import torch.nn.functional as F
from torch import nn

from .heads import SCALE, CosineLinear


def scaled(channels: int, width: float) -> int:
    """Channel count scaled by a width multiplier (at least 1).

    Raises
    ------
    ValueError
        For a channel count below 1 or a multiplier that is not positive: a
        negative width would otherwise build a one-channel net without a word.
    """
    if not width > 0:
        raise ValueError(f"width must be a positive number; got {width!r}")
    if int(channels) != channels or channels < 1:
        raise ValueError(f"channel counts must be integers >= 1; got {channels!r}")
    return max(1, int(round(channels * width)))


def positive_ints(name: str, values, *, allow_empty: bool = False) -> tuple[int, ...]:
    """``values`` as a tuple of integers >= 1, or a ValueError naming ``name``."""
    try:
        out = tuple(values)
        ok = (allow_empty or len(out) > 0) and all(
            not isinstance(v, bool) and int(v) == v and v >= 1 for v in out
        )
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"{name} must be a sequence of integers >= 1; got {values!r}")
    return tuple(int(v) for v in out)


@contextmanager
def evaluating(module: nn.Module):
    """``module`` in eval mode for the block, then back to its former mode."""
    was_training = module.training
    module.eval()
    try:
        yield module
    finally:
        module.train(was_training)


@torch.no_grad()
def largest_activation(module: nn.Module, x: torch.Tensor) -> int:
    """Elements of the largest tensor a submodule of ``module`` outputs on ``x``.

    Sizes the batches of no-grad passes (validation, prediction) so that one
    intermediate tensor stays within a memory budget: a spectrum's first
    feature map is 64 x 128 x 128 floats in a 2D net at 128 px, a few tens of
    thousands in a 1D net.

    Examples
    --------
    >>> from torch import nn
    >>> largest_activation(nn.Conv1d(1, 8, 3, padding=1), torch.zeros(1, 1, 100))
    800
    """
    largest = 0

    def record(_module, _inputs, out) -> None:
        nonlocal largest
        for t in out if isinstance(out, (tuple, list)) else (out,):
            if isinstance(t, torch.Tensor):
                largest = max(largest, t.numel())

    handles = [m.register_forward_hook(record) for m in module.modules()]
    try:
        with evaluating(module):
            module(x)
    finally:
        for handle in handles:
            handle.remove()
    return largest


@torch.no_grad()
def _probe(
    module: nn.Module, in_channels: int, length: int, ndim: int = 1
) -> torch.Size | None:
    """Output shape of ``module`` on a zero input of ``length`` points, or None.

    ``ndim=2``: a square image of side ``length``.
    """
    with evaluating(module):
        try:
            return module(torch.zeros(1, in_channels, *(length,) * ndim)).shape
        except RuntimeError:
            return None


def min_input_length(
    module: nn.Module, in_channels: int = 1, limit: int = 1 << 16, ndim: int = 1
) -> int:
    """Smallest input length (image side for ``ndim=2``) with a non-empty output."""

    def works(length: int) -> bool:
        shape = _probe(module, in_channels, length, ndim)
        return shape is not None and min(shape[2:]) >= 1

    hi = 1
    while not works(hi):
        hi *= 2
        if hi > limit:
            raise ValueError(
                f"{type(module).__name__} accepts no input up to {limit} points"
            )
    lo = hi // 2  # invariant: hi works, lo does not (or is 0)
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if works(mid):
            hi = mid
        else:
            lo = mid
    return hi


_POOLS = (
    nn.MaxPool1d,
    nn.AvgPool1d,
    nn.AdaptiveAvgPool1d,
    nn.AdaptiveMaxPool1d,
    nn.MaxPool2d,
    nn.AvgPool2d,
    nn.AdaptiveAvgPool2d,
    nn.AdaptiveMaxPool2d,
)


def before_pooling(layers: nn.Sequential, prefix: str) -> str:
    """Dotted name of the layer before the pooling layers that end ``layers``.

    The Grad-CAM layer of nets whose feature extractor ends by pooling: the
    pooled map is coarser (after adaptive pooling, a few points only).
    ``prefix`` is the dotted name of ``layers`` in the net.
    """
    index = len(layers) - 1
    while index > 0 and isinstance(layers[index], _POOLS):
        index -= 1
    return f"{prefix}.{index}"


def dense_block(
    n_in: int, n_out: int, dropout: float, activation: type = nn.ReLU, norm: bool = True
) -> nn.Sequential:
    """Linear → BatchNorm (optional) → activation → Dropout."""
    layers: list[nn.Module] = [nn.Linear(n_in, n_out)]
    if norm:
        layers.append(nn.BatchNorm1d(n_out))
    layers.append(activation())
    if dropout:
        layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


class SpectrumNet(nn.Module):
    """Base of the 1D CNNs: ``classifier(neck(features(pad(x))))``.

    Subclasses build ``features`` (a module mapping (batch, 1, length) to
    (batch, channels, length')), then call :meth:`_build_head` with a function
    that makes the ``neck`` from the flattened feature size. ``neck`` maps the
    features to the penultimate embedding; ``classifier`` is the final linear
    layer, the one replaced when fine-tuning to a new label set.

    Inputs of shape (batch, n_points) or (batch, 1, n_points) are accepted; an
    input shorter than the net's minimum length ``min_length`` is zero-padded on
    the right, so any length >= 1 works.

    Each net declares its Grad-CAM layer by name (``cam_layer_name``): the last
    feature map that still has extent along the spectral axis. The default is
    the output of ``features``; nets whose feature extractor ends by pooling
    name the layer before that pooling.

    Modules frozen with :meth:`freeze` get no gradient and stay in eval mode
    when the net is put in training mode, so their batch-norm statistics and
    dropout do not change either.
    """

    features: nn.Module
    neck: nn.Module
    classifier: nn.Linear
    #: dotted name of the Grad-CAM layer (``""`` would be the net itself)
    cam_layer_name: str = "features"

    def __init__(self, n_points: int, n_classes: int):
        super().__init__()
        if n_points < 1 or n_classes < 1:
            raise ValueError(
                f"n_points and n_classes must be >= 1; got {n_points}, {n_classes}"
            )
        self.n_points = int(n_points)
        self.n_classes = int(n_classes)

    def _build_head(self, make_neck) -> None:
        """Size the head from the features' output at this net's input size."""
        shape = self._probe_features()
        self.feature_shape = tuple(shape[1:])
        self.neck, embed_dim = make_neck(int(torch.Size(shape[1:]).numel()), shape[1])
        self.embedding_dim = embed_dim
        self.classifier = nn.Linear(embed_dim, self.n_classes)

    def _probe_features(self) -> torch.Size:
        """Set the input length the features need; their output shape on it."""
        self.min_length = min_input_length(self.features)
        self.input_length = max(self.n_points, self.min_length)
        return _probe(self.features, 1, self.input_length)

    def pad(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, n) or (batch, 1, n) → (batch, 1, max(n, min_length))."""
        if x.dim() == 2:
            x = x.unsqueeze(1)
        if x.shape[-1] < self.min_length:
            x = F.pad(x, (0, self.min_length - x.shape[-1]))
        return x

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate embedding, the input of ``classifier``."""
        return self.neck(self.features(self.pad(x)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits of shape (batch, n_classes)."""
        return self.classifier(self.embed(x))

    def feature_layers(self) -> list[nn.Module]:
        """The modules kept frozen by ``freeze="features"`` when fine-tuning."""
        return [self.features]

    def body_layers(self) -> list[nn.Module]:
        """Every top-level module but the output layer (``freeze="all"``)."""
        return [m for m in self.children() if m is not self.classifier]

    def new_classifier(self, n_classes: int) -> nn.Module:
        """A fresh output layer for ``n_classes`` (fine-tuning to new labels).

        Of the kind of the present one: linear, or cosine with its scale.
        """
        if isinstance(self.classifier, CosineLinear):
            return CosineLinear(self.embedding_dim, n_classes, self.classifier.scale)
        return nn.Linear(self.embedding_dim, n_classes)

    def _output_on_embedding(self) -> bool:
        """Whether the output layer is one layer on the embedding (not late fusion)."""
        return isinstance(self.classifier, (nn.Linear, CosineLinear))

    def use_cosine_output(self, scale: float = SCALE) -> None:
        """Replace the output layer by a new :class:`CosineLinear`.

        Parameters
        ----------
        scale : float, default=16.0
            The layer's temperature (the logit of a cosine of 1).

        Raises
        ------
        ValueError
            Where the output layer is not one linear layer on the embedding
            (late fusion): there is no single embedding to take cosines of.
        """
        if not self._output_on_embedding():
            raise ValueError(
                f"{type(self).__name__}'s output layer is not one linear layer on "
                "the embedding (late fusion); a cosine output layer needs one: "
                "use output_layer='linear' or another fusion"
            )
        self.classifier = CosineLinear(self.embedding_dim, self.n_classes, scale)

    @torch.no_grad()
    def imprint(self, x: torch.Tensor, y: torch.Tensor, batch_size: int = 256) -> bool:
        """Set the output layer from the class means of the embeddings of ``x``.

        Weight imprinting (Qi, Brown & Lowe, CVPR 2018): the weights of class
        ``c`` are the unit mean of the unit embeddings of its spectra, scaled
        so that a logit starts at about ten times the cosine between a
        spectrum and the class mean; biases are zero (a :class:`CosineLinear`
        layer takes the unit means, its own scale applies). A pre-trained body
        then starts as a nearest-class-mean classifier of the new classes,
        rather than behind a random layer whose first gradients disturb the
        features it was given. Embeddings are taken in eval mode (batch-norm
        running statistics, no dropout); the mode is restored.

        Parameters
        ----------
        x : Tensor of shape (n_samples, n_points)
            Training spectra, on this net's device.
        y : Tensor of shape (n_samples,)
            Their encoded labels, ``0 .. n_classes - 1``, every class present.
        batch_size : int, default=256
            Spectra per forward pass.

        Returns
        -------
        imprinted : bool
            False (nothing changed) where the output layer is not one linear
            or cosine layer on the embedding (late fusion).
        """
        if not self._output_on_embedding():
            return False
        training = self.training
        self.eval()
        z = torch.cat([self.embed(part) for part in x.split(batch_size)])
        self.train(training)
        unit = F.normalize(z, dim=1)
        means = torch.zeros(self.classifier.out_features, z.shape[1], dtype=z.dtype)
        means = means.to(z.device).index_add_(0, y, unit)
        if isinstance(self.classifier, CosineLinear):
            self.classifier.weight.copy_(F.normalize(means, dim=1))
            return True
        scale = 10.0 / z.norm(dim=1).mean().clamp_min(1e-12)
        self.classifier.weight.copy_(scale * F.normalize(means, dim=1))
        self.classifier.bias.zero_()
        return True

    def augmentation(self, augment: nn.Module) -> nn.Module:
        """The training augmentation as applied to this net's input (all of it)."""
        return augment

    @property
    def cam_layer(self) -> nn.Module:
        """The layer whose output Grad-CAM explains (see ``cam_layer_name``)."""
        return self.get_submodule(self.cam_layer_name)

    def freeze(self, modules) -> None:
        """Freeze ``modules`` (submodules of this net): no gradient, eval mode.

        Earlier freezing is undone first, so the frozen set is exactly
        ``modules``; an empty list unfreezes the whole net.
        """
        names = {id(m): name for name, m in self.named_modules()}
        missing = [m for m in modules if id(m) not in names]
        if missing:
            raise ValueError(
                f"freeze: {type(missing[0]).__name__} is not a module of this net"
            )
        self.requires_grad_(True)
        self.frozen_modules = [names[id(m)] for m in modules]
        for module in modules:
            module.requires_grad_(False)
        self.train(self.training)

    def train(self, mode: bool = True):
        """Set training mode; frozen modules stay in eval mode."""
        super().train(mode)
        for name in getattr(self, "frozen_modules", ()):
            # nn.Module's own train: a frozen whole net ("") must not recurse
            nn.Module.train(self.get_submodule(name), False)
        return self


def dropout_neck(units, dropout: float):
    """Neck maker of AlexNet: flatten, then dropout, linear and ReLU per unit."""
    units = positive_ints("dense_units", units, allow_empty=True)

    def make(n_flat: int, n_channels: int):
        layers: list[nn.Module] = [nn.Flatten()]
        n_in = n_flat
        for n_out in units:
            layers += [nn.Dropout(dropout), nn.Linear(n_in, n_out), nn.ReLU()]
            n_in = n_out
        return nn.Sequential(*layers), n_in

    return make


def flatten_neck(
    units,
    dropout: float,
    activation: type = nn.ReLU,
    norm: bool = True,
):
    """Neck maker: flatten, then one dense block per entry of ``units``."""
    units = positive_ints("dense_units", units, allow_empty=True)

    def make(n_flat: int, n_channels: int):
        layers: list[nn.Module] = [nn.Flatten()]
        n_in = n_flat
        for n_out in units:
            layers.append(dense_block(n_in, n_out, dropout, activation, norm))
            n_in = n_out
        return nn.Sequential(*layers), n_in

    return make
