"""Shared structure of the spectrum networks: pad, features, neck, classifier."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ._util import (
    _POOLS,
    _probe,
    before_pooling,
    dense_block,
    dropout_neck,
    evaluating,
    flatten_neck,
    largest_activation,
    min_input_length,
    positive_ints,
    scaled,
)
from .heads import SCALE, CosineLinear

# the helpers live in _util; the nets and the neural package import them here
__all__ = [
    "_POOLS",
    "SpectrumNet",
    "_probe",
    "before_pooling",
    "dense_block",
    "dropout_neck",
    "evaluating",
    "flatten_neck",
    "largest_activation",
    "min_input_length",
    "positive_ints",
    "scaled",
]


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

    Parameters
    ----------
    n_points : int
        Input length the net is built for (shorter inputs are zero-padded).
    n_classes : int
        Number of outputs.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from sklearn_raman.nn import SpectrumNet
    >>> class TinyNet(SpectrumNet):
    ...     def __init__(self, n_points, n_classes):
    ...         super().__init__(n_points, n_classes)
    ...         self.features = nn.Sequential(nn.Conv1d(1, 4, 5), nn.ReLU())
    ...         self._build_head(lambda n_flat, n_channels: (nn.Flatten(), n_flat))
    >>> net = TinyNet(3, 2)
    >>> net.min_length, net(torch.zeros(8, 3)).shape
    (5, torch.Size([8, 2]))
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
        """Input as one channel, zero-padded on the right to ``min_length``.

        Parameters
        ----------
        x : Tensor of shape (batch, n) or (batch, 1, n)
            Spectra.

        Returns
        -------
        padded : Tensor of shape (batch, 1, max(n, min_length))
            The spectra, zeros appended where ``n < min_length``.
        """
        if x.dim() == 2:
            x = x.unsqueeze(1)
        if x.shape[-1] < self.min_length:
            x = F.pad(x, (0, self.min_length - x.shape[-1]))
        return x

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate embedding, the input of ``classifier``.

        Parameters
        ----------
        x : Tensor of shape (batch, n_points) or (batch, 1, n_points)
            Spectra.

        Returns
        -------
        embedding : Tensor of shape (batch, embedding_dim)
            The output of ``neck``.
        """
        return self.neck(self.features(self.pad(x)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits.

        Parameters
        ----------
        x : Tensor of shape (batch, n_points) or (batch, 1, n_points)
            Spectra.

        Returns
        -------
        logits : Tensor of shape (batch, n_classes)
            The output of ``classifier`` on the embedding.
        """
        return self.classifier(self.embed(x))

    def feature_layers(self) -> list[nn.Module]:
        """The modules kept frozen by ``freeze="features"`` when fine-tuning.

        Returns
        -------
        modules : list of torch.nn.Module
            The feature extractor (``features``).
        """
        return [self.features]

    def body_layers(self) -> list[nn.Module]:
        """Every top-level module but the output layer (``freeze="all"``).

        Returns
        -------
        modules : list of torch.nn.Module
            The children of the net other than ``classifier``.
        """
        return [m for m in self.children() if m is not self.classifier]

    def new_classifier(self, n_classes: int) -> nn.Module:
        """A fresh output layer for ``n_classes`` (fine-tuning to new labels).

        Of the kind of the present one: linear, or cosine with its scale.

        Parameters
        ----------
        n_classes : int
            Number of outputs of the new layer.

        Returns
        -------
        layer : torch.nn.Module
            A :class:`torch.nn.Linear` or :class:`CosineLinear` from
            ``embedding_dim`` features to ``n_classes``.
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
                "keep the linear output layer, or use a fusion other than 'late'"
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
        """The training augmentation as applied to this net's input.

        Parameters
        ----------
        augment : torch.nn.Module
            The augmentation of a batch of spectra, e.g.
            :class:`SpectrumAugment`.

        Returns
        -------
        augmentation : torch.nn.Module
            ``augment`` itself: this net's whole input is one spectrum
            (:class:`FusionNet` applies it to each spectrum block instead).
        """
        return augment

    @property
    def cam_layer(self) -> nn.Module:
        """The layer whose output Grad-CAM explains (see ``cam_layer_name``)."""
        return self.get_submodule(self.cam_layer_name)

    def freeze(self, modules) -> None:
        """Freeze ``modules`` (submodules of this net): no gradient, eval mode.

        Earlier freezing is undone first, so the frozen set is exactly
        ``modules``; an empty list unfreezes the whole net.

        Parameters
        ----------
        modules : sequence of torch.nn.Module
            Submodules of this net (the net itself included) to freeze.

        Raises
        ------
        ValueError
            Where one of ``modules`` is not a module of this net.
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
        """Set training mode; frozen modules stay in eval mode.

        Parameters
        ----------
        mode : bool, default=True
            Training mode (True) or eval mode (False).

        Returns
        -------
        self : SpectrumNet
            This net.
        """
        super().train(mode)
        for name in getattr(self, "frozen_modules", ()):
            # nn.Module's own train: a frozen whole net ("") must not recurse
            nn.Module.train(self.get_submodule(name), False)
        return self
