"""
Spectra as images: GAF, MTF, scalogram and a 2D CNN
===================================================

Part of the literature classifies spectra as images. The same spectrum is shown
here as a 1D signal and as three of the encodings the 2D classifiers compute
inside their network: a Gramian Angular Summation Field, a Markov Transition
Field and a wavelet scalogram. A 2D LeNet is trained on the spectra (it makes
the images itself, batch by batch), and its Grad-CAM relevance is handed back
from the image to the spectrum's axis.
"""

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sklearn_raman import (
    LeNet2DClassifier,
    MinMaxPerSpectrum,
    SpectrumImager,
    make_spectra,
)
from sklearn_raman.inspection import grad_cam
from sklearn_raman.plotting import plot_saliency

torch.set_num_threads(1)  # small data: one thread is fastest
X, y, wavenumbers = make_spectra(
    n_classes=3,
    n_samples_per_class=60,
    n_points=600,
    n_peaks=4,
    random_state=3,
    return_wavenumbers=True,
)
X = MinMaxPerSpectrum().fit_transform(X)

# %%
# One spectrum, four ways. Pixel (i, j) of a field relates positions i and j
# of the spectrum (reduced to 64 segments); the scalogram's rows are scales
# (fine at the top) and its columns positions.
encodings = ("gasf", "mtf", "cwt")
images = SpectrumImager(encoding=encodings, image_size=64).fit_transform(X[:1])
images = images.reshape(len(encodings), 64, 64)
fig, axes = plt.subplots(1, 4, figsize=(12, 3))
axes[0].plot(wavenumbers, X[0])
axes[0].set_xlabel("Raman shift (cm$^{-1}$)")
axes[0].set_title("spectrum")
for ax, name, image in zip(axes[1:], encodings, images):
    ax.imshow(image, cmap="viridis", origin="upper")
    ax.set_title(name.upper())
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
plt.show()

# %%
# A 2D LeNet on Gramian Angular Fields of 64 px: spectra in, images inside.
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
cnn = LeNet2DClassifier(
    encoding="gasf", image_size=64, lr=1e-3, max_epochs=30, random_state=0
)
model = make_pipeline(MinMaxPerSpectrum(), cnn).fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")

# %%
# Where the 2D net looks, on the spectrum: the Grad-CAM map of its image goes
# back to the points of the spectrum (a pixel (i, j) to segments i and j).
relevance = grad_cam(model, X_test)
fig, axes = plt.subplots(3, 1, figsize=(7, 7), sharex=True)
for ax, label in zip(axes, np.unique(y_test)):
    i = int(np.flatnonzero(y_test == label)[0])
    plot_saliency(X_test[i], relevance[i], wavenumbers, ax=ax)
    ax.set_title(f"class {label}, predicted {model.predict(X_test[i : i + 1])[0]}")
fig.tight_layout()
plt.show()
