"""
Fusing an SEM image and an FTIR spectrum of each particle
=========================================================

How a microplastic particle aged (UV, heat, chemicals, wear, biofilm, ...)
shows in its surface and in its infrared spectrum, but each alone tells some
causes apart poorly: UV and heat both crack the surface, heat and chemicals
both oxidise it. Here synthetic particles (``make_multimodal``) are classified
from the spectrum alone, the image alone, and both fused by cross-modal
attention; the attention between spectral bands and image patches is drawn,
and the fused embedding is mapped with t-SNE and checked with scikit-learn's
metric learning (``NeighborhoodComponentsAnalysis``).
"""

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier, NeighborhoodComponentsAnalysis
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_raman import MinMaxPerSpectrum, MultimodalClassifier, make_multimodal
from sklearn_raman.inspection import tsne_embedding
from sklearn_raman.plotting import plot_attention, plot_embedding

torch.set_num_threads(1)  # small data: one thread is fastest
data = make_multimodal(
    n_samples_per_class=60, n_points=600, image_size=32, random_state=0
)

# %%
# Each particle: an SEM-like image of its surface and an FTIR spectrum (one
# of each of four aging types shown).
fig, axes = plt.subplots(2, 4, figsize=(12, 5))
for k, kind in enumerate(["pristine", "uv", "thermal", "chemical"]):
    i = np.flatnonzero(data.y == kind)[0]
    axes[0, k].imshow(data.images[i], cmap="gray", vmin=0, vmax=1)
    axes[0, k].set_title(kind)
    axes[0, k].axis("off")
    axes[1, k].plot(data.wavenumbers, data.spectra[i], lw=0.8)
    axes[1, k].set_xlabel("wavenumber (cm$^{-1}$)")
fig.tight_layout()
plt.show()

# %%
# ``X`` holds the spectrum and the flattened image side by side; the
# ``modalities`` parameter says where each lies. Spectra are min-max scaled;
# the network standardises each image itself.
spectra = MinMaxPerSpectrum().fit_transform(data.spectra)
X = np.hstack([spectra, data.images.reshape(len(data.y), -1)])
y = data.y
train, test = train_test_split(np.arange(len(y)), stratify=y, random_state=0)
n = spectra.shape[1]
settings = {
    "spectrum only": (X[:, :n], [("ftir", n)], "concat"),
    "image only": (X[:, n:], [("sem", (32, 32))], "concat"),
    "attention fusion": (X, data.modalities, "attention"),
}
models = {}
for name, (Xi, modalities, fusion) in settings.items():
    clf = MultimodalClassifier(
        modalities=modalities, fusion=fusion, max_epochs=25, random_state=0
    )
    models[name] = clf.fit(Xi[train], y[train])
    print(f"{name:17s} top-1 {clf.score(Xi[test], y[test]):.2f}")

# %%
# Which bands attend to which patches: the weights of the band tokens
# (queries) over the image patches (keys), averaged over the test particles
# aged by UV.
fused = models["attention fusion"]
uv = test[y[test] == "uv"]
weights = fused.attention(X[uv])["ftir", "sem"]
plot_attention(weights, fused.token_extents()["ftir"], data.wavenumbers)
plt.show()

# %%
# The fused embedding (the input of the output layer), mapped by t-SNE, and
# a 1-nearest-neighbour classifier on it after Mahalanobis metric learning
# (NCA), trained on the training particles' embeddings.
emb_train, emb_test = fused.transform(X[train]), fused.transform(X[test])
nca = make_pipeline(
    StandardScaler(),
    NeighborhoodComponentsAnalysis(n_components=8, random_state=0),
    KNeighborsClassifier(1),
).fit(emb_train, y[train])
print(f"NCA + 1-NN on the fused embedding: top-1 {nca.score(emb_test, y[test]):.2f}")
plot_embedding(tsne_embedding(fused, X[test], random_state=0), y[test])
plt.show()
