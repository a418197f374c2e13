"""
Deep vs classical: cross-validated comparison
=============================================

A CNN is an ordinary scikit-learn classifier here, so it is compared with kNN,
a random forest and PCA + SVM by the same ``cross_val_score`` on the same folds.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from sklearn_raman import (
    CompactResNet1DClassifier,
    MinMaxPerSpectrum,
    classical_baselines,
    make_spectra,
)

X, y = make_spectra(
    n_classes=8,
    n_samples_per_class=25,
    n_points=500,
    snr_db=15,
    shift=3.0,
    random_state=0,
)
models = {
    name: classical_baselines(random_state=0)[name]
    for name in ("knn1", "rf", "pca_linsvc")
}
# the package's recommended CPU net, with its own recipe (augmentation, one-cycle)
models["compact-resnet"] = CompactResNet1DClassifier(max_epochs=20, random_state=0)
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
scores = {
    name: cross_val_score(make_pipeline(MinMaxPerSpectrum(), model), X, y, cv=cv)
    for name, model in models.items()
}
for name, s in scores.items():
    print(f"{name:>13}: {s.mean():.3f} ± {s.std():.3f}")

# %%
fig, ax = plt.subplots(figsize=(6, 3))
names = list(scores)
ax.bar(
    names,
    [scores[n].mean() for n in names],
    yerr=[scores[n].std() for n in names],
    capsize=4,
    color="tab:blue",
)
ax.set(ylabel="accuracy (3-fold CV)", ylim=(0, 1.05))
ax.axhline(1 / len(np.unique(y)), color="grey", ls=":", label="chance")
ax.legend()
fig.tight_layout()
plt.show()
