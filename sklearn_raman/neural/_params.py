"""Parameters of the deep classifiers: constraints, documentation, declaration.

A deep classifier is declared by its network class and the network parameters
it exposes (with their constraints); its ``__init__`` is generated from that
declaration, taking the defaults from the network's own signature, so that a
parameter and its default are written once. The training parameters' defaults
are :data:`~sklearn_raman._recipes.TRAINING_DEFAULTS`, their constraints
:data:`TRAINING_CONSTRAINTS`, their documentation :data:`TRAINING_DOCS`
(from which every classifier's docstring gets the entries it does not write
itself, see :mod:`._docstring`).
"""

from __future__ import annotations

import inspect
import os
from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

# the recipes live in one module (torch-free), re-exported here for old imports
from .._recipes import RECOMMENDED_RECIPE, TRAINING_DEFAULTS  # noqa: F401
from ._docstring import document
from ._recipe import OPTIMIZERS

#: constraints shared by the networks' own parameters (sequence contents are
#: checked by the network, which names the offending value)
POSITIVE = [Interval(Real, 0, None, closed="neither")]
POSITIVE_INT = [Interval(Integral, 1, None, closed="left")]
DROPOUT = [Interval(Real, 0, 1, closed="left")]
SEQUENCE = ["array-like"]

TRAINING_CONSTRAINTS = {
    "lr": POSITIVE,
    "max_epochs": [*POSITIVE_INT, StrOptions({"auto"})],
    "batch_size": POSITIVE_INT,
    "optimizer": [StrOptions(set(OPTIMIZERS)), type],
    "optimizer_kwargs": [dict, None],
    "weight_decay": [Interval(Real, 0, None, closed="left")],
    "lr_schedule": [StrOptions({"cosine", "onecycle", "plateau"}), None],
    "patience": [*POSITIVE_INT, None],
    "validation_fraction": [Interval(Real, 0, 1, closed="left")],
    "class_weight": [StrOptions({"balanced"}), dict, None],
    "label_smoothing": [Interval(Real, 0, 1, closed="left")],
    "augment": ["boolean", dict],
    "device": [str],
    "n_threads": [Interval(Integral, 1, None, closed="left"), None],
    "mixed_precision": ["boolean"],
    "inference_precision": [StrOptions({"float32", "tf32"})],
    "random_state": ["random_state"],
    "max_time": [Interval(Real, 0, None, closed="neither"), None],
    "compile": ["boolean"],
    "init_from": [str, os.PathLike, None],
    "frozen_epochs": [Interval(Integral, 0, None, closed="left")],
    "head_init": [StrOptions({"imprint", "random"})],
    "output_layer": [StrOptions({"linear", "cosine"})],
    "verbose": ["verbose"],
    "callbacks": [list, tuple, None],
}

#: the documentation of the training parameters: ``name: (type, description)``;
#: the default is added from the class's signature
TRAINING_DOCS = {
    "lr": ("float", 'Learning rate (the peak rate with ``lr_schedule="onecycle"``).'),
    "max_epochs": (
        'int or "auto"',
        'Upper limit of training epochs. ``"auto"``: as many as give at least '
        "2,000 optimizer steps (``ceil(n_train / batch_size)`` an epoch), never "
        "fewer than 40 nor more than 1,000 epochs, so that a small training set "
        "gets the steps a large one gets in 40 epochs.",
    ),
    "batch_size": ("int", "Training batch size."),
    "optimizer": (
        '{"adam", "adamw", "sgd", "rmsprop"} or torch optimizer class',
        "The optimizer.",
    ),
    "optimizer_kwargs": (
        "dict or None",
        'Further optimizer arguments, e.g. ``{"momentum": 0.9}``.',
    ),
    "weight_decay": ("float", "Weight decay of the optimizer."),
    "lr_schedule": (
        '{"cosine", "onecycle", "plateau"} or None',
        "Learning-rate schedule: cosine annealing or one-cycle (warm-up, then "
        "cosine), set per batch over ``max_epochs`` or, with ``max_time``, over "
        "the time budget if that ends first, so a fit cut by its budget still "
        "ends at a low rate; or reduction on a validation-loss plateau.",
    ),
    "patience": (
        "int or None",
        "Epochs without a better validation accuracy before training stops; the "
        "best weights are restored. With ``class_weight`` the validation loss, "
        "which carries the weights, is monitored instead. None: no early "
        "stopping.",
    ),
    "validation_fraction": (
        "float",
        "Share of each class held out to monitor accuracy (classes of a single "
        "spectrum stay in training). 0: no validation split and no early "
        "stopping.",
    ),
    "class_weight": (
        '"balanced", dict or None',
        "Class weights of the loss, as in scikit-learn.",
    ),
    "label_smoothing": ("float", "Label smoothing of the cross-entropy."),
    "augment": (
        "bool or dict",
        "On-the-fly augmentation of every training batch "
        "(:class:`~sklearn_raman.nn.SpectrumAugment`): True for its defaults "
        "(shifts of up to 2 points, noise at 40 dB, intensity factors 0.9-1.1), "
        "or a dict of ``shift``, ``snr_db``, ``scale``. Never at predict time.",
    ),
    "device": (
        "str",
        '``"auto"`` (CUDA if available, else CPU, resolved in ``fit``), '
        '``"cpu"``, ``"cuda"`` or ``"cuda:N"``. Asking for CUDA without it '
        "warns and trains on the CPU.",
    ),
    "n_threads": (
        "int or None",
        "CPU threads of torch while this estimator trains and predicts (set for "
        "the call, then restored). None: torch's setting, all cores unless "
        "``OMP_NUM_THREADS`` or ``torch.set_num_threads`` say otherwise; "
        "joblib's process workers (``cross_val_score(..., n_jobs=2)``, "
        "``GridSearchCV``) already split the cores between them. Set it when "
        "fits run side by side in one machine otherwise (two programs, joblib "
        "threads): each fit using every core slows all of them far more than "
        "sharing does (measured on 2 cores, ``benchmarks/throughput.py "
        "--concurrent``: two fits side by side took 8.6 times as long as one "
        "alone with every core each, 1.5 times with ``n_threads=1`` each).",
    ),
    "mixed_precision": (
        "bool",
        "Train with bfloat16 autocast on CUDA devices that support it; never on "
        "the CPU. Prediction runs in float32 (see ``inference_precision``), so a "
        "GPU-trained model gives the probabilities a CPU would.",
    ),
    "inference_precision": (
        '{"float32", "tf32"}',
        "Precision of float32 convolutions and matrix products at predict time "
        'on CUDA. ``"float32"``: full IEEE float32, so GPU and CPU predictions '
        'agree to rounding (about 1e-7). ``"tf32"``: TensorFloat-32 (PyTorch\'s '
        "cuDNN default; 10-bit mantissa: probabilities within about 1e-3 of "
        "float32's, 1.5e-2 for VGG-1D), measured on an H100 9 to 16 times "
        "faster for the recommended network, 36 to 56 for SE-ResNet-1D, 1.0 to "
        "2.4 for the others. No effect on the CPU.",
    ),
    "random_state": (
        "int, RandomState instance or None",
        "Seed of the initialisation, the validation split, shuffling, dropout "
        "and augmentation. Fixed: identical fits give identical predictions on "
        "the CPU, serially, in joblib threads or in joblib processes (with the "
        "same ``n_threads``: the thread count changes float sums). torch has one "
        "generator per device for the whole process, so seeded fits in threads "
        "of one process take turns rather than run together. The global torch "
        "random state is left as it was.",
    ),
    "max_time": (
        "float or None",
        "Time budget of training in seconds: training stops at the end of the "
        "first epoch past it (the best weights are still restored). None: no "
        "limit. With a budget the number of epochs (and the rates of a cosine "
        "or one-cycle schedule) depend on the machine's speed.",
    ),
    "compile": (
        "bool",
        "Train through :func:`torch.compile` (a one-off compilation of a minute "
        "or so, then faster steps). Prediction runs the eager network, so "
        "fitted estimators pickle as usual.",
    ),
    "init_from": (
        "str, path-like or None",
        "A weights file (``save_weights`` or "
        ":func:`~sklearn_raman.neural.pretrain`) of the same classifier and "
        "network parameters, fitted on spectra of the same length: ``fit`` "
        "starts from its weights (all but the output layer, which is new for "
        "the classes of ``y``) instead of random ones, and then trains the "
        "whole network with this estimator's recipe. Pre-training on a large "
        "library and fitting a small data set from it is transfer learning; "
        'see the user guide\'s "Transfer learning". None: random '
        "initialisation.",
    ),
    "frozen_epochs": (
        "int",
        "With ``init_from`` (and in :meth:`fine_tune` unless it is given its "
        "own): epochs that train only the new output layer on the "
        "pre-trained features (kept frozen, batch-norm statistics included) "
        "before the whole network is trained for ``max_epochs`` (linear probe, "
        "then fine-tuning). ``history_`` holds the second stage; ``max_time`` "
        "bounds each stage. 0: the whole network from the start.",
    ),
    "head_init": (
        '{"imprint", "random"}',
        "With ``init_from`` (and in :meth:`fine_tune` unless it is given its "
        'own): how the new output layer starts. ``"imprint"``: '
        "from the class means of the pre-trained embeddings of the training "
        "spectra (weight imprinting, see "
        ":meth:`~sklearn_raman.nn.SpectrumNet.imprint`), so training starts "
        "from a nearest-class-mean classifier of the new classes (on RRUFF "
        "Dataset_1, 2 spectra per class, from an encoder with a linear output "
        "layer: 0.844 top-1 against 0.835 from a random layer and 0.829 from "
        'scratch; see ``docs/benchmarks.md``); ``"random"``: a random layer. '
        "Late fusion, whose output layer is not one linear layer, always starts "
        "at random. Otherwise: not used.",
    ),
    "output_layer": (
        '{"linear", "cosine"}',
        "The output layer on the embedding: a linear layer, or "
        ":class:`~sklearn_raman.nn.CosineLinear` (scaled cosines between the "
        "embedding and each class's weights). "
        ":func:`~sklearn_raman.neural.pretrain` uses the cosine layer: its "
        "features transfer better to new classes. Late fusion, whose output "
        'layer is not one linear layer, only has ``"linear"``.',
    ),
    "verbose": ("int", "1 prints skorch's table of epochs; 0 is silent."),
    "callbacks": (
        "list of skorch callbacks or None",
        "Callbacks of skorch (instances, or ``(name, callback)`` pairs) run in "
        "training besides the recipe's own (early stopping, time budget, "
        "learning-rate schedule), e.g. ``[GradientNormClipping(1.0)]`` from "
        ":mod:`skorch.callbacks`, a ``Checkpoint`` or a logger of one's own. "
        "Every fit trains with fresh copies (a deep copy of the list), so the "
        "objects given are never changed and clones and parallel searches "
        "share no callback state; the fitted copies are in ``net_.callbacks_``. "
        "A callback whose ``dirname`` is None (e.g. "
        "``Checkpoint(dirname=None, load_best=True)``) writes into a temporary "
        "directory of its own fit, removed when the fit ends, so that fits "
        "side by side (``n_jobs > 1``) never overwrite each other's files; "
        "give a directory per fit to keep them. The recipe's names "
        "(``early_stopping``, ``time_budget``, ``lr_schedule``) are its own. "
        "With ``frozen_epochs`` they run in both stages. None: none.",
    ),
}


def make_init(owner: str, defaults: dict):
    """An ``__init__`` storing exactly the keyword parameters ``defaults``.

    Its signature (which scikit-learn's ``get_params``, ``clone`` and ``repr``
    read, and which ``help`` shows) lists them keyword-only with their defaults.
    """
    names = set(defaults)

    def __init__(self, **params):
        unknown = sorted(set(params) - names)
        if unknown:
            raise TypeError(
                f"{owner}.__init__() got an unexpected keyword argument {unknown[0]!r}"
            )
        for name, default in defaults.items():
            setattr(self, name, params.get(name, default))

    kind = inspect.Parameter.KEYWORD_ONLY
    __init__.__signature__ = inspect.Signature(
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [inspect.Parameter(n, kind, default=d) for n, d in defaults.items()]
    )
    __init__.__qualname__ = f"{owner}.__init__"
    return __init__


def declare(cls) -> None:
    """Give a declared classifier class its ``__init__`` and its constraints.

    Reads the class attributes ``_network`` (the torch network class),
    ``_network_constraints`` (exposed network parameters: constraints; defaults
    from the network's signature), ``_extra_params`` (further parameters:
    ``(default, constraints)``) and ``_recipe_defaults`` (training defaults
    that differ from :data:`TRAINING_DEFAULTS`); its docstring gets the
    training parameters it does not document itself (:func:`document`).
    """
    signature = inspect.signature(cls._network).parameters
    missing = [name for name in cls._network_constraints if name not in signature]
    if missing:
        raise TypeError(
            f"{cls.__name__}: {cls._network.__name__} has no parameter {missing[0]!r}"
        )
    own = {name: signature[name].default for name in cls._network_constraints}
    own.update({name: spec[0] for name, spec in cls._extra_params.items()})
    training = {**TRAINING_DEFAULTS, **cls._recipe_defaults}
    cls.__init__ = make_init(cls.__name__, {**own, **training})
    document(cls)
    cls._parameter_constraints = {
        **TRAINING_CONSTRAINTS,
        **cls._network_constraints,
        **{name: spec[1] for name, spec in cls._extra_params.items()},
    }
