"""The one list of the package's deep classifiers (importing it loads no torch).

``sklearn_raman``'s lazy names, ``sklearn_raman.neural.CLASSIFIERS``, the
benchmark command line (``python -m sklearn_raman benchmark --models ...``),
the API reference and the tests are all derived from :data:`DEEP_CLASSIFIERS`.
A new architecture is one row here plus its class (see
``sklearn_raman/neural/_vgg.py`` for the pattern).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import NamedTuple


class Entry(NamedTuple):
    """A deep classifier: its class, command-line name and module."""

    name: str
    cli: str
    module: str
    #: trained with its own defaults by the benchmark, not the chosen recipe
    own_recipe: bool = False


#: every public deep classifier, the recommended one first
DEEP_CLASSIFIERS = (
    Entry("CompactResNet1DClassifier", "recommended", "._compact", own_recipe=True),
    Entry("VGG1DClassifier", "vgg1d", "._vgg"),
    Entry("DRCNNClassifier", "drcnn", "._drcnn"),
    Entry("SEResNet1DClassifier", "seresnet1d", "._resnet"),
    Entry("ResNet1DClassifier", "resnet1d", "._resnet"),
    Entry("LiuCNNClassifier", "liu", "._reference"),
    Entry("DeepCIDClassifier", "deepcid", "._reference"),
    Entry("ZhangCNNClassifier", "zhang", "._reference"),
    Entry("LeNet1DClassifier", "lenet1d", "._reference"),
    Entry("AlexNet1DClassifier", "alexnet1d", "._reference"),
    Entry("LeNet2DClassifier", "lenet2d", "._image"),
    Entry("AlexNet2DClassifier", "alexnet2d", "._image"),
    Entry("VGG2DClassifier", "vgg16_2d", "._image"),
    Entry("ResNet2DClassifier", "resnet34_2d", "._image"),
    Entry("MultimodalClassifier", "multimodal", "._fusion", own_recipe=True),
)
NAMES = tuple(entry.name for entry in DEEP_CLASSIFIERS)


def load(entry: Entry) -> type:
    """The class of ``entry`` (imports torch)."""
    module = importlib.import_module(entry.module, "sklearn_raman.neural")
    return getattr(module, entry.name)


class DeepModels(Mapping):
    """Command-line name → class, imported on first access.

    Parameters
    ----------
    own_recipe : bool or None, default=None
        Keep only the classifiers with (True) or without (False) their own
        training recipe; None: all.
    """

    def __init__(self, own_recipe: bool | None = None):
        self._entries = {
            e.cli: e
            for e in DEEP_CLASSIFIERS
            if own_recipe is None or e.own_recipe == own_recipe
        }

    def __getitem__(self, cli: str) -> type:
        return load(self._entries[cli])

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"DeepModels({list(self._entries)})"
