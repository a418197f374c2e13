"""Deep spectrum classifiers: scikit-learn estimators training torch nets via skorch.

The classifiers are listed once, in ``sklearn_raman._registry``; ``CLASSIFIERS``
holds them in that order.
"""

from .._registry import DEEP_CLASSIFIERS, load
from ._base import SpectrumNetClassifier
from ._device import resolve_device
from ._pretrain import pretrain

#: every deep classifier of the package, in the registry's order
CLASSIFIERS = tuple(load(entry) for entry in DEEP_CLASSIFIERS)
globals().update({cls.__name__: cls for cls in CLASSIFIERS})

__all__ = [
    "CLASSIFIERS",
    "SpectrumNetClassifier",
    "pretrain",
    "resolve_device",
    *(cls.__name__ for cls in CLASSIFIERS),
]
