"""Devices, seeds and numerical precision of the deep classifiers."""

from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def seeded_torch(seed: int):
    """Seed torch's CPU and CUDA generators for a block; restore them after it."""
    devices = (
        list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    )
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


@contextlib.contextmanager
def torch_threads(n_threads: int | None):
    """Set the CPU threads of torch to ``n_threads`` for a block (None: keep them).

    The setting is process-wide, so it is restored afterwards: a fit does not
    change what the rest of the program runs with.
    """
    if n_threads is None:
        yield
        return
    saved = torch.get_num_threads()
    torch.set_num_threads(int(n_threads))
    try:
        yield
    finally:
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
