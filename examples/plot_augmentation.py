"""
Augmentation for imbalanced classes
===================================

``ShiftNoiseAugmenter`` is an imbalanced-learn sampler: inside
``imblearn.pipeline.Pipeline`` it adds shifted, rescaled, noisy copies of the
training spectra, balancing the classes, and is skipped at predict time.
"""

from collections import Counter

import matplotlib.pyplot as plt
from imblearn.pipeline import Pipeline
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

from sklearn_raman import MinMaxPerSpectrum, ShiftNoiseAugmenter, make_spectra

X, y, wn = make_spectra(
    n_classes=4,
    n_samples_per_class=[120, 40, 12, 6],
    shift=4.0,
    snr_db=18,
    return_wavenumbers=True,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
print("training counts:", dict(sorted(Counter(y_train.tolist()).items())))

plain = Pipeline([("norm", MinMaxPerSpectrum()), ("knn", KNeighborsClassifier(5))])
augmented = Pipeline(
    [
        ("norm", MinMaxPerSpectrum()),
        (
            "augment",
            ShiftNoiseAugmenter(shift=4.0, snr_db=30, wavenumbers=wn, random_state=0),
        ),
        ("knn", KNeighborsClassifier(5)),
    ]
)
for name, model in [("plain", plain), ("augmented", augmented)]:
    model.fit(X_train, y_train)
    score = balanced_accuracy_score(y_test, model.predict(X_test))
    print(f"{name:>9}: balanced accuracy {score:.3f}")

# %%
# An original spectrum of the rarest class and three of its augmented copies.
X_res, y_res = augmented[:2].fit_resample(X_train, y_train)
print("after augmentation:", dict(sorted(Counter(y_res.tolist()).items())))
rare = y_res == 3
fig, ax = plt.subplots(figsize=(9, 3.5))
ax.plot(wn, X_res[rare][0], color="k", lw=1.2, label="original")
for row in X_res[rare][-3:]:
    ax.plot(wn, row, lw=0.6, alpha=0.8)
ax.set(xlabel="Raman shift (cm$^{-1}$)", xlim=(wn[0], wn[-1]))
ax.legend()
fig.tight_layout()
plt.show()
