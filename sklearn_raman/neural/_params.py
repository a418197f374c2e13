"""Parameters of the deep classifiers: training defaults, constraints, declaration.

A deep classifier is declared by its network class and the network parameters
it exposes (with their constraints); its ``__init__`` is generated from that
declaration, taking the defaults from the network's own signature, so that a
parameter and its default are written once.
"""

from __future__ import annotations

import inspect
import os
from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from ._recipe import OPTIMIZERS

#: the training parameters of every deep classifier and their defaults: the
#: recipe of Sang et al. (2021) and Zhou et al. (2022)
TRAINING_DEFAULTS = {
    "lr": 1e-4,
    "max_epochs": 200,
    "batch_size": 32,
    "optimizer": "adam",
    "optimizer_kwargs": None,
    "weight_decay": 0.0,
    "lr_schedule": None,
    "patience": 30,
    "validation_fraction": 0.2,
    "class_weight": None,
    "label_smoothing": 0.0,
    "augment": False,
    "device": "auto",
    "n_threads": None,
    "mixed_precision": True,
    "inference_precision": "float32",
    "random_state": None,
    "max_time": None,
    "compile": False,
    "init_from": None,
    "frozen_epochs": 0,
    "head_init": "imprint",
    "output_layer": "linear",
    "verbose": 0,
}

#: the recommended CPU recipe (CompactResNet1DClassifier's, found by
#: measurement on RRUFF; MultimodalClassifier trains with it too)
RECOMMENDED_RECIPE = {
    "lr": 2e-3,
    "max_epochs": 40,
    "batch_size": 64,
    "optimizer": "adamw",
    "weight_decay": 1e-2,
    "lr_schedule": "onecycle",
    "patience": None,
    "validation_fraction": 0.0,
    "label_smoothing": 0.1,
    "augment": True,
}

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
    that differ from :data:`TRAINING_DEFAULTS`).
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
    cls._parameter_constraints = {
        **TRAINING_CONSTRAINTS,
        **cls._network_constraints,
        **{name: spec[1] for name, spec in cls._extra_params.items()},
    }
