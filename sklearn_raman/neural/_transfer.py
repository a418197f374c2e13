"""Transfer learning: one machinery under ``init_from`` and ``fine_tune``.

Both start a network from learnt features and give it a new output layer for
the classes of ``y``: ``fit`` with ``init_from`` from a weights file,
:meth:`TransferMixin.fine_tune` from the fitted network itself. Both then go
through :meth:`TransferMixin._transfer`: the new layer starts at random or
imprinted (:func:`start_head`), optionally a first stage trains it alone on
frozen features (``frozen_epochs``), then the network trains with the layers
of ``freeze`` kept fixed. What "frozen" means is decided once, in
:func:`freeze_layers`.
"""

from __future__ import annotations

import copy

import torch
from sklearn.utils.validation import check_is_fitted

from ..nn import SpectrumNet
from ._device import draw_seed, seeded_torch, torch_threads
from ._persistence import load_encoder

FREEZE = ("features", "all", None)
HEAD_INIT = ("imprint", "random")


def freeze_layers(net: SpectrumNet, which: str | None) -> None:
    """Freeze the layers ``which`` of ``net`` (and unfreeze every other one).

    Frozen layers get no gradient and stay in eval mode when the network is
    put in training mode: their weights, their batch-norm running statistics
    (also through :func:`~._training.recalibrate_batch_norm`) and their
    dropout all stay as they were. ``"features"``: the convolutional feature
    extractor; ``"all"``: everything but the output layer; None: nothing.
    """
    if which not in FREEZE:
        raise ValueError(f"freeze must be 'features', 'all' or None; got {which!r}")
    layers = {"features": net.feature_layers, "all": net.body_layers}
    net.freeze(layers[which]() if which else [])


def start_head(net: SpectrumNet, X, y, how: str, *, n_threads=None) -> None:
    """Start the (new, random) output layer of ``net``: keep it, or imprint it.

    ``"imprint"``: from the class means of the embeddings of ``X`` (see
    :meth:`~sklearn_raman.nn.SpectrumNet.imprint`; late fusion, whose output
    layer is not one layer on the embedding, stays random); ``"random"``: as
    it is.
    """
    if how not in HEAD_INIT:
        raise ValueError(f"head_init must be 'imprint' or 'random'; got {how!r}")
    if how == "imprint":
        with torch_threads(n_threads):
            net.imprint(torch.as_tensor(X), torch.as_tensor(y))


class TransferMixin:
    """Transfer learning of :class:`~sklearn_raman.neural.SpectrumNetClassifier`."""

    def _transfer(self, net, X, y, *, seed, head_init, frozen_epochs, which, **train):
        """Train ``net``, whose output layer is new, from its learnt features."""
        start_head(net, X, y, head_init, n_threads=self.n_threads)
        if frozen_epochs:
            # the new output layer on the learnt features first, so the net is
            # not fine-tuned through the gradients of a random one
            freeze_layers(net, "all")
            probe = {**train, "max_epochs": frozen_epochs}
            self._train(net, X, y, seed=seed, **probe)
        freeze_layers(net, which)
        self._train(net, X, y, seed=seed, **train)

    def _fit_network(self, net, X, y, *, seed: int) -> None:
        """``fit``'s training: from scratch, or from the file ``init_from``."""
        if self.init_from is None:
            if self.frozen_epochs:
                raise ValueError(
                    f"frozen_epochs={self.frozen_epochs} trains the output layer "
                    "on pre-trained features first; it needs init_from (a "
                    "weights file)"
                )
            self._train(net, X, y, seed=seed)
            return
        load_encoder(net, self.init_from, type(self).__name__)
        self._transfer(
            net,
            X,
            y,
            seed=seed,
            head_init=self.head_init,
            frozen_epochs=self.frozen_epochs,
            which=None,
        )

    def fine_tune(
        self,
        X,
        y,
        *,
        freeze: str | None = "features",
        max_epochs: int | None = None,
        lr: float | None = None,
        head_init: str = "random",
        frozen_epochs: int = 0,
    ):
        """Retrain on a new label set, keeping the learnt feature extractor.

        The fitted network is copied; its output layer is replaced by a new one
        for the classes of ``y`` (which may be entirely new), and it is trained
        with this estimator's recipe. This is the transfer learning of Zhou et
        al. (2022, table 3): a model pre-trained on a large library adapts to a
        small target library. It runs the steps of ``init_from`` (the same
        head initialisation, linear probe and freezing), from the fitted
        network instead of a file. Frozen layers get no gradient and stay in
        eval mode, so their batch-norm statistics do not move either; they
        stay frozen afterwards. The estimator is changed in place (its
        parameters are not: a ``clone`` of it is unfitted, as always).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Spectra, on the grid the model was fitted on.
        y : array-like of shape (n_samples,)
            Labels of the new task.
        freeze : {"features", "all"} or None, default="features"
            Layers kept fixed: the convolutional feature extractor, everything
            but the new output layer, or nothing.
        max_epochs : int, default=None
            Epochs of fine-tuning (None: ``max_epochs``).
        lr : float, default=None
            Learning rate of fine-tuning (None: ``lr``).
        head_init : {"random", "imprint"}, default="random"
            How the new output layer starts: at random, or imprinted from the
            class means of the embeddings of ``X`` (a nearest-class-mean start,
            as ``head_init`` of the estimator does for ``init_from``).
        frozen_epochs : int, default=0
            Epochs that first train the new output layer alone, everything
            else frozen (as ``frozen_epochs`` of the estimator), before the
            ``max_epochs`` with ``freeze``.

        Returns
        -------
        self : object
            The estimator, now classifying the classes of ``y``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_raman import make_spectra
        >>> from sklearn_raman.neural import CompactResNet1DClassifier
        >>> X, y = make_spectra(n_classes=4, n_samples_per_class=10,
        ...                     n_points=128, random_state=0)
        >>> clf = CompactResNet1DClassifier(max_epochs=3, random_state=0).fit(X, y)
        >>> pairs = np.where(y < 2, "first", "second")
        >>> clf.fine_tune(X, pairs, max_epochs=2, head_init="imprint").classes_
        array(['first', 'second'], dtype='<U6')
        """
        check_is_fitted(self, "net_")
        self._validate_params()
        if freeze not in FREEZE:
            raise ValueError(
                f"freeze must be 'features', 'all' or None; got {freeze!r}"
            )
        if not (isinstance(frozen_epochs, int) and frozen_epochs >= 0):
            raise ValueError(f"frozen_epochs must be an int >= 0; got {frozen_epochs}")
        X, y = self._validate_input(X, y, reset=False)
        encoder, y_enc = self._check_targets(y)
        seed = draw_seed(self.random_state)
        net = copy.deepcopy(self.module_).cpu()
        with seeded_torch(seed):
            net.classifier = net.new_classifier(len(encoder.classes_))
        net.n_classes = len(encoder.classes_)
        self.classes_ = encoder.classes_
        self._transfer(
            net,
            X,
            y_enc,
            seed=seed,
            head_init=head_init,
            frozen_epochs=frozen_epochs,
            which=freeze,
            max_epochs=max_epochs,
            lr=lr,
        )
        return self
