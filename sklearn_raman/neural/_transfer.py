"""Transfer learning: ``fine_tune`` of a fitted deep classifier to new labels."""

from __future__ import annotations

import copy

from sklearn.utils.validation import check_is_fitted

from ._device import draw_seed, seeded_torch

FREEZE = ("features", "all", None)


class TransferMixin:
    """``fine_tune`` for :class:`~sklearn_raman.neural.SpectrumNetClassifier`."""

    def fine_tune(
        self,
        X,
        y,
        *,
        freeze: str | None = "features",
        max_epochs: int | None = None,
        lr: float | None = None,
    ):
        """Retrain on a new label set, keeping the learnt feature extractor.

        The fitted network is copied; its output layer is replaced by a new one
        for the classes of ``y`` (which may be entirely new), and it is trained
        with this estimator's recipe. This is the transfer learning of Zhou et
        al. (2022, table 3): a model pre-trained on a large library adapts to a
        small target library. Frozen layers get no gradient and stay in eval
        mode, so their batch-norm statistics do not move either.

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

        Returns
        -------
        self : object
            The estimator, now classifying the classes of ``y``.
        """
        check_is_fitted(self, "net_")
        self._validate_params()
        if freeze not in FREEZE:
            raise ValueError(
                f"freeze must be 'features', 'all' or None; got {freeze!r}"
            )
        X, y = self._validate_input(X, y, reset=False)
        encoder, y_enc = self._check_targets(y)
        seed = draw_seed(self.random_state)
        net = copy.deepcopy(self.module_).cpu()
        with seeded_torch(seed):
            net.classifier = net.new_classifier(len(encoder.classes_))
        net.n_classes = len(encoder.classes_)
        net.freeze(
            {
                "features": net.feature_layers(),
                "all": net.body_layers(),
                None: [],
            }[freeze]
        )
        self.classes_ = encoder.classes_
        self._train(net, X, y_enc, seed=seed, max_epochs=max_epochs, lr=lr)
        return self
