"""CompactResNet1DClassifier: the recommended deep classifier on a CPU."""

from __future__ import annotations

from ..nn import CompactResNet1D
from ._base import SpectrumNetClassifier
from ._params import DROPOUT, POSITIVE, POSITIVE_INT, RECOMMENDED_RECIPE, SEQUENCE


class CompactResNet1DClassifier(SpectrumNetClassifier):
    """The recommended CNN for a CPU: a compact residual net and a fast recipe.

    Wraps :class:`~sklearn_raman.nn.CompactResNet1D` (0.6 M parameters, band
    positions kept up to the classifier) with a training recipe chosen by
    measurement on RRUFF rather than the papers' (see ``docs/benchmarks.md``):
    AdamW with weight decay, a one-cycle learning rate peaking at ``lr``,
    batches of 64, label smoothing, on-the-fly shifts, noise and intensity
    scaling of every batch, and every training spectrum used for training (no
    validation split). It trains at several hundred spectra per second on
    two CPU cores. With ``max_time`` the one-cycle schedule is fitted into the
    time budget, so a fit stops on time at a low learning rate.

    The training parameters are those of :class:`SpectrumNetClassifier`;
    those from ``lr`` to ``augment`` described here have other defaults than
    that class's (the papers') recipe.

    Parameters
    ----------
    channels : sequence of int, default=(16, 32, 64, 128, 128)
        Channels of the stem, then of each stride-2 residual stage.
    kernel_sizes : sequence of int, default=(7, 7, 5, 5, 3)
        Kernel size of the stem, then of each stage.
    width : float, default=1.0
        Channel multiplier.
    head_channels : int, default=32
        Channels kept before flattening.
    se_reduction : int or None, default=8
        Squeeze-and-excitation reduction; None: none.
    dropout : float, default=0.3
        Dropout on the flattened features.
    lr : float, default=2e-3
        Peak learning rate of the one-cycle schedule.
    max_epochs : int, default=40
        Epochs of the schedule.
    batch_size : int, default=64
        Training batch size.
    optimizer : str or class, default="adamw"
        The optimizer.
    weight_decay : float, default=1e-2
        Decoupled weight decay.
    lr_schedule : str or None, default="onecycle"
        Learning-rate schedule.
    patience : int or None, default=None
        No early stopping: the schedule decides when training ends.
    validation_fraction : float, default=0.0
        Share of each class held out to report validation accuracy; 0 by
        default: the schedule, not a validation score, decides when training
        ends, and with few spectra per class every held-out spectrum is one
        fewer to learn from (on RRUFF Dataset_2 a 0.1 split took 14 % of the
        training spectra and cost a point of top-1 accuracy).
    label_smoothing : float, default=0.1
        Label smoothing of the cross-entropy.
    augment : bool or dict, default=True
        On-the-fly shifts (2 points), noise (40 dB) and scaling (0.9–1.1).

    Examples
    --------
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_raman import MinMaxPerSpectrum, make_spectra
    >>> from sklearn_raman.neural import CompactResNet1DClassifier
    >>> X, y = make_spectra(n_classes=3, n_samples_per_class=20, n_points=200,
    ...                     random_state=0)
    >>> cnn = CompactResNet1DClassifier(max_epochs=15, batch_size=16, random_state=0)
    >>> scores = cross_val_score(make_pipeline(MinMaxPerSpectrum(), cnn), X, y, cv=3)
    >>> bool(scores.mean() > 0.8)
    True
    """

    _network = CompactResNet1D
    _network_constraints = {
        "channels": SEQUENCE,
        "kernel_sizes": SEQUENCE,
        "width": POSITIVE,
        "head_channels": POSITIVE_INT,
        "se_reduction": [*POSITIVE_INT, None],
        "dropout": DROPOUT,
    }
    _recipe_defaults = RECOMMENDED_RECIPE

    @classmethod
    def _get_test_params(cls) -> dict:
        return {"channels": (8, 16, 16), "kernel_sizes": (5, 5, 3), "head_channels": 8}
