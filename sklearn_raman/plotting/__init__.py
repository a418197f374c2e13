"""Plots of spectra, relevance maps, training and benchmark results, material maps.

matplotlib is the optional ``plot`` extra: it is imported by the first plot.
"""

from ._base import _pyplot  # noqa: F401 - identification's plots draw with it
from ._maps import plot_material_map, plot_size_distribution
from ._results import (
    plot_attention,
    plot_benchmark,
    plot_confusion_matrix,
    plot_training_history,
)
from ._spectra import plot_embedding, plot_saliency, plot_spectra

__all__ = [
    "plot_attention",
    "plot_benchmark",
    "plot_confusion_matrix",
    "plot_embedding",
    "plot_material_map",
    "plot_saliency",
    "plot_size_distribution",
    "plot_spectra",
    "plot_training_history",
]
