"""
Transfer learning to new classes
================================

A network pre-trained on a large library of minerals is adapted to a few
spectra of new ones with ``fine_tune`` (Zhou et al. 2022): the output layer is
replaced for the new label set and the learnt feature extractor is kept. It is
compared with the same network trained from scratch on the same few spectra.
"""

import copy

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.model_selection import train_test_split

from sklearn_raman import CompactResNet1DClassifier, make_spectra

torch.set_num_threads(1)
common = dict(n_points=600, snr_db=20, shift=2.0)
# the library: 20 minerals, 20 spectra each
X_lib, y_lib = make_spectra(
    n_classes=20, n_samples_per_class=20, random_state=0, **common
)
# the target: 5 other minerals (another random draw of bands), 4 training
# spectra per class and 40 test spectra per class
X_new, y_new = make_spectra(
    n_classes=5, n_samples_per_class=44, random_state=1, **common
)
y_new = np.array([f"new {label}" for label in y_new])
X_few, X_test, y_few, y_test = train_test_split(
    X_new, y_new, train_size=20, stratify=y_new, random_state=0
)

params = dict(max_epochs=25, validation_fraction=0.0, random_state=0)
pretrained = CompactResNet1DClassifier(**params).fit(X_lib, y_lib)
print(f"library classes: {len(pretrained.classes_)}")

results = {}
for freeze in ("all", "features", None):
    model = copy.deepcopy(pretrained)  # fine_tune changes the model it is called on
    model.fine_tune(X_few, y_few, freeze=freeze, max_epochs=30, lr=2e-3)
    results[f"fine-tuned, freeze={freeze}"] = model.score(X_test, y_test)
scratch = CompactResNet1DClassifier(**{**params, "max_epochs": 30})
results["from scratch"] = scratch.fit(X_few, y_few).score(X_test, y_test)
for name, accuracy in results.items():
    print(f"{name:28s} accuracy {accuracy:.3f}")

# %%
# With four spectra per class, the features learnt on the library carry over.
fig, ax = plt.subplots(figsize=(6, 3))
ax.barh(list(results), list(results.values()), color="tab:blue")
ax.set(xlim=(0, 1), xlabel="test accuracy on the new classes")
fig.tight_layout()
plt.show()
