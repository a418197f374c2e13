import math

import pytest

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
