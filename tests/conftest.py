import shutil
from pathlib import Path

import numpy as np
import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
RRUFF_RAW = SHARED_DATA / "rruff_raw"
RRUFF_NPZ = SHARED_DATA / "rruff_sang2021.npz"
MMPSD_FTIR = SHARED_DATA / "mmpsd" / "FTIR"


def pytest_configure(config):
    try:  # many tiny fits: one thread avoids oversubscription on small CPUs
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass


def pytest_collection_modifyitems(config, items):
    try:
        import torch

        cuda = torch.cuda.is_available()
    except ImportError:
        cuda = False
    if cuda:
        return
    skip = pytest.mark.skip(reason="needs a CUDA device (marked gpu); none here")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _cpu_unless_marked_gpu(request, monkeypatch):
    """Outside tests marked ``gpu``, ``device="auto"`` means the CPU.

    The suite's thresholds and bitwise comparisons are those of CPU training
    (float32, no bfloat16 autocast); on a GPU machine it runs the same way, and
    the ``gpu`` tests exercise the device.
    """
    if "gpu" not in request.keywords:
        try:
            import torch
        except ImportError:
            return
        monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


@pytest.fixture(autouse=True)
def _threads_kept():
    """A test leaves torch's CPU thread count as it found it.

    Training results depend on the count (float sums in another order): a
    leak made a later test in the same xdist worker train differently
    (aeon's numba kernels once left 2 threads after the session's 1).
    """
    try:
        import torch
    except ImportError:
        yield
        return
    before = torch.get_num_threads()
    yield
    after = torch.get_num_threads()
    if after != before:
        torch.set_num_threads(before)
        pytest.fail(f"the test changed torch's thread count from {before} to {after}")


@pytest.fixture
def rruff_raw():
    if not RRUFF_RAW.is_dir():
        pytest.skip(f"RRUFF raw files not found at {RRUFF_RAW} (../shared/data)")
    return RRUFF_RAW


@pytest.fixture
def rruff_npz():
    if not RRUFF_NPZ.is_file():
        pytest.skip(f"rruff_sang2021.npz not found at {RRUFF_NPZ} (../shared/data)")
    return RRUFF_NPZ


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def mmpsd_reference(tmp_path):
    """MMPSD's FTIR files of HDPE, LDPE and PP: a reference set without PET."""
    if not MMPSD_FTIR.is_dir():
        pytest.skip(f"MMPSD not found at {MMPSD_FTIR} (../shared/data)")
    reference = tmp_path / "reference"
    for polymer in ("HDPE", "LDPE", "PP"):
        shutil.copytree(MMPSD_FTIR / polymer, reference / polymer)
    return reference
