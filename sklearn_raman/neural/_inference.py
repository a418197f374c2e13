"""Inference of a fitted deep classifier: checked input, padded chunks, float32."""

from __future__ import annotations

import torch
from sklearn.utils.validation import check_is_fitted

from ..nn import evaluating
from ..nn._base import largest_activation
from ._device import float32_precision

#: most rows per inference chunk (every chunk is padded to it), by device type
INFERENCE_CHUNK = {"cpu": 64, "cuda": 1024}
#: bytes the largest intermediate tensor of a no-grad batch may take, by device
#: type: a 2D net at 128 px has 4 MB of first feature map per spectrum, so 256
#: validation spectra at once held 2 GB more than training on batches of 32
INFERENCE_BYTES = {"cpu": 256 * 2**20, "cuda": 2**30}


def inference_rows(module, n_points: int, device, *, most: int) -> int:
    """Rows of a no-grad batch of ``module`` on ``device``: ``most`` at most.

    As many as keep the largest intermediate tensor (float32, measured on one
    zero spectrum of ``n_points`` wherever the module's weights are) within
    the :data:`INFERENCE_BYTES` of the device that will run the batches.
    """
    kind = "cpu" if str(device) == "cpu" else "cuda"
    here = next(module.parameters(), torch.empty(0)).device
    probe = torch.zeros(1, n_points, device=here)
    per_row = 4 * max(1, largest_activation(module, probe))
    return int(min(most, max(1, INFERENCE_BYTES[kind] // per_row)))


def network_input(estimator, X) -> torch.Tensor:
    """``X`` checked against a fitted ``estimator``, as a float32 CPU tensor."""
    check_is_fitted(estimator, "net_")
    return torch.tensor(estimator._validate_input(X, reset=False))


def padded_chunks(module, X: torch.Tensor, device, precision: str = "float32"):
    """Chunks of ``X`` on ``device``, each zero-padded to one row count.

    Yields ``(chunk, n)``: the padded chunk and its number of real rows, with
    ``module`` in eval mode, gradients off and the float32 ``precision`` set
    (:func:`float32_precision`) while the caller runs it. Chunks hold
    :data:`INFERENCE_CHUNK` rows or fewer where the network's feature maps
    are large (:func:`inference_rows`). One shape for every chunk: a spectrum
    gets bitwise the same output whether it is predicted alone or in a batch
    (float32 kernels round differently for different batch sizes).
    """
    most = INFERENCE_CHUNK["cpu" if str(device) == "cpu" else "cuda"]
    with evaluating(module), torch.no_grad(), float32_precision(precision):
        rows = inference_rows(module, X.shape[1], device, most=most)
        for start in range(0, len(X), rows):
            part = X[start : start + rows]
            n = len(part)
            if n < rows:
                part = torch.cat([part, part.new_zeros(rows - n, part.shape[1])])
            yield part.to(device), n


def forward_in_chunks(
    skorch_net, X: torch.Tensor, *, embed: bool = False, precision: str = "float32"
):
    """Logits (or embeddings) of ``X``, in eval mode, chunk by chunk.

    See :func:`padded_chunks`. No autocast; full float32 on every device
    unless ``precision="tf32"``.
    """
    module = skorch_net.module_
    outputs = []
    for part, n in padded_chunks(module, X, skorch_net.device, precision):
        out = module.embed(part) if embed else module(part)
        outputs.append(out[:n].cpu())
    return torch.cat(outputs).numpy()
