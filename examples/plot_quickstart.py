"""
Quickstart: from ragged spectra to a cross-validated classifier
===============================================================

Spectra from files come on their own wavenumber axes. ``SpectrumResampler``
brings them onto one grid, ``MinMaxPerSpectrum`` scales each to [0, 1] (the
normalisation of the RRUFF papers), and any scikit-learn classifier follows.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline

from sklearn_raman import MinMaxPerSpectrum, SpectrumResampler, make_spectra

spectra, y = make_spectra(
    n_classes=5, n_samples_per_class=30, ragged=True, random_state=0
)
print(
    f"{len(spectra)} spectra; lengths {min(len(w) for w, _ in spectra)} .. "
    f"{max(len(w) for w, _ in spectra)} points"
)

model = make_pipeline(
    SpectrumResampler(start=300, stop=1700, step=2),
    MinMaxPerSpectrum(),
    KNeighborsClassifier(n_neighbors=1, metric="cosine"),
)
scores = cross_val_score(model, spectra, y, cv=5)
print(f"1-NN (cosine) accuracy: {scores.mean():.3f} ± {scores.std():.3f}")

# %%
# What the first two steps do to one spectrum per class.
prep = model[:2].fit(spectra)
X = prep.transform(spectra)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
for label in np.unique(y):
    i = int(np.flatnonzero(y == label)[0])
    axes[0].plot(*spectra[i], lw=0.8, label=f"class {label}")
    axes[1].plot(prep[0].grid_, X[i] + label, lw=0.8)
axes[0].set(title="as measured", xlabel="Raman shift (cm$^{-1}$)", ylabel="counts")
axes[1].set(
    title="resampled, min-max (offset per class)", xlabel="Raman shift (cm$^{-1}$)"
)
axes[0].legend(fontsize=7)
fig.tight_layout()
plt.show()
