"""SpectrumNetClassifier: the scikit-learn contract of every deep classifier."""

from __future__ import annotations

import numpy as np
import torch
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
from ._inference import forward_in_chunks, network_input
from ._onnx import OnnxExportMixin
from ._params import TRAINING_CONSTRAINTS, TRAINING_DEFAULTS, declare, make_init
from ._persistence import WeightsMixin, load_encoder
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
    improved for 30 epochs, restoring the best weights.

    Parameters
    ----------
    lr : float, default=1e-4
        Learning rate (the peak rate with ``lr_schedule="onecycle"``).
    max_epochs : int or "auto", default=200
        Upper limit of training epochs. ``"auto"``: as many as give at least
        2,000 optimizer steps (``ceil(n_train / batch_size)`` an epoch), never
        fewer than 40 nor more than 1,000 epochs, so that a small training set
        gets the steps a large one gets in 40 epochs.
    batch_size : int, default=32
        Training batch size.
    optimizer : {"adam", "adamw", "sgd", "rmsprop"} or torch optimizer class, \
            default="adam"
        The optimizer.
    optimizer_kwargs : dict, default=None
        Further optimizer arguments, e.g. ``{"momentum": 0.9}``.
    weight_decay : float, default=0.0
        Weight decay of the optimizer.
    lr_schedule : {"cosine", "onecycle", "plateau"} or None, default=None
        Learning-rate schedule: cosine annealing or one-cycle (warm-up, then
        cosine), set per batch over ``max_epochs`` or, with ``max_time``, over
        the time budget if that ends first, so a fit cut by its budget still
        ends at a low rate; or reduction on a validation-loss plateau.
    patience : int or None, default=30
        Epochs without a better validation accuracy before training stops; the
        best weights are restored. With ``class_weight`` the validation loss,
        which carries the weights, is monitored instead. None: no early stopping.
    validation_fraction : float, default=0.2
        Share of each class held out to monitor accuracy (classes of a single
        spectrum stay in training). 0: no validation split and no early
        stopping.
    class_weight : "balanced", dict or None, default=None
        Class weights of the loss, as in scikit-learn.
    label_smoothing : float, default=0.0
        Label smoothing of the cross-entropy.
    augment : bool or dict, default=False
        On-the-fly augmentation of every training batch
        (:class:`~sklearn_raman.nn.SpectrumAugment`): True for its defaults
        (shifts of up to 2 points, noise at 40 dB, intensity factors 0.9–1.1),
        or a dict of ``shift``, ``snr_db``, ``scale``. Never at predict time.
    device : str, default="auto"
        ``"auto"`` (CUDA if available, else CPU, resolved in :meth:`fit`),
        ``"cpu"``, ``"cuda"`` or ``"cuda:N"``. Asking for CUDA without it warns
        and trains on the CPU.
    n_threads : int or None, default=None
        CPU threads of torch while this estimator trains and predicts (set for
        the call, then restored). None: torch's setting, all cores unless
        ``OMP_NUM_THREADS`` or ``torch.set_num_threads`` say otherwise; joblib's
        process workers (``cross_val_score(..., n_jobs=2)``, ``GridSearchCV``)
        already split the cores between them. Set it when fits run side by
        side in one machine otherwise (two programs, joblib threads): each
        fit using every core slows all of them far more than sharing does
        (measured on 2 cores, ``benchmarks/throughput.py --concurrent``: two
        fits side by side took 8.6 times as long as one alone with every core
        each, 1.5 times with ``n_threads=1`` each).
    mixed_precision : bool, default=True
        Train with bfloat16 autocast on CUDA devices that support it; never on
        the CPU. Prediction runs in float32 (see ``inference_precision``), so
        a GPU-trained model gives the probabilities a CPU would.
    inference_precision : {"float32", "tf32"}, default="float32"
        Precision of float32 convolutions and matrix products at predict time
        on CUDA. ``"float32"``: full IEEE float32, so GPU and CPU predictions
        agree to rounding (about 1e-7). ``"tf32"``: TensorFloat-32 (PyTorch's
        cuDNN default; 10-bit mantissa: probabilities within about 1e-3 of
        float32's, 1.5e-2 for VGG-1D), measured on an H100 9 to 16 times
        faster for the recommended network, 36 to 56 for SE-ResNet-1D, 1.0 to
        2.4 for the others. No effect on the CPU.
    random_state : int, RandomState instance or None, default=None
        Seed of the initialisation, the validation split, shuffling, dropout and
        augmentation. Fixed: identical fits give identical predictions on the
        CPU. The global torch random state is left as it was.
    max_time : float or None, default=None
        Time budget of training in seconds: training stops at the end of the
        first epoch past it (the best weights are still restored). None: no
        limit. With a budget the number of epochs (and the rates of a cosine or
        one-cycle schedule) depend on the machine's speed.
    compile : bool, default=False
        Train through :func:`torch.compile` (a one-off compilation of a minute
        or so, then faster steps). Prediction runs the eager network, so fitted
        estimators pickle as usual.
    init_from : str, path-like or None, default=None
        A weights file (:meth:`save_weights` or
        :func:`~sklearn_raman.neural.pretrain`) of the same classifier and
        network parameters, fitted on spectra of the same length: ``fit``
        starts from its weights (all but the output layer, which is new for
        the classes of ``y``) instead of random ones, and then trains the
        whole network with this estimator's recipe. Pre-training on a large
        library and fitting a small data set from it is transfer learning;
        see the user guide's "Transfer learning". None: random initialisation.
    frozen_epochs : int, default=0
        With ``init_from``: epochs that train only the new output layer on the
        pre-trained features (kept frozen, batch-norm statistics included)
        before the whole network is trained for ``max_epochs`` (linear probe,
        then fine-tuning). ``history_`` holds the second stage; ``max_time``
        bounds each stage. 0: the whole network from the start.
    head_init : {"imprint", "random"}, default="imprint"
        With ``init_from``: how the new output layer starts. ``"imprint"``:
        from the class means of the pre-trained embeddings of the training
        spectra (weight imprinting, see
        :meth:`~sklearn_raman.nn.SpectrumNet.imprint`), so training starts
        from a nearest-class-mean classifier of the new classes (on RRUFF
        Dataset_1, 2 spectra per class, from an encoder with a linear output
        layer: 0.844 top-1 against 0.835 from a random layer and 0.829 from
        scratch; see ``docs/benchmarks.md``); ``"random"``: a random
        layer. Late fusion, whose output layer is not one linear layer,
        always starts at random. Without ``init_from``: not used.
    output_layer : {"linear", "cosine"}, default="linear"
        The output layer on the embedding: a linear layer, or
        :class:`~sklearn_raman.nn.CosineLinear` (scaled cosines between the
        embedding and each class's weights). :func:`pretrain` uses the cosine
        layer: its features transfer better to new classes. Late fusion,
        whose output layer is not one linear layer, only has ``"linear"``.
    verbose : int, default=0
        1 prints skorch's table of epochs; 0 is silent.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of points per spectrum seen in fit.
    net_ : skorch.NeuralNetClassifier
        The fitted skorch net; ``net_.module_.net`` is the torch network.
    history_ : skorch.History
        Per-epoch training history (losses, validation accuracy, durations).
    device_ : str
        The device trained on.
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
        if self.init_from is not None:
            load_encoder(net, self.init_from, type(self).__name__)
            if self.head_init == "imprint":
                with torch_threads(self.n_threads):
                    net.imprint(torch.as_tensor(X), torch.as_tensor(y_enc))
            if self.frozen_epochs:
                # a new output layer on the pre-trained features first, so the
                # whole net is not fine-tuned through the gradients of a random one
                net.freeze(net.body_layers())
                self._train(net, X, y_enc, seed=seed, max_epochs=self.frozen_epochs)
                net.freeze([])
        elif self.frozen_epochs:
            raise ValueError(
                f"frozen_epochs={self.frozen_epochs} trains the output layer on "
                "pre-trained features first; it needs init_from (a weights file)"
            )
        self._train(net, X, y_enc, seed=seed)
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
