import math
import os

import joblib
import numpy as np
import pytest
import torch
from joblib import Parallel, delayed
from sklearn.base import clone
from skorch.callbacks import Callback, Checkpoint, GradientNormClipping

from sklearn_raman import make_spectra
from sklearn_raman.neural import SEResNet1DClassifier, _callbacks
from sklearn_raman.neural._callbacks import AnnealedLR


def test_onecycle_and_cosine_shapes():
    one = AnnealedLR("onecycle", lr=1.0, max_epochs=10, warmup=0.3)
    assert one.rate(0.0) == pytest.approx(1 / 25)
    assert one.rate(0.3) == pytest.approx(1.0)
    assert one.rate(0.65) == pytest.approx((1 + 1e-4) / 2)
    assert one.rate(1.0) == pytest.approx(1e-4)
    cos = AnnealedLR("cosine", lr=2.0, max_epochs=10)
    assert cos.rate(0.0) == pytest.approx(2.0)
    assert cos.rate(0.5) == pytest.approx((2.0 + 2e-4) / 2)
    rates = [cos.rate(p / 10) for p in range(11)]
    assert all(a > b for a, b in zip(rates, rates[1:]))


def test_progress_follows_the_time_budget_when_it_runs_out_first(monkeypatch):
    clock = {"now": 100.0}
    monkeypatch.setattr(_callbacks.time, "monotonic", lambda: clock["now"])
    schedule = AnnealedLR("cosine", lr=1.0, max_epochs=10, seconds=60.0)
    schedule.on_train_begin(None)
    schedule.total_steps_, schedule.step_ = 1001, 10
    assert schedule.progress() == pytest.approx(0.01)
    clock["now"] += 30.0  # half the budget spent, 1 % of the steps done
    assert schedule.progress() == pytest.approx(0.5)
    clock["now"] += 300.0
    assert schedule.progress() == 1.0
    assert schedule.rate(schedule.progress()) == pytest.approx(1e-4)


@pytest.mark.parametrize("kind", ["onecycle", "cosine"])
def test_fit_ends_at_a_low_rate(kind):
    X, y = make_spectra(
        n_classes=3, n_samples_per_class=10, n_points=64, random_state=0
    )
    clf = SEResNet1DClassifier._create_test_instance(
        lr=0.01, lr_schedule=kind, max_epochs=3, batch_size=4
    )
    clf.fit(X, y)
    final = clf.net_.optimizer_.param_groups[0]["lr"]
    schedule = dict(clf.net_.callbacks_)["lr_schedule"]
    assert schedule.step_ == schedule.total_steps_
    assert final == pytest.approx(0.01 * schedule.final_ratio)
    assert not math.isnan(clf.history_[-1, "train_loss"])


@pytest.mark.parametrize("kind", ["onecycle", "cosine"])
@pytest.mark.parametrize("batch_size", [8, 64])
def test_schedule_ends_at_its_minimum_when_the_last_batch_is_merged(kind, batch_size):
    # n = k * batch + 1: the iterator merges the single last row into the batch
    # before; a schedule planned as ceil(n / batch) steps per epoch would end
    # halfway (k = 1) with the rate near its peak
    n = batch_size + 1
    X, y = make_spectra(
        n_classes=2,
        n_samples_per_class=[n - n // 2, n // 2],
        n_points=32,
        random_state=0,
    )
    clf = SEResNet1DClassifier._create_test_instance(
        lr=0.01,
        lr_schedule=kind,
        max_epochs=4,
        batch_size=batch_size,
        validation_fraction=0,
    ).fit(X, y)
    schedule = dict(clf.net_.callbacks_)["lr_schedule"]
    per_epoch = len(clf.history_[-1]["batches"])
    assert schedule.total_steps_ == 4 * per_epoch == schedule.step_
    final = clf.net_.optimizer_.param_groups[0]["lr"]
    assert final == pytest.approx(0.01 * schedule.final_ratio)


# -- user callbacks (callbacks=) ------------------------------------------------
class Recorder(Callback):
    """A user's own callback: the network's parameters when training begins."""

    def __init__(self, note="start"):
        self.note = note

    def on_train_begin(self, net, **kwargs):
        self.start_ = [p.detach().clone() for p in net.module_.parameters()]


class DirProbe(Callback):
    """Records the directory it was given (as a Checkpoint would write there)."""

    def __init__(self, dirname=None):
        self.dirname = dirname

    def on_train_begin(self, net, **kwargs):
        self.seen_ = (self.dirname, os.path.isdir(os.path.dirname(self.dirname)))


@pytest.fixture(scope="module")
def spectra():
    return make_spectra(
        n_classes=3, n_samples_per_class=10, n_points=64, random_state=0
    )


def test_user_callbacks_join_the_recipes_and_stay_unchanged(spectra):
    X, y = spectra
    clip, recorder = GradientNormClipping(1.0), Recorder()
    clf = SEResNet1DClassifier._create_test_instance(
        max_epochs=2, lr_schedule="cosine", callbacks=[clip, ("rec", recorder)]
    )
    before = joblib.hash(clf.get_params())
    clf.fit(X, y)
    names = [name for name, _ in clf.net_.callbacks_]
    ours = ["early_stopping", "lr_schedule", "GradientNormClipping", "rec"]
    assert [name for name in names if name in ours] == ours  # added, in order
    fitted = dict(clf.net_.callbacks_)
    assert fitted["rec"] is not recorder and len(fitted["rec"].start_) > 0
    assert not hasattr(recorder, "start_")  # the parameter holds no training state
    assert joblib.hash(clf.get_params()) == before
    first = fitted["rec"]
    clf.fit(X, y)  # a new fit, new copies
    assert dict(clf.net_.callbacks_)["rec"] is not first
    clone_ = clone(clf)
    assert clone_.callbacks[0] is not clip and clone_.callbacks[1][0] == "rec"


def test_gradient_clipping_bounds_every_step(spectra):
    # plain SGD moves the parameters by lr * gradient: with the gradient norm
    # clipped to c, n steps move them by at most n * lr * c in all
    X, y = spectra
    c = 1e-4

    def moved(callbacks):
        clf = SEResNet1DClassifier._create_test_instance(
            max_epochs=2,
            lr=1.0,
            optimizer="sgd",
            batch_size=8,
            validation_fraction=0,
            callbacks=[("rec", Recorder()), *callbacks],
        ).fit(X, y)
        start = dict(clf.net_.callbacks_)["rec"].start_
        end = [p.detach() for p in clf.net_.module_.parameters()]
        steps = sum(len(h["batches"]) for h in clf.history_)
        diff = torch.cat([(a - b).flatten() for a, b in zip(end, start)])
        return diff.norm().item(), steps

    clipped, steps = moved([GradientNormClipping(c)])
    assert 0 < clipped <= steps * 1.0 * c * (1 + 1e-3)
    free, _ = moved([])
    assert free > 100 * steps * c


def test_callbacks_are_checked(spectra):
    X, y = spectra
    clf = SEResNet1DClassifier._create_test_instance(max_epochs=1)
    with pytest.raises(TypeError, match="skorch callbacks"):
        clf.set_params(callbacks=["clip"]).fit(X, y)
    with pytest.raises(TypeError, match="skorch callbacks"):
        clf.set_params(callbacks=[GradientNormClipping]).fit(X, y)  # the class
    with pytest.raises(ValueError, match="'early_stopping' is the name of one"):
        clf.set_params(callbacks=[("early_stopping", Recorder())]).fit(X, y)
    with pytest.raises(ValueError, match="callbacks"):
        clf.set_params(callbacks=GradientNormClipping(1.0)).fit(X, y)  # no list


def test_dirname_none_gets_a_directory_of_the_fit_removed_after(spectra):
    X, y = spectra
    probe = DirProbe()
    clf = SEResNet1DClassifier._create_test_instance(
        max_epochs=1, callbacks=[probe, ("other", DirProbe())]
    ).fit(X, y)
    (first, existed), (second, _) = (
        cb.seen_ for name, cb in clf.net_.callbacks_ if isinstance(cb, DirProbe)
    )
    assert existed and first != second  # one directory each, in the fit's own
    assert os.path.dirname(first) == os.path.dirname(second)
    assert not os.path.exists(os.path.dirname(first))  # removed with the fit
    assert probe.dirname is None and not hasattr(probe, "seen_")
    given = DirProbe(dirname="kept/here")  # an explicit one is left as it is
    clf.set_params(callbacks=[given]).fit(X, y)
    assert dict(clf.net_.callbacks_)["DirProbe"].dirname == "kept/here"


def _fit_with_checkpoint(estimator, X, y):
    """Fit, then what the checkpoint wrote: its directory and saved weights."""
    estimator.fit(X, y)
    checkpoint = dict(estimator.net_.callbacks_)["checkpoint"]
    path = os.path.join(checkpoint.dirname, "params.pt")
    if not os.path.exists(path):  # dirname=None: removed with the fit
        return checkpoint.dirname, None, estimator.predict_proba(X)
    saved = torch.load(path)
    params = dict(estimator.net_.module_.named_parameters())
    same = all(torch.equal(saved[name], p.detach()) for name, p in params.items())
    return checkpoint.dirname, same, estimator.predict_proba(X)


def test_checkpoints_of_fits_side_by_side_do_not_collide(spectra, tmp_path):
    # two fits in two processes at once (joblib n_jobs=2), each with its own
    # directory: each file holds its own fit's final weights
    X, y = spectra
    sets = [(X, y), (X[::-1] * 2, np.roll(y, 5))]

    def job(k):
        checkpoint = Checkpoint(dirname=str(tmp_path / f"fit{k}"), monitor=None)
        est = SEResNet1DClassifier._create_test_instance(
            max_epochs=3,
            random_state=k,
            validation_fraction=0,  # no early stopping: the last epoch is kept
            callbacks=[("checkpoint", checkpoint)],
        )
        return _fit_with_checkpoint(est, *sets[k])

    runs = Parallel(n_jobs=2)(delayed(job)(k) for k in range(2))
    assert [d for d, _, _ in runs] == [str(tmp_path / "fit0"), str(tmp_path / "fit1")]
    assert all(same for _, same, _ in runs)
    # dirname=None: clones that all say None write into their own temporary
    # directories, and restore their own best weights (load_best)
    checkpoint = Checkpoint(dirname=None, monitor="train_loss_best", load_best=True)
    est = SEResNet1DClassifier._create_test_instance(
        max_epochs=3, callbacks=[("checkpoint", checkpoint)]
    )

    def shared(k):
        path, kept, proba = _fit_with_checkpoint(
            clone(est).set_params(random_state=k), *sets[k]
        )
        assert kept is None  # the fit's directory went with it
        return path, proba

    side_by_side = Parallel(n_jobs=2)(delayed(shared)(k) for k in range(2))
    one_by_one = [shared(k) for k in range(2)]
    assert side_by_side[0][0] != side_by_side[1][0]
    for (_, a), (_, b) in zip(side_by_side, one_by_one):
        np.testing.assert_array_equal(a, b)
    assert checkpoint.dirname is None
