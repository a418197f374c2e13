"""Devices, seeds and numerical precision of the deep classifiers."""

from __future__ import annotations

import contextlib
import threading
import warnings

import numpy as np
import torch
from sklearn.utils import check_random_state


def resolve_device(device: str) -> str:
    """The torch device a ``device=`` parameter means on this machine.

    Parameters
    ----------
    device : str
        ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.

    Returns
    -------
    device : str
        ``"auto"``: ``"cuda"`` if CUDA is available, else ``"cpu"``; a CUDA
        device asked for without CUDA warns and gives ``"cpu"``; anything
        else as given.

    Examples
    --------
    >>> from sklearn_raman.neural import resolve_device
    >>> resolve_device("cpu")
    'cpu'
    >>> resolve_device("auto") in ("cpu", "cuda")
    True
    """
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if str(device).startswith("cuda") and not torch.cuda.is_available():
        warnings.warn(
            f"device={device!r} was asked for but CUDA is not available; "
            "training on the CPU",
            UserWarning,
            stacklevel=3,
        )
        return "cpu"
    return str(device)


def draw_seed(random_state) -> int:
    """One int32 seed from a scikit-learn ``random_state``."""
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


#: held by every section that seeds torch and draws from its default
#: generators (one per device and process, shared by all threads): re-entrant,
#: so a seeded section may open another in the same thread
_RNG_LOCK = threading.RLock()


@contextlib.contextmanager
def seeded_torch(seed: int):
    """Seed torch's CPU and CUDA generators for a block; restore them after it.

    The block holds a process-wide re-entrant lock: torch has one default
    generator per device, which initialisation, dropout and augmentation draw
    from and which cannot be made per thread, so two blocks in two threads
    take turns instead of interleaving their draws (and their saving and
    restoring of the generators' states). The same seed therefore gives the
    same draws in any thread. Code that draws from torch's global generator
    without this lock, in another thread, while a block runs, still disturbs
    it.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.neural._device import seeded_torch
    >>> before = torch.get_rng_state()
    >>> with seeded_torch(0):
    ...     first = torch.rand(2)
    >>> with seeded_torch(0):
    ...     bool(torch.equal(torch.rand(2), first))
    True
    >>> bool(torch.equal(torch.get_rng_state(), before))
    True
    """
    devices = (
        list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    )
    with _RNG_LOCK, torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


#: guards the process's thread count while blocks of :func:`torch_threads` run
_THREADS_LOCK = threading.Lock()
#: the blocks running (in any thread), and the count torch had before the first
_THREADS = {"active": 0, "original": 1}
#: the depth of nested blocks in this thread
_THREADS_DEPTH = threading.local()


@contextlib.contextmanager
def torch_threads(n_threads: int | None):
    """Set the CPU threads of torch to ``n_threads`` for a block (None: keep them).

    The setting is restored afterwards: a fit does not change what the rest of
    the program runs with. With torch's OpenMP backend the count is per thread,
    but ``torch.set_num_threads`` also sets the count that threads starting
    afterwards take up. So blocks running at the same time in several threads
    (joblib threads) restore the count torch had before the first of them
    began, not the one another block had set when theirs began; a nested block
    restores its outer block's.

    Examples
    --------
    >>> import torch
    >>> from sklearn_raman.neural._device import torch_threads
    >>> before = torch.get_num_threads()
    >>> with torch_threads(1):
    ...     torch.get_num_threads()
    1
    >>> torch.get_num_threads() == before
    True
    """
    if n_threads is None:
        yield
        return
    depth = getattr(_THREADS_DEPTH, "depth", 0)
    with _THREADS_LOCK:
        # torch sets a thread's count at its first query, from the count last
        # set anywhere: query first, or that would later undo the setting below
        current = torch.get_num_threads()
        if _THREADS["active"] == 0:
            _THREADS["original"] = current
        _THREADS["active"] += 1
        # a thread's first block may see another block's count: not its own
        saved = _THREADS["original"] if depth == 0 else current
        torch.set_num_threads(int(n_threads))
    _THREADS_DEPTH.depth = depth + 1
    try:
        yield
    finally:
        _THREADS_DEPTH.depth = depth
        with _THREADS_LOCK:
            _THREADS["active"] -= 1
            torch.set_num_threads(saved)


@contextlib.contextmanager
def float32_precision(precision: str = "float32"):
    """CUDA float32 convolutions and matrix products in ``precision`` for a block.

    ``"float32"``: full IEEE float32. cuDNN runs float32 convolutions in TF32
    (10-bit mantissa) by default, which makes GPU predictions differ from a
    CPU's by far more than rounding. ``"tf32"``: TF32 for both (PyTorch's
    cuDNN default), up to 56 times faster on an H100. The global flags
    are restored afterwards; the CPU ignores them.
    """
    flags = (torch.backends.cudnn, torch.backends.cuda.matmul)
    saved = [flag.allow_tf32 for flag in flags]
    for flag in flags:
        flag.allow_tf32 = precision == "tf32"
    try:
        yield
    finally:
        for flag, value in zip(flags, saved):
            flag.allow_tf32 = value


def autocast_dtype(mixed_precision: bool, device: str) -> torch.dtype | None:
    """bfloat16 for mixed-precision training on a capable CUDA device, else None.

    The devices are those of ``TrainingModule.autocast_devices`` (CUDA): never
    the CPU.
    """
    from ._module import TrainingModule

    kind = torch.device(device).type
    if not mixed_precision or kind not in TrainingModule.autocast_devices:
        return None
    if kind == "cuda" and not (
        torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    ):
        return None
    return torch.bfloat16
