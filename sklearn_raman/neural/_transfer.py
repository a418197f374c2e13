"""Transfer learning: one machinery under ``init_from`` and ``fine_tune``.

Both start a network from learnt features and give it a new output layer for
the classes of ``y``: ``fit`` with ``init_from`` from a weights file,
:meth:`TransferMixin.fine_tune` from the fitted network itself. Both then go
through :meth:`TransferMixin._transfer`: the new layer starts at random or
imprinted (:func:`start_head`), optionally a first stage trains it alone on
frozen features (``frozen_epochs``), then the network trains with the layers
of ``freeze`` kept fixed. What "frozen" means is decided once, in
:func:`freeze_layers`; which layers may be frozen is checked once, in
:func:`check_freeze`; ``head_init`` and ``frozen_epochs`` are validated once,
in :meth:`TransferMixin._transfer_params`, for both (``fine_tune``'s own
arguments default to the estimator's parameters).
"""

from __future__ import annotations

import copy

import torch
from sklearn.utils._param_validation import (
    InvalidParameterError,
    validate_parameter_constraints,
)
from sklearn.utils.validation import check_is_fitted

from ..nn import SpectrumNet
from ._device import draw_seed, seeded_torch, torch_threads
from ._persistence import load_encoder

FREEZE = ("features", "all", None)


def check_freeze(which) -> None:
    """Raise ``ValueError`` unless ``which`` names layers to freeze (:data:`FREEZE`)."""
    if not (which is None or (isinstance(which, str) and which in FREEZE)):
        raise ValueError(f"freeze must be 'features', 'all' or None; got {which!r}")


def freeze_layers(net: SpectrumNet, which: str | None) -> None:
    """Freeze the layers ``which`` of ``net`` (and unfreeze every other one).

    Frozen layers get no gradient and stay in eval mode when the network is
    put in training mode: their weights, their batch-norm running statistics
    (also through :func:`~._training.recalibrate_batch_norm`) and their
    dropout all stay as they were. ``"features"``: the convolutional feature
    extractor; ``"all"``: everything but the output layer; None: nothing.
    """
    check_freeze(which)
    layers = {"features": net.feature_layers, "all": net.body_layers}
    net.freeze(layers[which]() if which else [])


def start_head(net: SpectrumNet, X, y, how: str, *, n_threads=None) -> None:
    """Start the (new, random) output layer of ``net``: keep it, or imprint it.

    ``"imprint"``: from the class means of the embeddings of ``X`` (see
    :meth:`~sklearn_raman.nn.SpectrumNet.imprint`; late fusion, whose output
    layer is not one layer on the embedding, stays random); ``"random"``: as
    it is. ``how`` is validated by the caller
    (:meth:`TransferMixin._transfer_params`).
    """
    if how == "imprint":
        with torch_threads(n_threads):
            net.imprint(torch.as_tensor(X), torch.as_tensor(y))


class TransferMixin:
    """Transfer learning of :class:`~sklearn_raman.neural.SpectrumNetClassifier`."""

    def _transfer_params(self, head_init=None, frozen_epochs=None):
        """``head_init`` and ``frozen_epochs``, validated: given, or the estimator's.

        The one validation of both, for ``fit`` (the estimator's parameters)
        and ``fine_tune`` (its arguments; None: the estimator's parameter):
        the estimator's own constraints, and ``frozen_epochs`` not a bool
        (which the ``Integral`` constraint lets through).
        """
        own = type(self).__name__
        values = {}
        for name, given in [("head_init", head_init), ("frozen_epochs", frozen_epochs)]:
            caller = own if given is None else f"{own}.fine_tune"
            value = getattr(self, name) if given is None else given
            validate_parameter_constraints(
                {name: self._parameter_constraints[name]}, {name: value}, caller
            )
            if name == "frozen_epochs" and isinstance(value, bool):
                raise InvalidParameterError(
                    f"The {name!r} parameter of {caller} must be an int in the "
                    f"range [0, inf), not a bool. Got {value!r} instead."
                )
            values[name] = value
        return values["head_init"], values["frozen_epochs"]

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
        head_init, frozen_epochs = self._transfer_params()
        if self.init_from is None:
            if frozen_epochs:
                raise ValueError(
                    f"frozen_epochs={frozen_epochs} trains the output layer "
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
            head_init=head_init,
            frozen_epochs=frozen_epochs,
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
        head_init: str | None = None,
        frozen_epochs: int | None = None,
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
        head_init : {"imprint", "random"} or None, default=None
            How the new output layer starts: imprinted from the class means of
            the embeddings of ``X`` (a nearest-class-mean start), or at random.
            None: the estimator's ``head_init`` (``"imprint"`` by default), the
            start ``init_from`` gives too.
        frozen_epochs : int or None, default=None
            Epochs that first train the new output layer alone, everything
            else frozen, before the ``max_epochs`` with ``freeze``. None: the
            estimator's ``frozen_epochs`` (0 by default: no such stage).

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
        >>> clf.fine_tune(X, pairs, max_epochs=2).classes_  # imprinted head
        array(['first', 'second'], dtype='<U6')
        >>> clf.fine_tune(X, pairs, max_epochs=2, head_init="random",
        ...               frozen_epochs=1).classes_
        array(['first', 'second'], dtype='<U6')
        """
        check_is_fitted(self, "net_")
        self._validate_params()
        check_freeze(freeze)
        head_init, frozen_epochs = self._transfer_params(head_init, frozen_epochs)
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
