"""The model file of an identifier: a skops dict, as ``train`` writes it."""

from __future__ import annotations

import os

from .. import __version__

#: what a model file written by :meth:`SpectrumIdentifier.save` holds
BUNDLE_KEYS = ("pipeline", "reference_spectra", "grid", "classes", "x_kind")


def set_fitted(
    identifier,
    pipeline,
    *,
    reference_spectra,
    x_kind,
    n_spectra,
    trained_on,
    class_counts=None,
    trained_at=None,
    version=__version__,
) -> None:
    """Set the fitted attributes of ``identifier`` from its fitted pipeline."""
    identifier.pipeline_ = pipeline
    open_set = pipeline[-1]
    identifier.classes_ = open_set.classes_
    identifier.grid_ = pipeline.named_steps["spectrumresampler"].grid_
    identifier.reference_spectra_ = reference_spectra
    identifier.x_kind_ = x_kind
    identifier.n_spectra_ = int(n_spectra)
    identifier.trained_on_ = trained_on
    # older model files hold no counts or date: None
    identifier.class_counts_ = (
        None if class_counts is None else [int(n) for n in class_counts]
    )
    identifier.trained_at_ = trained_at
    identifier.version_ = version
    identifier.threshold_ = float(open_set.threshold_)
    # measured on materials held out whole (calibration="classes"), else NaN
    identifier.unknown_rejection_ = float(
        getattr(open_set, "unknown_rejection_", float("nan"))
    )
    # files written before novelty_score="auto" hold no novelty_score_
    identifier.novelty_score_ = getattr(
        open_set, "novelty_score_", open_set.novelty_score
    )


def save_bundle(identifier, path) -> None:
    """Write ``identifier`` (fitted) as the dict of a ``train`` model file."""
    from .. import persistence

    model = identifier.model
    bundle = {
        "pipeline": identifier.pipeline_,
        "reference_spectra": identifier.reference_spectra_,
        "classes": identifier.classes_,
        "grid": identifier.grid_,
        "x_kind": identifier.x_kind_,
        "model": model if isinstance(model, str) else type(model).__name__,
        "params": identifier.get_params(deep=False),
        "n_spectra": identifier.n_spectra_,
        "trained_on": identifier.trained_on_,
        "class_counts": getattr(identifier, "class_counts_", None),
        "trained_at": getattr(identifier, "trained_at_", None),
        "sklearn_raman_version": __version__,
    }
    folder = os.path.dirname(os.fspath(path))
    if folder:
        os.makedirs(folder, exist_ok=True)
    persistence.dump(bundle, path)


def load_bundle(cls, path, *, trusted=()):
    """An identifier of class ``cls`` from a ``train`` model file."""
    from .. import persistence

    bundle = persistence.load(path, trusted=trusted)
    if not isinstance(bundle, dict) or set(BUNDLE_KEYS) - set(bundle):
        raise ValueError(
            f"{path} is not a model written by `python -m sklearn_raman train` "
            f"or SpectrumIdentifier.save (it holds a {type(bundle).__name__}); "
            "load it with sklearn_raman.persistence.load"
        )
    # files of an earlier version keep only the model's name
    params = bundle.get("params") or {"model": bundle.get("model", "recommended")}
    identifier = cls(**params)
    set_fitted(
        identifier,
        bundle["pipeline"],
        reference_spectra=bundle["reference_spectra"],
        x_kind=bundle["x_kind"],
        n_spectra=bundle.get("n_spectra", 0),
        trained_on=bundle.get("trained_on"),
        class_counts=bundle.get("class_counts"),
        trained_at=bundle.get("trained_at"),
        version=bundle.get("sklearn_raman_version"),
    )
    return identifier
