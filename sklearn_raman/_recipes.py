"""Every training recipe of the package, in one place (importing it loads nothing).

A recipe is a dict of training parameters of the deep classifiers
(:class:`~sklearn_raman.neural.SpectrumNetClassifier`); ``cls(**recipe)``
trains with it. The recipes, where they are used and why:

======================  ==============================  ============================
recipe                  where it is used                why
======================  ==============================  ============================
``TRAINING_DEFAULTS``   the defaults of every deep      the papers' recipe (Sang et
                        classifier's training           al. 2021, Zhou et al. 2022):
                        parameters (its generated       a classifier trains as
                        ``__init__``)                   published unless told
``RECOMMENDED_RECIPE``  what the recommended            measured best on RRUFF on a
                        ``CompactResNet1DClassifier``   CPU: AdamW, one-cycle, 40
                        and ``MultimodalClassifier``    epochs, augmentation, no
                        change in the defaults          validation split
``PAPER_RECIPE``        ``benchmark --paper-recipe``:   the papers' protocol, for
                        the literature's nets           the comparison tables; taken
                                                        from ``TRAINING_DEFAULTS``
``CPU_RECIPE``          the benchmark's default for     a comparison of the
                        the literature's nets           literature's nets that ends
                        (``make_models``)               in minutes on a CPU
``PRETRAINING``         what ``pretrain`` (and the      features that transfer best
                        ``pretrain`` command) change    to new classes: a cosine
                        in the recommended recipe       output layer, no smoothing
======================  ==============================  ============================

The names are re-exported where they were first defined:
``sklearn_raman.benchmark`` (``PAPER_RECIPE``, ``CPU_RECIPE``),
``sklearn_raman.neural._params`` (``TRAINING_DEFAULTS``, ``RECOMMENDED_RECIPE``)
and ``sklearn_raman.neural._pretrain`` (``PRETRAINING``).

Examples
--------
>>> from sklearn_raman._recipes import PAPER_RECIPE, TRAINING_DEFAULTS
>>> PAPER_RECIPE
{'lr': 0.0001, 'max_epochs': 200, 'patience': 30, 'batch_size': 32}
>>> all(TRAINING_DEFAULTS[k] == v for k, v in PAPER_RECIPE.items())
True
"""

from __future__ import annotations

__all__ = [
    "CPU_RECIPE",
    "PAPER_RECIPE",
    "PRETRAINING",
    "RECOMMENDED_RECIPE",
    "TRAINING_DEFAULTS",
]

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
    "callbacks": None,
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

#: the papers' training recipe (Sang 2021, Zhou 2022) as the benchmark sets it
#: on the literature's nets: the defaults themselves, named
PAPER_RECIPE = {
    name: TRAINING_DEFAULTS[name]
    for name in ("lr", "max_epochs", "patience", "batch_size")
}

#: a recipe that finishes in minutes on a CPU
CPU_RECIPE = {"lr": 1e-3, "max_epochs": 40, "patience": 10, "batch_size": 32}

#: what pre-training changes in the recommended recipe: a cosine output layer
#: and no label smoothing give the features that transfer best to new classes
#: (RRUFF, 1,140 library minerals -> 192 others, 5 spectra each: frozen
#: nearest-class-mean 0.881 top-1 against 0.874 with the recommended linear
#: layer and label smoothing 0.1, 0.832 linear without; docs/benchmarks.md)
PRETRAINING = {"output_layer": "cosine", "label_smoothing": 0.0}
