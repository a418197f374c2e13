"""Open-set classification: answer "unknown" for spectra of no known class."""

from ._classifier import OpenSetClassifier
from ._scores import SCORES

__all__ = ["SCORES", "OpenSetClassifier"]
