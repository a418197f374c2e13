"""Neighbour-based classifiers: spectral library search."""

from ._library import LibrarySearchClassifier

__all__ = ["LibrarySearchClassifier"]
