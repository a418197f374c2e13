"""Where each position of a feature map sits on the input axis."""

from __future__ import annotations

import copy
import weakref

import numpy as np
import torch
from torch import nn

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _uniform_copy(features: nn.Module) -> nn.Module:
    """A copy of ``features`` whose units weigh their whole field positively.

    A gradient through it then traces each unit's receptive field.
    Convolutions average their inputs, batch norms pass them through, max
    pooling becomes average pooling of the same geometry, and any other
    parameter (e.g. DRCNN's level weights) is made positive.
    """
    probe = copy.deepcopy(features).cpu().float().eval()
    for parent in probe.modules():
        for name, child in parent.named_children():
            for pool, average in (
                (nn.MaxPool1d, nn.AvgPool1d),
                (nn.MaxPool2d, nn.AvgPool2d),
            ):
                if isinstance(child, pool):
                    setattr(
                        parent,
                        name,
                        average(
                            child.kernel_size,
                            child.stride,
                            child.padding,
                            ceil_mode=child.ceil_mode,
                        ),
                    )
    with torch.no_grad():
        for module in probe.modules():
            if isinstance(module, (nn.Conv1d, nn.Conv2d)):
                fan_in = module.weight[0].numel()
                module.weight.fill_(1.0 / fan_in)
                if module.bias is not None:
                    module.bias.zero_()
            elif isinstance(module, nn.modules.batchnorm._BatchNorm):
                module.reset_parameters()  # mean 0, variance 1, weight 1, bias 0
        for param in probe.parameters():
            param.abs_()
    return probe.requires_grad_(False)


def _centre(profile: np.ndarray) -> float:
    """Midpoint of the span where ``profile`` is at least half its maximum."""
    above = np.flatnonzero(profile >= profile.max() / 2)
    return (above[0] + above[-1]) / 2


def map_centres(net: nn.Module, layer_name: str, n_positions: int) -> np.ndarray:
    """Input point at the centre of each position of a feature map.

    The map is the output of the submodule ``layer_name`` of ``net.features``'
    owner ``net`` (a dotted name starting with ``"features."``, or
    ``"features"``). Strided and unpadded layers shift and scale a map against
    the input: position ``j`` of a VGG-1D's last convolution sees input points
    around ``7 + 21 j``, not ``j * length / n``. The geometry is affine, ``a +
    b j``; it is traced once per net and layer, by the gradient of two
    positions of the map with respect to a long input through an averaging copy
    of the features (see :func:`_uniform_copy`). For a 2D net (square kernels,
    the same geometry along both axes) the positions are rows of the map and
    the coordinates pixels of the image.

    Parameters
    ----------
    net : SpectrumNet
        The network.
    layer_name : str
        Dotted name of the layer in ``net``.
    n_positions : int
        Length of the layer's map for the input at hand.

    Returns
    -------
    centres : ndarray of shape (n_positions,)
        Input coordinates (points, float) of the map's positions.
    """
    if layer_name != "features" and not layer_name.startswith("features."):
        raise ValueError(f"{layer_name!r} is not a layer of the net's features")
    geometry = _CACHE.setdefault(net, {})
    if layer_name not in geometry:
        geometry[layer_name] = _trace(net, layer_name)
    a, b = geometry[layer_name]
    return a + b * np.arange(n_positions)


def _trace(net: nn.Module, layer_name: str) -> tuple[float, float]:
    probe = _uniform_copy(net.features)
    inner = layer_name[len("features.") :] if "." in layer_name else ""
    layer = probe.get_submodule(inner)
    captured: list[torch.Tensor] = []
    handle = layer.register_forward_hook(lambda m, i, o: captured.append(o))
    if hasattr(net, "input_size"):  # a 2D net: trace along the rows
        side = int(net.input_size)
        length = max(512, 8 * side)
        x = torch.ones(1, net.in_channels, length, side, requires_grad=True)
    else:
        # long enough that the traced positions' fields lie inside the input
        length = max(4096, 8 * int(getattr(net, "input_length", 1024)))
        x = torch.ones(1, 1, length, requires_grad=True)
    try:
        probe(x)
    finally:
        handle.remove()
    out = captured[-1]
    n = out.shape[2]
    positions = (n // 3, (2 * n) // 3)
    centres = []
    for j in positions:
        (grad,) = torch.autograd.grad(out[0, :, j].sum(), x, retain_graph=True)
        profile = grad[0].abs().sum(0)  # (length,) or (length, side)
        centres.append(_centre(profile.reshape(length, -1).sum(1).numpy()))
    b = (centres[1] - centres[0]) / (positions[1] - positions[0])
    return float(centres[0] - b * positions[0]), float(b)
