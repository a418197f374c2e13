"""The recipe for raw spectra: spikes, then a baseline, on each spectrum's own axis."""

from __future__ import annotations

from sklearn.pipeline import make_pipeline

from ._baseline import BaselineCorrector
from ._despike import CosmicRayRemover
from ._native import OnNativeAxis


def native_steps(baseline: str | None) -> list:
    """The pipeline steps that clean raw spectra before resampling.

    Cosmic-ray spikes are removed first (a spike pulls a fitted baseline up),
    then a pybaselines baseline of method ``baseline`` is subtracted, each
    spectrum on its own measured axis (:class:`OnNativeAxis`), so that no
    grid point filled by a later :class:`SpectrumResampler` enters the
    baseline. On RRUFF's raw files this lifts 1-NN accuracy from 0.83 to 0.92
    (``benchmarks/raw_recipe.py``).

    Parameters
    ----------
    baseline : str or None
        A method of :data:`BASELINE_METHODS` (e.g. ``"arpls"``), or ``None`` /
        ``"none"`` for spectra already corrected.

    Returns
    -------
    steps : list of transformers
        ``[]`` without a baseline, else one :class:`OnNativeAxis` step: put
        them in front of the resampler, ``make_pipeline(*native_steps("arpls"),
        SpectrumResampler(), ...)``.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.preprocessing import SpectrumResampler, native_steps
    >>> spectra, y = make_spectra(n_classes=2, n_samples_per_class=3, ragged=True,
    ...                           random_state=0)
    >>> prep = make_pipeline(*native_steps("arpls"), SpectrumResampler(step=4))
    >>> prep.fit_transform(spectra).shape[0]
    6
    >>> native_steps(None)
    []
    """
    if baseline in (None, "none"):
        return []
    return [
        OnNativeAxis(
            make_pipeline(CosmicRayRemover(), BaselineCorrector(method=baseline))
        )
    ]
