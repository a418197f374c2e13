"""
Grad-CAM: which bands did the network use?
==========================================

A CNN is trained on three synthetic minerals; ``grad_cam`` shows, for a spectrum
of each, the points that raised its predicted class's score. The learnt
embeddings are then mapped to 2-D with t-SNE, as in the embedding plots of
Li et al. (2025).
"""

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.model_selection import train_test_split

from sklearn_raman import CompactResNet1DClassifier, make_spectra
from sklearn_raman.inspection import grad_cam, tsne_embedding
from sklearn_raman.plotting import plot_embedding, plot_saliency, plot_spectra

torch.set_num_threads(1)  # small data: one thread is fastest
X, y, wavenumbers = make_spectra(
    n_classes=3,
    n_samples_per_class=60,
    n_points=600,
    n_peaks=4,
    random_state=3,
    return_wavenumbers=True,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
cnn = CompactResNet1DClassifier(max_epochs=15, random_state=0).fit(X_train, y_train)
print(f"test accuracy: {cnn.score(X_test, y_test):.3f}")

# %%
# The classes' mean spectra: where the bands of each mineral lie.
plot_spectra(X_train, y_train, wavenumbers, mean_std=True)
plt.show()

# %%
# Relevance of every point for the predicted class, one test spectrum per class.
# The shading follows the bands that tell the classes apart.
relevance = grad_cam(cnn, X_test)
fig, axes = plt.subplots(3, 1, figsize=(7, 7), sharex=True)
for ax, label in zip(axes, np.unique(y_test)):
    i = int(np.flatnonzero(y_test == label)[0])
    plot_saliency(X_test[i], relevance[i], wavenumbers, ax=ax)
    ax.set_title(f"class {label}, predicted {cnn.predict(X_test[i : i + 1])[0]}")
fig.tight_layout()
plt.show()

# %%
# t-SNE of the penultimate-layer embeddings of the test spectra: the network
# has learnt features in which the classes form separate clusters.
coordinates = tsne_embedding(cnn, X_test, random_state=0)
plot_embedding(coordinates, y_test)
plt.show()
