"""
GridSearchCV on Dask
====================

A grid search is many independent fits. With joblib's ``dask`` backend,
scikit-learn sends them to a dask.distributed cluster; here a local one with two
workers, on a real cluster a ``Client("tcp://scheduler:8786")``. The grid mixes
a 1-NN and CNNs with two learning rates, all in one pipeline.
"""

import matplotlib.pyplot as plt
from dask.distributed import Client, LocalCluster
from joblib import parallel_backend
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline

from sklearn_raman import (
    CompactResNet1DClassifier,
    LeNet1DClassifier,
    MinMaxPerSpectrum,
    make_spectra,
)

X, y = make_spectra(
    n_classes=4,
    n_samples_per_class=30,
    n_points=400,
    snr_db=8,
    shift=4.0,
    random_state=0,
)
pipe = Pipeline([("scale", MinMaxPerSpectrum()), ("clf", KNeighborsClassifier())])
grid = [
    {"clf": [KNeighborsClassifier(1, metric="cosine")]},
    {
        "clf": [
            LeNet1DClassifier(max_epochs=15, random_state=0),
            CompactResNet1DClassifier(max_epochs=15, random_state=0),
        ],
        "clf__lr": [1e-3, 3e-3],
    },
]
search = GridSearchCV(pipe, grid, cv=3, n_jobs=-1)

if __name__ == "__main__":
    # threads keep this example light; a real cluster uses worker processes
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        with parallel_backend("dask"):
            search.fit(X, y)
        print(f"{len(search.cv_results_['params'])} candidates x 3 folds on", client)
    print("best:", search.best_params_, f"accuracy {search.best_score_:.3f}")

    # %%
    # Cross-validated accuracy of every candidate.
    names = [
        type(p["clf"]).__name__.replace("Classifier", "")
        + (f" lr={p['clf__lr']:g}" if "clf__lr" in p else "")
        for p in search.cv_results_["params"]
    ]
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.barh(
        names,
        search.cv_results_["mean_test_score"],
        xerr=search.cv_results_["std_test_score"],
        color="tab:blue",
    )
    ax.set(xlim=(0, 1.05), xlabel="accuracy (3-fold CV)")
    fig.tight_layout()
    plt.show()
