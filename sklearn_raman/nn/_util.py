"""Helpers of the spectrum networks: channel counts, probes, mode, necks."""

from __future__ import annotations

from contextlib import contextmanager

import torch
from torch import nn


def scaled(channels: int, width: float) -> int:
    """Channel count scaled by a width multiplier (at least 1).

    Raises
    ------
    ValueError
        For a channel count below 1 or a multiplier that is not positive: a
        negative width would otherwise build a one-channel net without a word.
    """
    if not width > 0:
        raise ValueError(f"width must be a positive number; got {width!r}")
    if int(channels) != channels or channels < 1:
        raise ValueError(f"channel counts must be integers >= 1; got {channels!r}")
    return max(1, int(round(channels * width)))


def positive_ints(name: str, values, *, allow_empty: bool = False) -> tuple[int, ...]:
    """``values`` as a tuple of integers >= 1, or a ValueError naming ``name``."""
    try:
        out = tuple(values)
        ok = (allow_empty or len(out) > 0) and all(
            not isinstance(v, bool) and int(v) == v and v >= 1 for v in out
        )
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"{name} must be a sequence of integers >= 1; got {values!r}")
    return tuple(int(v) for v in out)


@contextmanager
def evaluating(module: nn.Module):
    """``module`` in eval mode for the block, then back to its former mode.

    Parameters
    ----------
    module : torch.nn.Module
        The module to evaluate (a net, a layer).

    Yields
    ------
    module : torch.nn.Module
        ``module`` itself, in eval mode; its former mode is restored on exit,
        also where the block raises.

    Examples
    --------
    >>> from torch import nn
    >>> from sklearn_raman.nn import evaluating
    >>> layer = nn.Dropout(0.5)
    >>> with evaluating(layer) as module:
    ...     module.training
    False
    >>> layer.training
    True
    """
    was_training = module.training
    module.eval()
    try:
        yield module
    finally:
        module.train(was_training)


@torch.no_grad()
def largest_activation(module: nn.Module, x: torch.Tensor) -> int:
    """Elements of the largest tensor a submodule of ``module`` outputs on ``x``.

    Sizes the batches of no-grad passes (validation, prediction) so that one
    intermediate tensor stays within a memory budget: a spectrum's first
    feature map is 64 x 128 x 128 floats in a 2D net at 128 px, a few tens of
    thousands in a 1D net.

    Examples
    --------
    >>> from torch import nn
    >>> largest_activation(nn.Conv1d(1, 8, 3, padding=1), torch.zeros(1, 1, 100))
    800
    """
    largest = 0

    def record(_module, _inputs, out) -> None:
        nonlocal largest
        for t in out if isinstance(out, (tuple, list)) else (out,):
            if isinstance(t, torch.Tensor):
                largest = max(largest, t.numel())

    handles = [m.register_forward_hook(record) for m in module.modules()]
    try:
        with evaluating(module):
            module(x)
    finally:
        for handle in handles:
            handle.remove()
    return largest


@torch.no_grad()
def _probe(
    module: nn.Module, in_channels: int, length: int, ndim: int = 1
) -> torch.Size | None:
    """Output shape of ``module`` on a zero input of ``length`` points, or None.

    ``ndim=2``: a square image of side ``length``.
    """
    with evaluating(module):
        try:
            return module(torch.zeros(1, in_channels, *(length,) * ndim)).shape
        except RuntimeError:
            return None


def min_input_length(
    module: nn.Module, in_channels: int = 1, limit: int = 1 << 16, ndim: int = 1
) -> int:
    """Smallest input length (image side for ``ndim=2``) with a non-empty output.

    Found by bisection on zero inputs, in eval mode.

    Parameters
    ----------
    module : torch.nn.Module
        A module taking (batch, in_channels, length) inputs, or
        (batch, in_channels, side, side) for ``ndim=2``.
    in_channels : int, default=1
        Channels of the input.
    limit : int, default=65536
        Longest input tried.
    ndim : {1, 2}, default=1
        Spatial dimensions of the input: 1 for spectra, 2 for square images.

    Returns
    -------
    length : int
        The smallest length (or side) for which every spatial dimension of the
        output is at least 1.

    Raises
    ------
    ValueError
        Where no input up to ``limit`` points gives a non-empty output.

    Examples
    --------
    >>> from torch import nn
    >>> from sklearn_raman.nn import min_input_length
    >>> min_input_length(nn.Sequential(nn.Conv1d(1, 4, 3), nn.MaxPool1d(2)))
    4
    >>> min_input_length(nn.Conv2d(3, 8, 7), in_channels=3, ndim=2)
    7
    """

    def works(length: int) -> bool:
        shape = _probe(module, in_channels, length, ndim)
        return shape is not None and min(shape[2:]) >= 1

    hi = 1
    while not works(hi):
        hi *= 2
        if hi > limit:
            raise ValueError(
                f"{type(module).__name__} accepts no input up to {limit} points"
            )
    lo = hi // 2  # invariant: hi works, lo does not (or is 0)
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if works(mid):
            hi = mid
        else:
            lo = mid
    return hi


_POOLS = (
    nn.MaxPool1d,
    nn.AvgPool1d,
    nn.AdaptiveAvgPool1d,
    nn.AdaptiveMaxPool1d,
    nn.MaxPool2d,
    nn.AvgPool2d,
    nn.AdaptiveAvgPool2d,
    nn.AdaptiveMaxPool2d,
)


def before_pooling(layers: nn.Sequential, prefix: str) -> str:
    """Dotted name of the layer before the pooling layers that end ``layers``.

    The Grad-CAM layer of nets whose feature extractor ends by pooling: the
    pooled map is coarser (after adaptive pooling, a few points only).
    ``prefix`` is the dotted name of ``layers`` in the net.
    """
    index = len(layers) - 1
    while index > 0 and isinstance(layers[index], _POOLS):
        index -= 1
    return f"{prefix}.{index}"


def dense_block(
    n_in: int, n_out: int, dropout: float, activation: type = nn.ReLU, norm: bool = True
) -> nn.Sequential:
    """Linear → BatchNorm (optional) → activation → Dropout."""
    layers: list[nn.Module] = [nn.Linear(n_in, n_out)]
    if norm:
        layers.append(nn.BatchNorm1d(n_out))
    layers.append(activation())
    if dropout:
        layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


def dropout_neck(units, dropout: float):
    """Neck maker of AlexNet: flatten, then dropout, linear and ReLU per unit."""
    units = positive_ints("dense_units", units, allow_empty=True)

    def make(n_flat: int, n_channels: int):
        layers: list[nn.Module] = [nn.Flatten()]
        n_in = n_flat
        for n_out in units:
            layers += [nn.Dropout(dropout), nn.Linear(n_in, n_out), nn.ReLU()]
            n_in = n_out
        return nn.Sequential(*layers), n_in

    return make


def flatten_neck(
    units,
    dropout: float,
    activation: type = nn.ReLU,
    norm: bool = True,
):
    """Neck maker: flatten, then one dense block per entry of ``units``."""
    units = positive_ints("dense_units", units, allow_empty=True)

    def make(n_flat: int, n_channels: int):
        layers: list[nn.Module] = [nn.Flatten()]
        n_in = n_flat
        for n_out in units:
            layers.append(dense_block(n_in, n_out, dropout, activation, norm))
            n_in = n_out
        return nn.Sequential(*layers), n_in

    return make
