"""Synthetic paired data: an SEM-like image and an FTIR spectrum of aged particles."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter
from sklearn.utils import Bunch, check_random_state

from ..modalities import stack_modalities

#: polymer bands (cm-1, relative absorbance, FWHM) of the particles' base spectra
POLYMERS = {
    "PE": [(2915, 1.0, 30), (2848, 0.8, 25), (1470, 0.35, 20), (720, 0.25, 12)],
    "PP": [
        (2950, 0.8, 30),
        (2917, 1.0, 30),
        (2838, 0.5, 25),
        (1455, 0.45, 25),
        (1376, 0.4, 15),
        (1167, 0.2, 15),
        (973, 0.25, 12),
        (841, 0.15, 10),
    ],
    "PS": [
        (3026, 0.4, 25),
        (2920, 0.7, 35),
        (1601, 0.25, 12),
        (1492, 0.45, 12),
        (1452, 0.5, 14),
        (756, 0.6, 14),
        (698, 1.0, 14),
    ],
}
#: aging bands (cm-1, FWHM): hydroxyl, carbonyl, C=C, amide I / II, C-O
AGING_BANDS = {
    "OH": (3400, 260),
    "CO": (1720, 45),
    "CC": (1665, 25),
    "amide": (1545, 40),
    "CO_single": (1100, 80),
}
#: each aging type: surface texture of its images and the strength of its
#: aging bands. Pairs are alike in one modality and apart in the other, as in
#: the study: UV and thermal aging both crack the surface (spectra tell them
#: apart by hydroxyl against carbonyl), chemical aging pits it but oxidises
#: like thermal aging, biofilm and UV both add hydroxyl, wear barely shows in
#: the spectrum.
AGING_TYPES = {
    "pristine": ("smooth", {}),
    "uv": ("cracks", {"OH": 1.0, "CO": 0.35}),
    "thermal": ("cracks", {"CO": 1.0, "OH": 0.25}),
    "chemical": ("pits", {"CO": 0.9, "OH": 0.3, "CO_single": 0.3}),
    "physical": ("scratches", {"CC": 0.25}),
    "biological": ("patches", {"OH": 0.8, "amide": 0.5}),
    "natural": ("cracks+patches", {"OH": 0.7, "CO": 0.6}),
}


AGING_SCALE = 0.06


def _band(x: np.ndarray, centre: float, fwhm: float) -> np.ndarray:
    return np.exp(-4 * np.log(2) * ((x - centre) / fwhm) ** 2)


def _lines(img, rng, n, length, width, angle=None, value=-1.0, bend=0.0):
    """Draw ``n`` polylines of ``length`` pixels (cracks, scratches) into ``img``."""
    size = img.shape[0]
    for _ in range(n):
        y, x = rng.uniform(0, size, 2)
        theta = rng.uniform(0, np.pi) if angle is None else angle + rng.normal(0, 0.05)
        steps = int(length * rng.uniform(0.5, 1.0))
        for _ in range(steps):
            theta += rng.normal(0, bend)
            y, x = y + np.sin(theta), x + np.cos(theta)
            r, c = int(y) % size, int(x) % size
            w = max(1, int(round(width)))
            img[r : r + w, c : c + w] += value


def _texture(kind: str, severity: float, size: int, rng) -> np.ndarray:
    """An SEM-like grayscale surface (about 0..1) of one aging kind."""
    img = gaussian_filter(rng.normal(0, 1, (size, size)), size / 8) * 0.6
    img += rng.normal(0, 0.15, (size, size))  # grain
    detail = np.zeros((size, size))
    scale = size / 64
    if "cracks" in kind:
        n = int(rng.poisson(2 + 8 * severity))
        _lines(detail, rng, n, 30 * scale, 1, value=-1.0, bend=0.35)
    if kind == "pits":
        n = int(rng.poisson(4 + 20 * severity))
        yy, xx = np.mgrid[:size, :size]
        for _ in range(n):
            cy, cx = rng.uniform(0, size, 2)
            r = rng.uniform(1, 2.5) * scale
            detail[(yy - cy) ** 2 + (xx - cx) ** 2 <= r * r] -= 1.0
    if kind == "scratches":
        n = int(rng.poisson(2 + 6 * severity))
        _lines(detail, rng, n, 60 * scale, 1, angle=rng.uniform(0, np.pi), value=0.8)
    if "patches" in kind:
        blobs = gaussian_filter(rng.normal(0, 1, (size, size)), 3 * scale)
        cut = np.quantile(blobs, 1 - (0.05 + 0.2 * severity) / (1 + ("+" in kind)))
        detail += 0.8 * gaussian_filter((blobs > cut).astype(float), 1)
    img += detail * (0.6 + 0.8 * severity)
    img = gaussian_filter(img, 0.6)  # the microscope's blur
    contrast, brightness = rng.uniform(0.8, 1.2), rng.uniform(-0.15, 0.15)
    img = 0.5 + 0.25 * contrast * img + brightness
    return np.clip(img + rng.normal(0, 0.04, img.shape), 0, 1)


def _spectrum(x, polymer: str, bands: dict, severity: float, rng, snr: float):
    """An FTIR absorbance spectrum of an aged particle, scaled to about 0..1."""
    y = np.zeros_like(x)
    for centre, height, fwhm in POLYMERS[polymer]:
        y += (
            height * rng.uniform(0.85, 1.15) * _band(x + rng.normal(0, 2), centre, fwhm)
        )
    for name, weight in bands.items():
        centre, fwhm = AGING_BANDS[name]
        jitter = rng.uniform(0.3, 1.7)
        strength = AGING_SCALE * weight * severity * jitter
        y += strength * _band(x, centre + rng.normal(0, 5), fwhm)
    t = (x - x.min()) / np.ptp(x)
    y += rng.uniform(0, 0.25) + rng.uniform(-0.15, 0.15) * t  # baseline
    y += 0.1 * rng.uniform(0, 1) * np.exp(-((t - rng.uniform()) ** 2) / 0.1)
    y *= rng.uniform(0.7, 1.3)
    return y + rng.normal(0, 1.0 / snr, x.shape)


def make_multimodal(
    n_samples_per_class: int = 200,
    *,
    n_points: int = 1800,
    image_size: int = 64,
    wavenumber_range: tuple[float, float] = (400.0, 4000.0),
    snr: float = 40.0,
    mixed: float = 0.0,
    shuffle: bool = True,
    random_state=None,
) -> Bunch:
    """Paired SEM-like images and FTIR spectra of aged microplastic particles.

    In the spirit of Li et al. (2025): seven aging types (pristine, UV,
    thermal, chemical, physical wear, biological, natural), each particle
    with an image of its surface and an FTIR spectrum, both driven by one
    latent severity. Images carry the aging type's texture (smooth, cracks,
    pits, scratches, biofilm patches, cracks with patches) on a rough,
    blurred, noisy surface; spectra are a polymer (PE, PP or PS, drawn
    regardless of the aging type) with the type's aging bands (hydroxyl
    3400, carbonyl 1720, C=C 1665, amide 1545, C-O 1100 cm⁻¹) on a baseline,
    with noise. The modalities disagree by design about which types look
    alike — UV and thermal aging both crack the surface but oxidise
    differently, chemical and thermal aging oxidise alike but look different,
    wear hardly shows in a spectrum — so spectra alone separate the types
    weakly, images better, and both together best (measured in the
    documentation's benchmarks).

    Parameters
    ----------
    n_samples_per_class : int, default=200
        Particles per aging type (7 types: 1,400 by default, about the study's
        1,371).
    n_points : int, default=1800
        Points per spectrum, evenly spaced over ``wavenumber_range``.
    image_size : int, default=64
        Side of the square images (pixels).
    wavenumber_range : (float, float), default=(400.0, 4000.0)
        Spectral range in cm⁻¹.
    snr : float, default=40.0
        Spectrum noise: standard deviation 1 / ``snr`` of a spectrum scaled
        to about 1.
    mixed : float, default=0.0
        Share of particles aged by two causes: their image and spectrum add a
        second type's texture and bands (at a lower severity), their
        ``y_secondary`` names it.
    shuffle : bool, default=True
        Shuffle the samples.
    random_state : int, RandomState instance or None, default=None
        Seed.

    Returns
    -------
    data : Bunch
        ``X`` (n_samples, n_points + image_size²): spectrum and flattened
        image side by side; ``modalities`` for
        :class:`~sklearn_raman.MultimodalClassifier`; ``y`` (aging type);
        ``spectra``, ``images`` (n_samples, image_size, image_size),
        ``wavenumbers``, ``severity``, ``polymer``, ``y_secondary`` (the
        second cause, ``""`` for one), ``target_names``.

    Examples
    --------
    >>> from sklearn_raman.datasets import make_multimodal
    >>> data = make_multimodal(n_samples_per_class=5, random_state=0)
    >>> data.X.shape, data.modalities
    ((35, 5896), [('ftir', 1800), ('sem', (64, 64))])
    """
    if int(n_samples_per_class) < 1 or int(n_points) < 2 or int(image_size) < 4:
        raise ValueError(
            "make_multimodal needs n_samples_per_class >= 1, n_points >= 2 and "
            f"image_size >= 4; got {n_samples_per_class}, {n_points}, {image_size}"
        )
    if not 0 <= mixed <= 1:
        raise ValueError(f"mixed must be in [0, 1]; got {mixed!r}")
    if not snr > 0:
        raise ValueError(f"snr must be positive; got {snr!r}")
    rng = check_random_state(random_state)
    names = list(AGING_TYPES)
    x = np.linspace(*wavenumber_range, int(n_points))
    y = np.repeat(np.arange(len(names)), int(n_samples_per_class))
    n = len(y)
    severity = rng.uniform(0.2, 1.0, n)
    polymer = rng.choice(list(POLYMERS), n)
    secondary = np.full(n, -1)
    aged = np.flatnonzero((rng.uniform(size=n) < mixed) & (y > 0))
    for i in aged:
        secondary[i] = rng.choice([k for k in range(1, len(names)) if k != y[i]])
    spectra = np.empty((n, len(x)))
    images = np.empty((n, int(image_size), int(image_size)))
    for i in range(n):
        kind, bands = AGING_TYPES[names[y[i]]]
        image = _texture(kind, severity[i], int(image_size), rng)
        if secondary[i] >= 0:
            kind2, bands2 = AGING_TYPES[names[secondary[i]]]
            second = _texture(kind2, 0.6 * severity[i], int(image_size), rng)
            image = np.clip(0.5 * (image + second), 0, 1)
            bands = {
                k: bands.get(k, 0) + 0.6 * bands2.get(k, 0) for k in {*bands, *bands2}
            }
        images[i] = image
        spectra[i] = _spectrum(x, polymer[i], bands, severity[i], rng, snr)
    order = rng.permutation(n) if shuffle else np.arange(n)
    spectra, images = spectra[order], images[order]
    X, modalities = stack_modalities({"ftir": spectra, "sem": images})
    labels = np.array(names)
    return Bunch(
        X=X,
        y=labels[y[order]],
        modalities=modalities,
        spectra=spectra,
        images=images,
        wavenumbers=x,
        severity=severity[order],
        polymer=polymer[order],
        y_secondary=np.where(secondary[order] >= 0, labels[secondary[order]], ""),
        target_names=labels,
    )
