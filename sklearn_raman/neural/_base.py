"""SpectrumNetClassifier: the scikit-learn estimator around skorch, for every net."""

from __future__ import annotations

import contextlib
import copy
import inspect
import json
import os
import warnings
from numbers import Integral, Real

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
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch import NeuralNetClassifier
from skorch.callbacks import EarlyStopping, LRScheduler
from skorch.dataset import Dataset
from skorch.helper import predefined_split
from torch import nn

from .._axis import reject_ragged
from ..model_selection import PaperSplit
from ..nn import SpectrumAugment, SpectrumLoss, SpectrumNet
from ._callbacks import AnnealedLR, TimeBudget
from ._loader import TensorBatches
from ._module import TrainingModule

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}
#: rows per inference chunk (every chunk is padded to it), by device type
INFERENCE_CHUNK = {"cpu": 64, "cuda": 1024}
AUGMENT_DEFAULTS = {"shift": 2.0, "snr_db": 40.0, "scale": (0.9, 1.1)}

#: constraints shared by the networks' own parameters (sequence contents are
#: checked by the network, which names the offending value)
POSITIVE = [Interval(Real, 0, None, closed="neither")]
POSITIVE_INT = [Interval(Integral, 1, None, closed="left")]
DROPOUT = [Interval(Real, 0, 1, closed="left")]
SEQUENCE = ["array-like"]


def resolve_device(device: str) -> str:
    """``"auto"`` → ``"cuda"`` if available else ``"cpu"``; a missing CUDA warns."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if str(device).startswith("cuda") and not torch.cuda.is_available():
        warnings.warn(
            f"device={device!r} was asked for but CUDA is not available; "
            "training on the CPU",
            UserWarning,
            stacklevel=3,
        )
        return "cpu"
    return str(device)


@contextlib.contextmanager
def seeded_torch(seed: int):
    """Seed torch's CPU and CUDA generators for a block; restore them after it."""
    devices = (
        list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    )
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


@contextlib.contextmanager
def ieee_float32():
    """Full float32 CUDA convolutions and matrix products for a block.

    cuDNN runs float32 convolutions in TF32 (10-bit mantissa) by default, which
    would make GPU predictions differ from a CPU's by far more than rounding;
    prediction runs without it. The global flags are restored afterwards.
    """
    flags = (torch.backends.cudnn, torch.backends.cuda.matmul)
    saved = [flag.allow_tf32 for flag in flags]
    for flag in flags:
        flag.allow_tf32 = False
    try:
        yield
    finally:
        for flag, value in zip(flags, saved):
            flag.allow_tf32 = value


def _softmax(logits: torch.Tensor) -> torch.Tensor:
    return torch.softmax(logits, dim=-1)


class SpectrumNetClassifier(
    ClassifierMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Base of the deep spectrum classifiers: a scikit-learn estimator over skorch.

    Subclasses add the network's own parameters to ``__init__`` and implement
    ``_build_module(n_points, n_classes)``; everything else — label encoding,
    the validation split, early stopping, schedules, augmentation, devices,
    determinism, persistence and transfer learning — lives here. The skorch
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
    max_epochs : int, default=200
        Upper limit of training epochs.
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
        (:class:`~sklearn_raman.nn.SpectrumAugment`): True for shifts of up to 2
        points, noise at 40 dB and intensity factors 0.9–1.1, or a dict of
        ``shift``, ``snr_db``, ``scale``. Never applied at predict time.
    device : str, default="auto"
        ``"auto"`` (CUDA if available, else CPU, resolved in :meth:`fit`),
        ``"cpu"``, ``"cuda"`` or ``"cuda:N"``. Asking for CUDA without it warns
        and trains on the CPU.
    mixed_precision : bool, default=True
        Train with bfloat16 autocast on CUDA devices that support it; never on
        the CPU. Prediction always runs in float32, so a GPU-trained model
        gives the probabilities a CPU would.
    random_state : int, RandomState instance or None, default=None
        Seed of the initialisation, the validation split, shuffling, dropout and
        augmentation. Fixed: identical fits give identical predictions on the
        CPU. The global torch random state is left as it was.
    max_time : float or None, default=None
        Time budget of training in seconds: training stops at the end of the
        first epoch past it (the best weights are still restored). None: no
        limit. A time budget makes the number of epochs (and with a cosine or
        one-cycle schedule, the rates) depend on the machine's speed, so
        identical fits are identical only without it.
    compile : bool, default=False
        Train through :func:`torch.compile` (skorch's ``compile``): a one-off
        compilation of a minute or so, then faster steps for long fits.
        Prediction runs the plain (eager) network, so fitted estimators pickle
        as usual.
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

    _parameter_constraints: dict = {
        "lr": [Interval(Real, 0, None, closed="neither")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "optimizer": [StrOptions(set(OPTIMIZERS)), type],
        "optimizer_kwargs": [dict, None],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "lr_schedule": [StrOptions({"cosine", "onecycle", "plateau"}), None],
        "patience": [Interval(Integral, 1, None, closed="left"), None],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "augment": ["boolean", dict],
        "device": [str],
        "mixed_precision": ["boolean"],
        "random_state": ["random_state"],
        "max_time": [Interval(Real, 0, None, closed="neither"), None],
        "compile": ["boolean"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        lr: float = 1e-4,
        max_epochs: int = 200,
        batch_size: int = 32,
        optimizer="adam",
        optimizer_kwargs: dict | None = None,
        weight_decay: float = 0.0,
        lr_schedule: str | None = None,
        patience: int | None = 30,
        validation_fraction: float = 0.2,
        class_weight=None,
        label_smoothing: float = 0.0,
        augment=False,
        device: str = "auto",
        mixed_precision: bool = True,
        random_state=None,
        max_time: float | None = None,
        compile: bool = False,
        verbose: int = 0,
    ):
        self.lr = lr
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.optimizer_kwargs = optimizer_kwargs
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.class_weight = class_weight
        self.label_smoothing = label_smoothing
        self.augment = augment
        self.device = device
        self.mixed_precision = mixed_precision
        self.random_state = random_state
        self.max_time = max_time
        self.compile = compile
        self.verbose = verbose

    def __init_subclass__(cls, **kwargs):
        # A subclass's __init__ takes its net's parameters and **kwargs for the
        # shared ones; give it the full signature, which scikit-learn's
        # get_params / clone / repr read, and which help() shows.
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None:
            return
        own = [
            p
            for name, p in inspect.signature(init).parameters.items()
            if name != "self" and p.kind is not p.VAR_KEYWORD
        ]
        names = {p.name for p in own}
        parent = inspect.signature(cls.__mro__[1].__init__).parameters.values()
        inherited = [p for p in parent if p.name != "self" and p.name not in names]
        self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
        init.__signature__ = inspect.Signature(
            [self_param] + [p.replace(kind=p.KEYWORD_ONLY) for p in own + inherited]
        )

    @staticmethod
    def _with_net_constraints(**net: list) -> dict:
        """The shared training constraints plus those of a net's parameters."""
        return {**SpectrumNetClassifier._parameter_constraints, **net}

    # -- to be provided by subclasses -------------------------------------------
    def _build_module(self, n_points: int, n_classes: int) -> SpectrumNet:
        """The torch network for spectra of ``n_points`` and ``n_classes`` outputs."""
        raise NotImplementedError

    def _deep_supervision(self) -> float:
        """Weight of intermediate-level losses (DRCNN's ``alpha``); 0 for most nets."""
        return 0.0

    # -- fitting ----------------------------------------------------------------
    def _seed(self) -> int:
        return int(
            check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        )

    def _check_targets(self, y) -> tuple[LabelEncoder, np.ndarray]:
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        if len(encoder.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes; "
                f"got 1 class ({encoder.classes_[0].tolist()!r})"
            )
        return encoder, encoder.transform(y).astype(np.int64)

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
        reject_ragged(X, type(self).__name__)
        X, y = validate_data(self, X, y, dtype=np.float32)
        encoder, y_enc = self._check_targets(y)
        self.classes_ = encoder.classes_
        seed = self._seed()
        with seeded_torch(seed):
            net = self._build_module(X.shape[1], len(self.classes_))
        self._train(net, X, y_enc, seed=seed)
        return self

    def _split(self, X, y, seed):
        """Training and validation parts, split within each class.

        As :class:`~sklearn_raman.model_selection.PaperSplit`: every class of two
        or more spectra keeps at least one for training; single spectra stay in
        training.
        """
        if self.validation_fraction == 0:
            return X, y, None, None
        splitter = PaperSplit(test_size=self.validation_fraction, random_state=seed)
        train, valid = next(splitter.split(X, y))
        if len(valid) == 0:
            return X, y, None, None
        return X[train], y[train], X[valid], y[valid]

    def _class_weights(self, y: np.ndarray, n_classes: int):
        if self.class_weight is None:
            return None
        if isinstance(self.class_weight, dict):
            weights = np.ones(n_classes)
            for label, w in self.class_weight.items():
                idx = np.flatnonzero(self.classes_ == label)
                if idx.size == 0:
                    raise ValueError(f"class_weight names {label!r}, not a class of y")
                weights[idx[0]] = w
        else:
            present = np.unique(y)
            weights = np.ones(n_classes)
            weights[present] = compute_class_weight("balanced", classes=present, y=y)
        return torch.tensor(weights, dtype=torch.float32)

    def _augmenter(self) -> nn.Module | None:
        if self.augment is False:
            return None
        params = dict(AUGMENT_DEFAULTS)
        if isinstance(self.augment, dict):
            unknown = set(self.augment) - set(AUGMENT_DEFAULTS)
            if unknown:
                raise ValueError(
                    f"augment takes the keys {sorted(AUGMENT_DEFAULTS)}; "
                    f"got {sorted(unknown)}"
                )
            params.update(self.augment)
        return SpectrumAugment(**params)

    def _callbacks(self, has_valid: bool, max_epochs: int, lr):
        callbacks = []
        if has_valid and self.patience is not None:
            # class weights change what "best" means: follow the weighted loss
            weighted = self.class_weight is not None
            stopper = EarlyStopping(
                monitor="valid_loss" if weighted else "valid_acc",
                lower_is_better=weighted,
                patience=self.patience,
                load_best=True,
            )
            callbacks.append(("early_stopping", stopper))
        if self.max_time is not None:
            callbacks.append(("time_budget", TimeBudget(self.max_time)))
        if self.lr_schedule in ("cosine", "onecycle"):
            schedule = AnnealedLR(self.lr_schedule, lr, max_epochs, self.max_time)
            callbacks.append(("lr_schedule", schedule))
        if self.lr_schedule == "plateau":
            monitor = "valid_loss" if has_valid else "train_loss"
            callbacks.append(
                (
                    "lr_schedule",
                    LRScheduler(
                        torch.optim.lr_scheduler.ReduceLROnPlateau,
                        monitor=monitor,
                        patience=max(1, (self.patience or 10) // 3),
                    ),
                )
            )
        return callbacks

    def _autocast_dtype(self, device: str) -> torch.dtype | None:
        """bfloat16 for mixed-precision training on ``device``, else None."""
        kind = torch.device(device).type
        if not self.mixed_precision or kind not in TrainingModule.autocast_devices:
            return None
        if kind == "cuda" and not (
            torch.cuda.is_available() and torch.cuda.is_bf16_supported()
        ):
            return None
        return torch.bfloat16

    def _make_net(
        self,
        net: SpectrumNet,
        device: str,
        *,
        y_train=None,
        seed: int = 0,
        max_epochs=None,
        lr=None,
        valid=None,
    ):
        """The skorch net around ``net`` (not yet trained)."""
        max_epochs = self.max_epochs if max_epochs is None else max_epochs
        lr = self.lr if lr is None else lr
        optimizer = OPTIMIZERS.get(self.optimizer, self.optimizer)
        opt_kwargs = {
            f"optimizer__{k}": v for k, v in (self.optimizer_kwargs or {}).items()
        }
        if self.weight_decay:
            opt_kwargs["optimizer__weight_decay"] = self.weight_decay
        alpha = self._deep_supervision()
        module = TrainingModule(
            net,
            self._augmenter(),
            deep_supervision=alpha > 0,
            autocast_dtype=self._autocast_dtype(device),
        )
        weights = (
            None if y_train is None else self._class_weights(y_train, net.n_classes)
        )
        return NeuralNetClassifier(
            module,
            criterion=SpectrumLoss,
            criterion__weight=weights,
            criterion__label_smoothing=self.label_smoothing,
            criterion__alpha=alpha,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=self.batch_size,
            train_split=None if valid is None else predefined_split(valid),
            callbacks=self._callbacks(valid is not None, max_epochs, lr),
            classes=np.arange(net.n_classes),
            predict_nonlinearity=_softmax,
            # batches sliced from whole tensors: no per-sample Python in the loop
            iterator_train=TensorBatches,
            iterator_valid=TensorBatches,
            iterator_train__shuffle=True,
            iterator_train__generator=torch.Generator().manual_seed(seed),
            iterator_valid__batch_size=max(256, self.batch_size),
            # a loader draws its base seed from its generator: keep the global RNG out
            iterator_valid__generator=torch.Generator(),
            device=device,
            compile=self.compile,
            verbose=self.verbose,
            **opt_kwargs,
        )

    def _train(self, net: SpectrumNet, X, y, *, seed: int, max_epochs=None, lr=None):
        device = resolve_device(self.device)
        X_tr, y_tr, X_va, y_va = self._split(X, y, seed)
        valid = None
        if X_va is not None:
            valid = Dataset(torch.tensor(X_va), torch.tensor(y_va))
        skorch_net = self._make_net(
            net,
            device,
            y_train=y_tr,
            seed=seed,
            max_epochs=max_epochs,
            lr=lr,
            valid=valid,
        )
        with seeded_torch(seed + 1):
            skorch_net.fit(torch.tensor(X_tr), torch.tensor(y_tr))
        self._set_net(skorch_net)
        self.history_ = skorch_net.history
        self.device_ = device

    def _set_net(self, skorch_net: NeuralNetClassifier) -> None:
        # The module was handed to skorch as an instance, so skorch's ``module``
        # parameter is the trained (possibly CUDA) module itself. Declare it
        # device-dependent, so that pickles map it to the CPU like ``module_``.
        for name in ("module_", "criterion_"):
            # keep the eager modules: compiled ones neither pickle nor need to
            compiled = getattr(skorch_net, name)
            setattr(skorch_net, name, getattr(compiled, "_orig_mod", compiled))
        if "module" not in skorch_net.cuda_dependent_attributes_:
            skorch_net.cuda_dependent_attributes_ = [
                *skorch_net.cuda_dependent_attributes_,
                "module",
            ]
        self.net_ = skorch_net

    # -- prediction -------------------------------------------------------------
    @property
    def module_(self) -> SpectrumNet:
        """The fitted torch network."""
        check_is_fitted(self, "net_")
        return self.net_.module_.net

    def _check_X(self, X) -> torch.Tensor:
        check_is_fitted(self, "net_")
        reject_ragged(X, type(self).__name__)
        X = validate_data(self, X, dtype=np.float32, reset=False)
        return torch.tensor(X)

    def _infer(self, X, *, embed: bool = False) -> np.ndarray:
        """Logits (or embeddings) of ``X``, in chunks of a fixed size.

        Every chunk is zero-padded to the same number of rows, so the kernels
        see one shape and a spectrum gets bitwise the same output whether it is
        predicted alone or in a batch (float32 kernels round differently for
        different batch sizes).
        """
        X = self._check_X(X)
        module = self.net_.module_
        device = self.net_.device
        chunk = INFERENCE_CHUNK["cpu" if str(device) == "cpu" else "cuda"]
        was_training = module.training
        module.eval()
        outputs = []
        try:
            with torch.no_grad(), ieee_float32():
                for start in range(0, len(X), chunk):
                    part = X[start : start + chunk]
                    n = len(part)
                    if n < chunk:
                        part = torch.cat(
                            [part, part.new_zeros(chunk - n, part.shape[1])]
                        )
                    part = part.to(device)
                    out = module.embed(part) if embed else module(part)
                    outputs.append(out[:n].cpu())
        finally:
            module.train(was_training)
        return torch.cat(outputs).numpy()

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
        return softmax(self._infer(X).astype(np.float64), axis=1)

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
        logits = self._infer(X)
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
        return self._infer(X, embed=True)

    @property
    def _n_features_out(self) -> int:
        return self.module_.embedding_dim

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]  # embeddings are float32
        return tags

    # -- transfer learning ------------------------------------------------------
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
        small target library.

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
        if freeze not in ("features", "all", None):
            raise ValueError(
                f"freeze must be 'features', 'all' or None; got {freeze!r}"
            )
        reject_ragged(X, type(self).__name__)
        X, y = validate_data(self, X, y, dtype=np.float32, reset=False)
        encoder, y_enc = self._check_targets(y)
        seed = self._seed()
        net = copy.deepcopy(self.module_).cpu()
        with seeded_torch(seed):
            net.classifier = nn.Linear(net.embedding_dim, len(encoder.classes_))
        net.n_classes = len(encoder.classes_)
        # frozen layers get no gradient and keep their batch-norm statistics
        net.freeze(
            {
                "features": net.feature_layers(),
                "all": [m for m in net.children() if m is not net.classifier],
                None: [],
            }[freeze]
        )
        self.classes_ = encoder.classes_
        self._train(net, X, y_enc, seed=seed, max_epochs=max_epochs, lr=lr)
        return self

    # -- persistence ------------------------------------------------------------
    def __setstate__(self, state):
        super().__setstate__(state)
        # skorch maps a CUDA-trained net to the CPU when CUDA is missing
        if "net_" in self.__dict__:
            self.device_ = str(self.net_.device)

    def save_weights(self, path: str | os.PathLike) -> None:
        """Save the network's weights and labels to a safetensors file.

        Unlike pickle, the file holds only tensors and JSON metadata (estimator
        class, parameters of the net, classes, input length), so it can be shared
        and loaded safely with :meth:`load_weights`.

        Parameters
        ----------
        path : str or path-like
            Destination, conventionally ``*.safetensors``.
        """
        from safetensors.torch import save_file

        net = self.module_
        tensors = {
            k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()
        }
        metadata = {
            "estimator": type(self).__name__,
            "classes": json.dumps(np.asarray(self.classes_).tolist()),
            "n_features_in": str(self.n_features_in_),
            "params": json.dumps(self.get_params(deep=False), default=repr),
        }
        save_file(tensors, os.fspath(path), metadata=metadata)

    def load_weights(self, path: str | os.PathLike):
        """Load weights saved by :meth:`save_weights` into this estimator.

        The estimator is built with its own parameters for the input length and
        classes stored in the file, then takes the saved weights; it can
        predict without fitting. Weights saved on a GPU load on a CPU.

        Parameters
        ----------
        path : str or path-like
            A file written by :meth:`save_weights`.

        Returns
        -------
        self : object
            The estimator, ready to predict.

        Raises
        ------
        ValueError
            If the file's network does not fit this estimator's (another
            architecture, width or number of classes).
        """
        from safetensors import safe_open

        path = os.fspath(path)
        device = resolve_device(self.device)
        with safe_open(path, framework="pt", device="cpu") as f:
            metadata = f.metadata() or {}
            state = {k: f.get_tensor(k) for k in f.keys()}
        if "classes" not in metadata:
            raise ValueError(
                f"{path} was not written by save_weights (no class metadata)"
            )
        if metadata.get("estimator") != type(self).__name__:
            raise ValueError(
                f"{path} holds a {metadata.get('estimator')} network; this is a "
                f"{type(self).__name__}"
            )
        classes = np.asarray(json.loads(metadata["classes"]))
        n_features = int(metadata["n_features_in"])
        net = self._build_module(n_features, len(classes))
        try:
            net.load_state_dict(state)
        except RuntimeError as exc:
            raise ValueError(
                f"the weights in {path} do not fit this {type(self).__name__}: "
                f"{str(exc).splitlines()[0]} ... The file was saved with the "
                f"parameters {metadata.get('params')}"
            ) from exc
        skorch_net = self._make_net(net, device)
        skorch_net.initialize()
        self._set_net(skorch_net)
        self.classes_ = classes
        self.n_features_in_ = n_features
        self.history_ = skorch_net.history
        self.device_ = device
        return self
