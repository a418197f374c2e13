"""MultimodalClassifier: spectra and images of one sample, fused in one network."""

from __future__ import annotations

import numpy as np
from sklearn.utils._param_validation import StrOptions

from ..modalities import parse_modalities
from ..nn.fusion import FUSIONS, FusionNet
from ._base import SpectrumNetClassifier
from ._inference import network_input, padded_chunks
from ._params import DROPOUT, POSITIVE, POSITIVE_INT, RECOMMENDED_RECIPE, SEQUENCE


class MultimodalClassifier(SpectrumNetClassifier):
    """Classify samples measured several ways (spectra, images) by fusing them.

    ``X`` stays a 2D array: each row holds the sample's modalities side by
    side, as declared by ``modalities`` (build it with
    :func:`~sklearn_raman.modalities.stack_modalities`; preprocess each block
    with a :class:`~sklearn.compose.ColumnTransformer` over
    :func:`~sklearn_raman.modalities.modality_columns`). Each modality gets its
    own small residual CNN (1D for a spectrum, 2D for an image) and the
    network (:class:`~sklearn_raman.nn.fusion.FusionNet`) fuses them at the
    data (``"early"``), feature (``"concat"``), decision (``"late"``, a soft
    vote) or attention level (``"attention"``: each modality's tokens — band
    regions of a spectrum, patches of an image — attend to the others'; see
    :meth:`attention`).

    A missing measurement is a block of NaN in its row (e.g. a particle
    without an SEM image). It is masked, not imputed: its features are
    replaced by a learnt "missing" vector (``"concat"``, ``"attention"``, whose
    other modalities no longer attend to it), left out of the vote
    (``"late"``) or zero (``"early"``). Train with ``modality_dropout`` > 0
    when predictions with a modality missing matter: the network then learns
    what to do without it. A partly NaN block, or a row with no modality,
    raises. The training defaults are the recommended CPU recipe (AdamW,
    one-cycle schedule, 40 epochs, label smoothing 0.1, on-the-fly
    augmentation of the spectrum blocks).

    Parameters
    ----------
    modalities : list of (str, int or tuple) or None, default=None
        The column blocks in order: ``(name, n_points)`` for a spectrum,
        ``(name, (height, width))`` for a grayscale image, ``(name, (channels,
        height, width))`` for a multichannel image, e.g. ``[("ftir", 1800),
        ("sem", (64, 64))]``. None: all columns are one spectrum.
    fusion : {"attention", "concat", "late", "early"}, default="attention"
        Level of the fusion (see above). ``"early"`` needs all modalities to
        be spectra (joined end to end) or images of one size (as channels).
    embed_dim : int, default=64
        Channels of the tokens and size of the fused embedding.
    n_heads : int, default=4
        Attention heads (must divide ``embed_dim``).
    channels : sequence of int, default=(16, 32, 64, 128)
        Channels of each encoder's stem and stages; every stage halves the
        map (a 1,800-point spectrum → 113 tokens, a 64 × 64 image → 16).
    width : float, default=1.0
        Channel multiplier of the encoders.
    modality_dropout : float, default=0.0
        In training, the chance that a modality of a sample is masked as if
        missing (never all of a sample's): set it (e.g. 0.2) when some
        samples to predict will lack a measurement, so that the network has
        learnt to do without.
    dropout : float, default=0.3
        Dropout of the dense layers.

    Examples
    --------
    >>> from sklearn_raman import MultimodalClassifier
    >>> from sklearn_raman.datasets import make_multimodal
    >>> data = make_multimodal(n_samples_per_class=10, image_size=16,
    ...                        n_points=200, random_state=0)
    >>> clf = MultimodalClassifier(modalities=data.modalities, max_epochs=2,
    ...                            random_state=0).fit(data.X, data.y)
    >>> maps = clf.attention(data.X[:2])
    >>> maps["ftir", "sem"].shape  # (samples, band tokens, image patches)
    (2, 13, 1)
    """

    _network = FusionNet
    _network_constraints = {
        "modalities": ["array-like", None],
        "fusion": [StrOptions(set(FUSIONS))],
        "embed_dim": POSITIVE_INT,
        "n_heads": POSITIVE_INT,
        "channels": SEQUENCE,
        "width": POSITIVE,
        "modality_dropout": DROPOUT,
        "dropout": DROPOUT,
    }
    _recipe_defaults = RECOMMENDED_RECIPE
    _allow_nan = True

    @classmethod
    def _get_test_params(cls) -> dict:
        return {"embed_dim": 16, "n_heads": 2, "channels": (8, 16)}

    def _deep_supervision(self) -> float:
        # the late vote trains each modality's head on its own as well
        return 0.5 if self.fusion == "late" else 0.0

    def _check_rows(self, X: np.ndarray) -> None:
        blocks = parse_modalities(self.modalities, X.shape[1])
        nan = np.isnan(X)
        if not nan.any():
            return
        lacking = np.zeros((len(X), len(blocks)), dtype=bool)
        for k, m in enumerate(blocks):
            part = nan[:, m.start : m.stop]
            lacking[:, k] = part.all(axis=1)
            partial = part.any(axis=1) & ~lacking[:, k]
            if partial.any():
                row = int(np.flatnonzero(partial)[0])
                raise ValueError(
                    f"{type(self).__name__}: row {row}, modality {m.name!r} "
                    f"(columns {m.start}-{m.stop - 1}) has {int(part[row].sum())} "
                    f"NaN of {m.stop - m.start} values. A missing modality is a "
                    "block of NaN only; fill partial gaps first (e.g. interpolate)"
                )
        empty = lacking.all(axis=1)
        if empty.any():
            row = int(np.flatnonzero(empty)[0])
            raise ValueError(
                f"{type(self).__name__}: row {row} has no modality (all NaN)"
            )

    def attention(self, X) -> dict[tuple[str, str], np.ndarray]:
        """Cross-modal attention weights of the fitted network on ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_columns)
            Samples, as in :meth:`fit`.

        Returns
        -------
        weights : dict
            ``(query, key)`` modality names → array of shape (n_samples,
            n_query_tokens, n_key_tokens), averaged over heads; each row sums
            to 1 over the key tokens, NaN where the key modality (or every
            other one) is missing. Tokens are regions of the input in order
            (a spectrum's band regions left to right, an image's patches row
            by row): see :meth:`token_extents`.

        Raises
        ------
        ValueError
            If the classifier does not fuse by attention.
        """
        if self.fusion != "attention":
            raise ValueError(
                f"attention weights exist for fusion='attention'; this "
                f"classifier fuses with {self.fusion!r}"
            )
        X = network_input(self, X)
        net = self.net_.module_.net
        out: dict[tuple[str, str], list[np.ndarray]] = {}
        for part, n in padded_chunks(
            net, X, self.net_.device, self.inference_precision
        ):
            _, maps = net.forward_with_attention(part)
            for key, value in maps.items():
                out.setdefault(key, []).append(value[:n].float().cpu().numpy())
        return {key: np.concatenate(parts) for key, parts in out.items()}

    def token_extents(self) -> dict[str, list[tuple[slice, ...]]]:
        """The input region of each token, per modality.

        Returns
        -------
        extents : dict of str to list
            Modality name → one entry per token, in the order of
            :meth:`attention`'s axes: ``(points,)`` slices within the
            spectrum, or ``(rows, columns)`` slices of the image.
        """
        net = self.module_
        return {
            b.name: enc.token_extents() for b, enc in zip(net.branches, net.features)
        }
