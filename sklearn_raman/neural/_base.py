"""SpectrumNetClassifier: the scikit-learn contract of every deep classifier."""

from __future__ import annotations

import numpy as np
from scipy.special import softmax
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils.validation import check_is_fitted, validate_data

from .._axis import reject_ragged
from ..nn import SpectrumNet
from ._device import draw_seed, seeded_torch, torch_threads
from ._docstring import document
from ._inference import forward_in_chunks, network_input
from ._onnx import OnnxExportMixin
from ._params import TRAINING_CONSTRAINTS, TRAINING_DEFAULTS, declare, make_init
from ._persistence import WeightsMixin
from ._training import TrainingMixin
from ._transfer import TransferMixin


class SpectrumNetClassifier(
    TrainingMixin,
    WeightsMixin,
    OnnxExportMixin,
    TransferMixin,
    ClassifierMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    BaseEstimator,
):
    """Base of the deep spectrum classifiers: a scikit-learn estimator over skorch.

    Not used on its own: a subclass declares its torch network (``_network``,
    a :class:`~sklearn_raman.nn.SpectrumNet`), the network parameters it
    exposes with their constraints (``_network_constraints``; the defaults are
    the network's), and optionally further parameters (``_extra_params``) and
    its own training defaults (``_recipe_defaults``); its ``__init__`` is
    generated from that. Everything else — label encoding, the validation
    split, early stopping, schedules, augmentation, devices, determinism,
    persistence and transfer learning — is shared. The skorch
    :class:`~skorch.NeuralNetClassifier` is built in :meth:`fit` and held as
    ``net_`` (composition, so the estimator passes scikit-learn's checks).

    It is a classifier (``predict``, ``predict_proba``, ``score``) and also a
    transformer: ``transform`` gives the penultimate embedding, so a fitted
    network can feed another estimator (e.g. a kNN on learnt features).

    The defaults are the training recipe of Sang et al. (2021) and Zhou et al.
    (2022): Adam with learning rate 1e-4, batches of 32, up to 200 epochs, early
    stopping when the accuracy on a stratified 20 % validation split has not
    improved for 30 epochs, restoring the best weights (every recipe of the
    package: :mod:`sklearn_raman._recipes`). Every deep classifier takes the
    training parameters below; its docstring lists them with its defaults.

    Examples
    --------
    skorch callbacks join the recipe's own, e.g. gradient clipping:

    >>> from skorch.callbacks import GradientNormClipping
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.neural import CompactResNet1DClassifier
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=10, n_points=128,
    ...                     random_state=0)
    >>> clip = GradientNormClipping(gradient_clip_value=1.0)
    >>> clf = CompactResNet1DClassifier(max_epochs=2, callbacks=[("clip", clip)],
    ...                                 random_state=0).fit(X, y)
    >>> fitted = dict(clf.net_.callbacks_)["clip"]  # a copy: clip is unchanged
    >>> fitted is not clip, fitted.gradient_clip_value
    (True, 1.0)
    """

    _parameter_constraints: dict = TRAINING_CONSTRAINTS
    #: the torch network class a subclass trains, and what it declares about it
    _network: type[SpectrumNet] | None = None
    _network_constraints: dict = {}
    _extra_params: dict = {}
    _recipe_defaults: dict = {}
    #: whether NaN reaches :meth:`_check_rows` instead of being refused outright
    #: (MultimodalClassifier: a block of NaN is a missing modality; NaN
    #: anywhere else is still an error, so the allow_nan tag stays False)
    _allow_nan = False
    #: training parameters of the tiny test configurations
    _test_training = {"lr": 1e-2, "max_epochs": 20, "batch_size": 32, "random_state": 0}

    __init__ = make_init("SpectrumNetClassifier", TRAINING_DEFAULTS)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "_network" in cls.__dict__:
            declare(cls)

    @classmethod
    def _get_test_params(cls) -> dict:
        """Network parameters of a tiny, fast configuration (as aeon's)."""
        return {}

    @classmethod
    def _create_test_instance(cls, **overrides):
        """A small, fast instance that still learns easy data, for tests."""
        return cls(**{**cls._test_training, **cls._get_test_params(), **overrides})

    def _build_module(self, n_points: int, n_classes: int) -> SpectrumNet:
        """The torch network for spectra of ``n_points`` and ``n_classes`` outputs."""
        if self._network is None:
            raise TypeError(
                "SpectrumNetClassifier is the base of the deep classifiers; "
                "fit one of them (e.g. CompactResNet1DClassifier)"
            )
        params = {name: getattr(self, name) for name in self._network_constraints}
        net = self._network(n_points, n_classes, **params)
        if self.output_layer == "cosine":
            net.use_cosine_output()
        return net

    def _validate_input(self, X, y="no_validation", *, reset: bool):
        """``X`` as float32 (and ``y``), checked as :func:`validate_data` does.

        NaN passes where the class allows it; :meth:`_check_rows` then checks
        what the class requires of the rows.
        """
        reject_ragged(X, type(self).__name__)
        out = validate_data(
            self,
            X,
            y,
            dtype=np.float32,
            reset=reset,
            ensure_all_finite="allow-nan" if self._allow_nan else True,
        )
        self._check_rows(out[0] if isinstance(out, tuple) else out)
        return out

    def _check_rows(self, X: np.ndarray) -> None:
        """Class-specific checks of validated input (none by default)."""

    def _deep_supervision(self) -> float:
        """Weight of intermediate-level losses (DRCNN's ``alpha``); 0 for most nets."""
        return 0.0

    # -- fitting ----------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the network on spectra ``X`` with labels ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Spectra on one grid.
        y : array-like of shape (n_samples,)
            Class labels (strings or integers).

        Returns
        -------
        self : object
            The fitted classifier.
        """
        X, y = self._validate_input(X, y, reset=True)
        encoder, y_enc = self._check_targets(y)
        self.classes_ = encoder.classes_
        seed = draw_seed(self.random_state)
        with seeded_torch(seed):
            net = self._build_module(X.shape[1], len(self.classes_))
        self._fit_network(net, X, y_enc, seed=seed)
        return self

    # -- prediction -------------------------------------------------------------
    @property
    def module_(self) -> SpectrumNet:
        """The fitted torch network."""
        check_is_fitted(self, "net_")
        return self.net_.module_.net

    def _forward(self, X, *, embed: bool = False) -> np.ndarray:
        X = network_input(self, X)  # checks that the estimator is fitted
        with torch_threads(self.n_threads):
            return forward_in_chunks(
                self.net_, X, embed=embed, precision=self.inference_precision
            )

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Spectra.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Softmax probabilities, columns in the order of ``classes_``.
        """
        return softmax(self._forward(X).astype(np.float64), axis=1)

    def decision_function(self, X) -> np.ndarray:
        """Logits: the class scores before the softmax.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Spectra.

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes), or (n_samples,)
            Float64, columns in the order of ``classes_``; for two classes,
            as in scikit-learn, the margin of the second over the first.
        """
        logits = self._forward(X).astype(np.float64)
        return logits[:, 1] - logits[:, 0] if logits.shape[1] == 2 else logits

    def predict(self, X) -> np.ndarray:
        """Predicted class labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Spectra.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            ``classes_[argmax(predict_proba(X))]``.
        """
        logits = self._forward(X)
        return self.classes_[np.argmax(logits, axis=1)]

    def transform(self, X) -> np.ndarray:
        """Penultimate embedding of each spectrum (the input of the output layer).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Spectra.

        Returns
        -------
        embedding : ndarray of shape (n_samples, embedding_dim)
            Float32; e.g. for a kNN on learnt features, or t-SNE plots.
        """
        return self._forward(X, embed=True)

    @property
    def _n_features_out(self) -> int:
        return self.module_.embedding_dim

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]  # embeddings are float32
        return tags


document(SpectrumNetClassifier)
