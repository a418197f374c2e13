"""Classical classifiers of the comparison: PLS-DA and MiniRocket / ROCKET.

:class:`PLSDAClassifier` is the chemometrics default; :class:`RocketClassifier`
the time-series one (random convolutional kernels and a ridge classifier,
through aeon: ``pip install "sklearn-raman[rocket]"``).
"""

from ._plsda import PLSDAClassifier
from ._rocket import RocketClassifier

__all__ = ["PLSDAClassifier", "RocketClassifier"]
