"""Grid search over the deep and classical models on a dask.distributed cluster."""

import numpy as np
import pytest

distributed = pytest.importorskip(
    "distributed", reason="dask.distributed is the optional 'dask' extra"
)
from joblib import parallel_backend  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_validate  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402

from sklearn_raman import LeNet1DClassifier, MinMaxPerSpectrum, make_spectra  # noqa: E402


@pytest.fixture(scope="module")
def client():
    # two worker processes, as on a real cluster: estimators travel pickled
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            worker_dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _search():
    pipe = Pipeline([("scale", MinMaxPerSpectrum()), ("clf", KNeighborsClassifier())])
    grid = {
        "clf": [
            KNeighborsClassifier(1),
            LeNet1DClassifier._create_test_instance(max_epochs=4),
            LeNet1DClassifier._create_test_instance(max_epochs=4, lr=3e-3),
        ]
    }
    return GridSearchCV(pipe, grid, cv=2, n_jobs=-1)


def test_grid_search_with_a_cnn_on_a_local_cluster(client):
    X, y = make_spectra(
        n_classes=3, n_samples_per_class=12, n_points=200, random_state=0
    )
    with distributed.get_task_stream(client) as stream:
        with parallel_backend("dask"):
            search = _search().fit(X, y)
    workers = {task["worker"] for task in stream.data}
    assert len(workers) == 2  # both processes took fits
    serial = _search().set_params(n_jobs=1).fit(X, y)
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"]
    )
    assert search.predict(X).shape == (len(X),)


def test_cross_validate_on_a_local_cluster(client):
    X, y = make_spectra(
        n_classes=2, n_samples_per_class=10, n_points=150, random_state=1
    )
    clf = LeNet1DClassifier._create_test_instance(max_epochs=3)
    with parallel_backend("dask"):
        scores = cross_validate(clf, X, y, cv=2, n_jobs=-1, return_estimator=True)
    serial = cross_validate(clf, X, y, cv=2)
    np.testing.assert_allclose(scores["test_score"], serial["test_score"])
    assert all(hasattr(est, "net_") for est in scores["estimator"])
