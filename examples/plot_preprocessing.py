"""
Preprocessing raw spectra: spikes, baseline, smoothing
======================================================

Raw Raman spectra carry a fluorescence background, cosmic-ray spikes and noise.
A preprocessing pipeline removes them before classification; every step is a
scikit-learn transformer, so the chain is cross-validated as one model.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.pipeline import make_pipeline

from sklearn_raman import (
    BaselineCorrector,
    CosmicRayRemover,
    MinMaxPerSpectrum,
    SavitzkyGolay,
    make_spectra,
)

X, y, wn = make_spectra(
    n_classes=2,
    n_samples_per_class=3,
    n_points=1200,
    baseline="polynomial",
    baseline_amplitude=2.0,
    snr_db=28,
    return_wavenumbers=True,
    random_state=3,
)
rng = np.random.default_rng(0)
raw = X.copy()
raw[np.arange(6), rng.integers(100, 1100, 6)] += 3 * X.max(axis=1)  # cosmic rays

prep = make_pipeline(
    CosmicRayRemover(),
    BaselineCorrector(method="arpls", method_params={"lam": 1e6}, wavenumbers=wn),
    SavitzkyGolay(window_length=9, polyorder=3, wavenumbers=wn),
    MinMaxPerSpectrum(),
)
clean = prep.fit_transform(raw)

# %%
fig, axes = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
axes[0].plot(wn, raw[0], lw=0.7, label="raw: background + spikes + noise")
despiked = prep[0].transform(raw[:1])[0]
baseline = despiked - prep[:2].transform(raw[:1])[0]
axes[0].plot(wn, baseline, lw=1.0, label="estimated baseline")
axes[0].legend(fontsize=8)
axes[1].plot(wn, clean[0], lw=0.8, color="k")
axes[1].set(xlabel="Raman shift (cm$^{-1}$)", title="after the pipeline")
fig.tight_layout()
plt.show()
print("spikes found per spectrum:", prep[0].spike_mask(raw).sum(axis=1))
