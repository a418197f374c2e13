"""DRCNNClassifier."""

from __future__ import annotations

from numbers import Real

from sklearn.utils._param_validation import Interval

from ..nn import DRCNN
from ._base import SpectrumNetClassifier
from ._params import DROPOUT, POSITIVE, POSITIVE_INT, SEQUENCE


class DRCNNClassifier(SpectrumNetClassifier):
    """Deeply-recursive CNN classifier of Zhou et al. (2022).

    Wraps :class:`~sklearn_raman.nn.DRCNN` in the shared training recipe of
    :class:`SpectrumNetClassifier`. With ``alpha > 0`` every recursion's output
    also gets its own classification loss through the shared reconstruction and
    exportation layers (recursive supervision, as in DRCN); the paper trains with
    the final loss only (``alpha=0``).

    Parameters
    ----------
    recursions : int, default=9
        Number of recursions of the shared convolution.
    width : float, default=1.0
        Channel multiplier.
    dense_units : sequence of int, default=(1024, 512)
        Units of the dense blocks.
    dropout : float, default=0.5
        Dropout of the dense blocks.
    alpha : float, default=0.0
        Weight of the recursion levels' losses (recursive supervision).

    Examples
    --------
    >>> from sklearn_raman import DRCNNClassifier, make_spectra
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=10, n_points=64,
    ...                     random_state=0)
    >>> clf = DRCNNClassifier(recursions=2, width=0.0625, dense_units=(16,),
    ...                       alpha=0.3, max_epochs=1, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 3)
    """

    _network = DRCNN
    _network_constraints = {
        "recursions": POSITIVE_INT,
        "width": POSITIVE,
        "dense_units": SEQUENCE,
        "dropout": DROPOUT,
    }
    _extra_params = {"alpha": (0.0, [Interval(Real, 0, 1, closed="both")])}

    @classmethod
    def _get_test_params(cls) -> dict:
        return {"recursions": 2, "width": 0.0625, "dense_units": (32,), "alpha": 0.3}

    def _deep_supervision(self) -> float:
        return self.alpha
