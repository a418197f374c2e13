"""The same random_state gives the same fit serially, in threads and in processes."""

import threading
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal

from sklearn_raman import make_spectra
from sklearn_raman.neural import CompactResNet1DClassifier
from sklearn_raman.neural._device import seeded_torch, torch_threads

X, Y = make_spectra(n_classes=3, n_samples_per_class=10, n_points=128, random_state=0)


def fitted_proba(random_state=0, **params) -> np.ndarray:
    clf = CompactResNet1DClassifier._create_test_instance(
        max_epochs=3, random_state=random_state, **params
    )
    return clf.fit(X, Y).predict_proba(X)


@pytest.fixture(scope="module")
def serial():
    """Serial fits of random_state 0 and 1 (made once: every test compares them)."""
    return {seed: fitted_proba(seed) for seed in (0, 1)}


def test_serial_fits_differ_between_seeds(serial):
    # otherwise the comparisons below could not tell one seed's fit from another's
    assert np.abs(serial[0] - serial[1]).max() > 1e-3


def test_thread_pool_fits_equal_a_serial_fit(serial):
    with ThreadPoolExecutor(max_workers=4) as pool:
        probas = list(pool.map(lambda _: fitted_proba(0), range(4)))
    for proba in probas:
        assert_array_equal(proba, serial[0])


def test_joblib_thread_fits_equal_a_serial_fit(serial):
    probas = joblib.Parallel(n_jobs=4, prefer="threads")(
        joblib.delayed(fitted_proba)(0) for _ in range(4)
    )
    for proba in probas:
        assert_array_equal(proba, serial[0])


def test_two_seeds_in_threads_each_equal_their_serial_twin(serial):
    seeds = [0, 1, 0, 1]
    with ThreadPoolExecutor(max_workers=4) as pool:
        probas = list(pool.map(fitted_proba, seeds))
    for seed, proba in zip(seeds, probas):
        assert_array_equal(proba, serial[seed])


def test_joblib_process_fits_equal_a_serial_fit():
    # bitwise equality needs one thread count everywhere: torch's CPU kernels
    # split their sums by thread count, and loky workers get fewer threads
    reference = fitted_proba(0, n_threads=1)
    probas = joblib.Parallel(n_jobs=2, backend="loky")(
        joblib.delayed(fitted_proba)(0, n_threads=1) for _ in range(2)
    )
    for proba in probas:
        assert_array_equal(proba, reference)


def test_threaded_fits_leave_the_global_rng_state_unchanged():
    torch.manual_seed(1234)
    before = torch.get_rng_state()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(fitted_proba, [0, 1, 2, 3]))
    assert torch.equal(torch.get_rng_state(), before)


def test_seeded_sections_do_not_interleave():
    # two threads inside the section at once would let the other's draws in
    inside, most = [0], [0]
    guard = threading.Lock()

    def draw(seed):
        with seeded_torch(seed):
            with guard:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            values = [torch.rand(1).item() for _ in range(200)]
            with guard:
                inside[0] -= 1
        return values

    with ThreadPoolExecutor(max_workers=4) as pool:
        draws = list(pool.map(draw, [7] * 8))
    assert most[0] == 1
    with seeded_torch(7):
        expected = [torch.rand(1).item() for _ in range(200)]
    assert all(values == expected for values in draws)


def test_seeded_sections_nest_in_one_thread():
    # re-entrant: a seeded section inside another does not deadlock
    with seeded_torch(0):
        with seeded_torch(1):
            inner = torch.rand(3)
        outer = torch.rand(3)
    with seeded_torch(1):
        assert torch.equal(torch.rand(3), inner)
    with seeded_torch(0):
        assert torch.equal(torch.rand(3), outer)


def threads_of_a_new_thread() -> int:
    seen = []
    thread = threading.Thread(target=lambda: seen.append(torch.get_num_threads()))
    thread.start()
    thread.join()
    return seen[0]


def test_overlapping_thread_settings_restore_the_count_before_them():
    """Blocks in two threads, the first ending first, leave torch as it was.

    ``torch.set_num_threads`` also sets the count new threads start with: a
    block that began while another had set 1 must not restore that 1.
    """
    saved = torch.get_num_threads()
    torch.set_num_threads(3)
    try:
        first_in, second_in, first_out = (threading.Event() for _ in range(3))
        seen = {}

        def first():
            with torch_threads(1):
                first_in.set()
                second_in.wait()
            first_out.set()

        def second():
            first_in.wait()
            with torch_threads(1):
                second_in.set()
                first_out.wait()
                seen["inside"] = torch.get_num_threads()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert seen["inside"] == 1  # the other block's end does not undo this one
        assert torch.get_num_threads() == 3
        assert threads_of_a_new_thread() == 3
    finally:
        torch.set_num_threads(saved)


def test_nested_thread_settings_restore_the_outer_one():
    saved = torch.get_num_threads()
    torch.set_num_threads(3)
    try:
        with torch_threads(1):
            with torch_threads(2):
                assert torch.get_num_threads() == 2
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 3
    finally:
        torch.set_num_threads(saved)


def test_predictions_do_not_wait_for_a_seeded_section():
    from sklearn_raman.neural import _device

    clf = CompactResNet1DClassifier._create_test_instance(max_epochs=1).fit(X, Y)
    expected = clf.predict_proba(X)
    held, release = threading.Event(), threading.Event()

    def hold():  # a fit training in another thread holds the lock this long
        with _device._RNG_LOCK:
            held.set()
            release.wait()

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    pool = ThreadPoolExecutor(max_workers=1)
    try:  # a prediction that waited for the lock would time out here
        proba = pool.submit(clf.predict_proba, X).result(timeout=60)
    finally:
        release.set()
        holder.join()
        pool.shutdown()
    assert_array_equal(proba, expected)


def test_rocket_features_leave_torch_threads_as_they_were():
    # aeon's numba kernels reset the process's OpenMP count to numba's own
    pytest.importorskip("aeon", reason="the rocket extra (aeon) is not installed")
    from sklearn_raman.classical import RocketClassifier

    spectra, labels = make_spectra(n_classes=2, n_samples_per_class=6, random_state=0)
    saved = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        clf = RocketClassifier(n_kernels=84, n_jobs=2, random_state=0).fit(
            spectra, labels
        )
        assert torch.get_num_threads() == 1
        clf.predict(spectra)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(saved)
