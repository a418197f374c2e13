"""Synthetic Raman-like spectra: the package's embedded default data."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.special import voigt_profile
from sklearn.utils import check_random_state

from .._noise import NOISE_KINDS, add_noise_at

_FWHM_TO_SIGMA = 1.0 / (2.0 * np.sqrt(2.0 * np.log(2.0)))


def _peaks(x: np.ndarray, centres: np.ndarray, fwhm: np.ndarray, shape: str):
    """Unit-height peak profiles; ``x`` (..., 1, n_points), params (..., k, 1)."""
    d = x - centres
    if shape == "lorentzian":
        return 1.0 / (1.0 + (2.0 * d / fwhm) ** 2)
    if shape == "gaussian":
        return np.exp(-0.5 * (d / (fwhm * _FWHM_TO_SIGMA)) ** 2)
    # Voigt with Gaussian and Lorentzian parts sharing the width (total FWHM ~ fwhm)
    sigma, gamma = 0.6 * fwhm * _FWHM_TO_SIGMA, 0.3 * fwhm
    return voigt_profile(d, sigma, gamma) / voigt_profile(0.0, sigma, gamma)


def _response(t: np.ndarray, coefs: np.ndarray) -> np.ndarray:
    """Smooth positive curves between e^-1 and e on ``t`` in [-1, 1], per row."""
    curve = np.polynomial.polynomial.polyval(t, coefs.T)
    scale = np.abs(curve).max(axis=-1, keepdims=True)
    return np.exp(curve / np.where(scale > 0, scale, 1.0))


def _class_counts(n_classes, n_samples_per_class, weights) -> np.ndarray:
    if isinstance(n_samples_per_class, Sequence | np.ndarray):
        counts = np.asarray(n_samples_per_class, dtype=int)
        if counts.shape != (n_classes,):
            raise ValueError(
                f"n_samples_per_class has {counts.size} entries for {n_classes} classes"
            )
        if weights is not None:
            raise ValueError("give weights or per-class counts, not both")
    else:
        counts = np.full(n_classes, int(n_samples_per_class))
        if weights is not None:
            w = np.asarray(weights, dtype=float)
            if w.shape != (n_classes,) or (w < 0).any() or w.sum() == 0:
                raise ValueError(
                    f"weights must be {n_classes} non-negative numbers; got {weights}"
                )
            counts = np.round(w / w.sum() * counts.sum()).astype(int)
    if (counts < 1).any():
        raise ValueError(f"every class needs at least one spectrum; counts {counts}")
    return counts


def make_spectra(
    n_classes: int = 3,
    n_samples_per_class: int | Sequence[int] = 30,
    n_points: int = 1000,
    *,
    wavenumber_range: tuple[float, float] = (200.0, 1800.0),
    n_peaks: int | tuple[int, int] = (3, 8),
    peak_width: tuple[float, float] = (4.0, 20.0),
    peak_shape: str = "voigt",
    amplitude_jitter: float = 0.1,
    shift: float = 2.0,
    scale: tuple[float, float] = (0.5, 2.0),
    baseline: str | None = "polynomial",
    baseline_amplitude: float = 0.5,
    noise: str = "gaussian",
    snr_db: float | None = 30.0,
    weights: Sequence[float] | None = None,
    n_families: int | None = None,
    family_spread: float = 10.0,
    n_instruments: int = 1,
    instrument_shift: float = 5.0,
    instrument_response: float = 0.3,
    ragged: bool = False,
    shuffle: bool = True,
    return_wavenumbers: bool = False,
    return_groups: bool = False,
    random_state=None,
):
    """Generate Raman-like spectra of several classes.

    Each class has its own set of bands (position, width, relative height).
    Every spectrum of a class redraws the band heights around the class values,
    shifts all bands together, scales the intensity, adds a smooth fluorescence
    baseline and noise: the variability real spectra of one substance show.

    Two options make the data as hard as a lab's: classes in families of
    similar spectra (``n_families``: the bands of a family's classes lie within
    ``family_spread`` of each other, like a mineral series or polymers of one
    kind), and several instruments (``n_instruments``), each with its own
    calibration offset, resolution and spectral response, so that a model must
    carry what it learnt on some instruments to another (``return_groups``
    gives each spectrum's instrument, for a grouped split).

    Parameters
    ----------
    n_classes : int, default=3
        Number of classes (labels ``0 .. n_classes - 1``).
    n_samples_per_class : int or sequence of int, default=30
        Spectra per class, or one count per class.
    n_points : int, default=1000
        Points per spectrum (the length of the common axis).
    wavenumber_range : (float, float), default=(200, 1800)
        First and last wavenumber in cm⁻¹.
    n_peaks : int or (int, int), default=(3, 8)
        Bands per class, or the inclusive range it is drawn from.
    peak_width : (float, float), default=(4, 20)
        Range of band full widths at half maximum, cm⁻¹.
    peak_shape : {"voigt", "lorentzian", "gaussian"}, default="voigt"
        Band profile.
    amplitude_jitter : float, default=0.1
        Relative std of each band's height from spectrum to spectrum.
    shift : float, default=2.0
        Largest absolute shift of all bands of a spectrum, drawn uniformly in
        ``[-shift, shift]``, cm⁻¹ (calibration drift); the meaning of ``shift``
        everywhere in the package.
    scale : (float, float), default=(0.5, 2.0)
        Range of the random overall intensity factor.
    baseline : {"polynomial", "linear"} or None, default="polynomial"
        Kind of smooth background: a random cubic, a random slope, or none.
    baseline_amplitude : float, default=0.5
        Height of the background relative to the strongest band.
    noise : {"gaussian", "poisson"}, default="gaussian"
        Additive Gaussian noise, or shot noise (counts drawn from a Poisson law).
    snr_db : float or None, default=30.0
        Ratio of each spectrum's intensity range (bands and background, before
        noise) to the noise std, in dB (``20 log10``); for Poisson noise, the
        counts above the spectrum's minimum at its strongest point are
        ``10 ** (snr_db / 10)``. The package's one SNR definition, shared with
        :func:`~sklearn_raman.robustness.add_noise` and the augmenters.
        ``None``: no noise.
    weights : sequence of float, default=None
        Class proportions (as in :func:`sklearn.datasets.make_classification`);
        the total stays ``n_classes * n_samples_per_class``.
    n_families : int or None, default=None
        Group the classes (in turn) into this many families; the classes of a
        family share band count and widths, their band positions differ by up
        to ``family_spread``, their heights are their own. None: every class
        draws its own bands.
    family_spread : float, default=10.0
        Largest offset, cm⁻¹, of a class's bands from its family's.
    n_instruments : int, default=1
        Instruments the spectra are measured on (the spectra of each class in
        turn). Each shifts every band by its own offset (uniform in
        ``[-instrument_shift, instrument_shift]`` cm⁻¹), broadens or narrows
        the bands by its own factor (0.8 to 1.25) and multiplies the spectrum
        by its own smooth response.
    instrument_shift : float, default=5.0
        Largest calibration offset of an instrument, cm⁻¹.
    instrument_response : float, default=0.3
        Amplitude of an instrument's spectral response: a smooth factor between
        ``exp(-instrument_response)`` and ``exp(instrument_response)``.
    ragged : bool, default=False
        Return each spectrum on its own axis: a list of ``(wavenumbers,
        intensities)`` pairs whose ranges and lengths differ a little, as files
        from different instruments do.
    shuffle : bool, default=True
        Shuffle the spectra (otherwise they are ordered by class).
    return_wavenumbers : bool, default=False
        Also return the common axis.
    return_groups : bool, default=False
        Also return each spectrum's instrument (``0 .. n_instruments - 1``).
    random_state : int, RandomState instance or None, default=None
        Seed, for reproducible data.

    Returns
    -------
    X : ndarray of shape (n_samples, n_points), or list of (ndarray, ndarray)
        The spectra (a list of pairs when ``ragged``).
    y : ndarray of shape (n_samples,)
        Integer class labels.
    wavenumbers : ndarray of shape (n_points,)
        The common axis (only with ``return_wavenumbers=True``).
    groups : ndarray of shape (n_samples,)
        The instrument of each spectrum (only with ``return_groups=True``).

    Examples
    --------
    >>> from sklearn_raman import make_spectra
    >>> X, y, wn = make_spectra(n_classes=4, n_samples_per_class=10, n_points=500,
    ...                         return_wavenumbers=True, random_state=0)
    >>> X.shape, y.shape, wn[[0, -1]]
    ((40, 500), (40,), array([ 200., 1800.]))
    """
    if n_classes < 1 or n_points < 1:
        raise ValueError(
            f"need n_classes >= 1 and n_points >= 1; got {n_classes}, {n_points}"
        )
    if peak_shape not in ("voigt", "lorentzian", "gaussian"):
        raise ValueError(f"unknown peak_shape {peak_shape!r}")
    if baseline not in ("polynomial", "linear", None):
        raise ValueError(f"unknown baseline {baseline!r}")
    if noise not in NOISE_KINDS:
        raise ValueError(f"unknown noise {noise!r}")
    if n_families is not None and not 1 <= n_families <= n_classes:
        raise ValueError(
            f"n_families must be between 1 and n_classes ({n_classes}); "
            f"got {n_families}"
        )
    if n_instruments < 1:
        raise ValueError(f"n_instruments must be >= 1; got {n_instruments}")
    lo, hi = map(float, wavenumber_range)
    if not hi > lo:
        raise ValueError(f"wavenumber_range must be increasing; got {wavenumber_range}")
    rng = check_random_state(random_state)
    counts = _class_counts(n_classes, n_samples_per_class, weights)
    k_lo, k_hi = (n_peaks, n_peaks) if np.isscalar(n_peaks) else n_peaks
    span = hi - lo

    # class templates, padded to the largest band count with zero heights;
    # with families, a class takes its family's bands, moved a little
    k_max = int(k_hi)
    n_templates = n_classes if n_families is None else n_families
    family = np.arange(n_classes) % n_templates
    n_bands = rng.randint(int(k_lo), int(k_hi) + 1, n_templates)[family]
    centres = rng.uniform(lo + 0.05 * span, hi - 0.05 * span, (n_templates, k_max))
    widths = rng.uniform(*peak_width, (n_templates, k_max))[family]
    centres = centres[family]
    if n_families is not None:
        centres = centres + rng.uniform(-1, 1, centres.shape) * family_spread
    heights = rng.uniform(0.2, 1.0, (n_classes, k_max))
    heights[np.arange(k_max)[None, :] >= n_bands[:, None]] = 0.0
    heights[np.arange(n_classes), rng.randint(0, n_bands)] = 1.0

    y = np.repeat(np.arange(n_classes), counts)
    n = y.size
    # instruments: the spectra of each class in turn; offset, resolution, response
    instrument = np.concatenate([np.arange(c) % n_instruments for c in counts])
    offsets = rng.uniform(-1, 1, n_instruments) * instrument_shift
    resolution = np.exp(rng.uniform(np.log(0.8), np.log(1.25), n_instruments))
    response = rng.uniform(-1, 1, (n_instruments, 4))
    if ragged:
        starts = lo + rng.uniform(0, 0.05, n) * span
        stops = hi - rng.uniform(0, 0.05, n) * span
        sizes = np.maximum(2, np.round(n_points * rng.uniform(0.8, 1.0, n))).astype(int)
        axes = [np.linspace(a, b, m) for a, b, m in zip(starts, stops, sizes)]
    else:
        axes = [np.linspace(lo, hi, n_points)] if n_points > 1 else [np.array([lo])]

    band_h = heights[y] * np.clip(
        1 + amplitude_jitter * rng.standard_normal((n, k_max)), 0, None
    )
    band_c = centres[y] + rng.uniform(-shift, shift, (n, 1)) + offsets[instrument, None]
    band_w = widths[y] * resolution[instrument, None]
    factor = rng.uniform(*scale, (n, 1))
    coefs = (
        rng.uniform(-1, 1, (n, 4))
        if baseline == "polynomial"
        else rng.uniform(-1, 1, (n, 2))
    )

    spectra = []
    for i0 in range(0, n, 256):  # chunks bound the (chunk, bands, points) array
        idx = np.arange(i0, min(i0 + 256, n))
        for j in idx if ragged else [idx]:
            x = axes[j] if ragged else axes[0]
            jj = np.atleast_1d(j)
            clean = np.einsum(
                "nk,nkp->np",
                band_h[jj],
                _peaks(
                    x[None, None, :],
                    band_c[jj][:, :, None],
                    band_w[jj][:, :, None],
                    peak_shape,
                ),
            )
            peak = clean.max(axis=1, keepdims=True)
            peak[peak == 0] = 1.0
            if baseline is not None:
                t = (x - lo) / span * 2 - 1
                curve = np.polynomial.polynomial.polyval(t, coefs[jj].T)
                curve -= curve.min(axis=1, keepdims=True)
                top = curve.max(axis=1, keepdims=True)
                top[top == 0] = 1.0
                clean = clean + baseline_amplitude * peak * curve / top
            clean = clean * factor[jj]
            if n_instruments > 1 and instrument_response:
                clean = (
                    clean
                    * _response((x - lo) / span * 2 - 1, response[instrument[jj]])
                    ** instrument_response
                )
            if snr_db is not None:
                clean = add_noise_at(clean, snr_db, noise, rng)
            spectra.extend(clean) if ragged else spectra.append(clean)

    order = rng.permutation(n) if shuffle else np.arange(n)
    y = y[order]
    if ragged:
        X = [(axes[i], spectra[i]) for i in order]
    else:
        X = np.concatenate(spectra)[order]
    out = [X, y]
    if return_wavenumbers:
        out.append(np.linspace(lo, hi, n_points) if n_points > 1 else np.array([lo]))
    if return_groups:
        out.append(instrument[order])
    return tuple(out)
