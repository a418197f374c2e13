"""Interpretation of the deep classifiers: Grad-CAM, attributions, embeddings.

Every function takes a fitted :class:`~sklearn_raman.neural.SpectrumNetClassifier`
or a fitted :class:`~sklearn.pipeline.Pipeline` ending with one. For a pipeline,
the preceding steps transform ``X`` first, and relevance is given along the
axis the network sees (the pipeline's resampled / cropped grid).
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.manifold import TSNE
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ._utils import class_indices, final_estimator
from .neural import SpectrumNetClassifier
from .neural._device import float32_precision
from .neural._inference import network_input
from .nn import evaluating
from .nn._geometry import map_centres

__all__ = ["attribute", "embed", "grad_cam", "tsne_embedding"]

_BATCH = 256


def _network_input(estimator, X) -> tuple[SpectrumNetClassifier, np.ndarray]:
    """The deep classifier of ``estimator`` and ``X`` as its input."""
    final, head = final_estimator(estimator)
    if not isinstance(final, SpectrumNetClassifier):
        raise TypeError(
            "expected a fitted SpectrumNetClassifier (or a Pipeline ending with "
            f"one); got {type(final).__name__}"
        )
    check_is_fitted(final, "net_")
    return final, head(X)


@contextmanager
def _capturing(layer: nn.Module):
    """A list that receives ``layer``'s outputs while the block runs."""
    captured: list = []
    handle = layer.register_forward_hook(lambda m, i, output: captured.append(output))
    try:
        yield captured
    finally:
        handle.remove()


def _activation_gradients(wrapper: nn.Module, x, captured: list, cols):
    """Hooked activations of one batch and the gradient of the class logits.

    ``cols`` holds the class index of each spectrum; None takes the predicted
    class.
    """
    captured.clear()
    # requires_grad on the input keeps a graph when the layers are frozen
    x = x.requires_grad_(True)
    with torch.enable_grad():
        logits = wrapper(x)
        if not captured or not isinstance(captured[-1], torch.Tensor):
            raise ValueError("the layer gave no tensor output to explain")
        acts = captured[-1]
        if acts.dim() not in (3, 4) or acts[0, 0].numel() < 2:
            raise ValueError(
                "Grad-CAM needs a layer output of shape (batch, channels, "
                "length) or, for a 2D net, (batch, channels, height, width), "
                f"of 2 positions or more; got {tuple(acts.shape)}. A map of "
                "one point has no resolution along the spectrum: choose an "
                "earlier layer"
            )
        if cols is None:
            cols = logits.argmax(1)
        else:
            cols = torch.as_tensor(cols, device=logits.device)
        score = logits.gather(1, cols[:, None]).sum()
        (grads,) = torch.autograd.grad(score, acts)
    return acts, grads


def _resolve_layer(net: nn.Module, layer) -> nn.Module:
    if layer is None:
        return net.cam_layer
    if isinstance(layer, str):
        modules = dict(net.named_modules())
        if layer not in modules:
            names = [n for n, m in modules.items() if isinstance(m, nn.Conv1d)]
            raise ValueError(
                f"no layer named {layer!r} in {type(net).__name__}; "
                f"its Conv1d layers: {names}"
            )
        return modules[layer]
    if isinstance(layer, nn.Module):
        if not any(m is layer for m in net.modules()):
            raise ValueError("layer is not a module of the fitted network")
        return layer
    raise TypeError(f"layer must be None, a module name or a Module; got {layer!r}")


def _centres(net, layer, n: int, extent: int, dtype) -> torch.Tensor:
    """Input coordinate of each of the ``n`` positions of ``layer``'s map.

    Each position sits at the centre of its receptive field (see
    :func:`~sklearn_raman.nn._geometry.map_centres`): stretching the map over
    the input would misplace it by up to half the total stride, and by the
    whole border that unpadded convolutions crop (VGG-1D: 125 points).
    ``extent``: the input's length (image side for a 2D net).
    """
    name = next((n for n, m in net.named_modules() if m is layer), "")
    if name == "features" or name.startswith("features."):
        return torch.as_tensor(map_centres(net, name, n), dtype=dtype)
    # a layer outside the feature extractor: spread over the input
    return (torch.arange(n, dtype=dtype) + 0.5) * extent / n - 0.5


def _interpolate(cam: torch.Tensor, centres: torch.Tensor, length: int, dim: int):
    """``cam`` along ``dim`` from positions at ``centres`` onto ``length`` points."""
    n = len(centres)
    points = torch.arange(length, dtype=cam.dtype)
    right = torch.searchsorted(centres, points).clamp(1, n - 1)
    left = right - 1
    t = ((points - centres[left]) / (centres[right] - centres[left])).clamp(0, 1)
    shape = [1] * cam.dim()
    shape[dim] = length
    t = t.reshape(shape)
    return cam.index_select(dim, left) * (1 - t) + cam.index_select(dim, right) * t


def _on_input_axis(cam: torch.Tensor, net, layer, length: int) -> torch.Tensor:
    """Maps of a layer, (batch, positions), interpolated onto the input points.

    A 2D net's maps, (batch, height, width), are interpolated onto the pixels
    of its image (without the zero padding) and handed back to the spectrum by
    its encoder (:meth:`~sklearn_raman.nn.SpectrumEncoder.to_positions`: for a
    field, pixel (i, j) to positions i and j).
    """
    if cam.dim() == 2:
        if cam.shape[1] == 1:  # one position: no shape along the axis
            return cam.expand(-1, length)
        centres = _centres(net, layer, cam.shape[1], net.input_length, cam.dtype)
        # the features saw the input padded to ``input_length``; only
        # ``length`` points are returned
        return _interpolate(cam, centres, length, 1)
    side = net.encoder.image_size
    for dim in (1, 2):
        if cam.shape[dim] == 1:
            cam = cam.expand(*[side if d == dim else -1 for d in range(3)])
            continue
        centres = _centres(net, layer, cam.shape[dim], net.input_size, cam.dtype)
        cam = _interpolate(cam, centres, side, dim)
    return net.encoder.to_positions(cam)


def grad_cam(
    estimator,
    X,
    target=None,
    layer: str | nn.Module | None = None,
    mode: str = "hirescam",
) -> np.ndarray:
    """Grad-CAM relevance of every input point for one class.

    The activations ``A`` of a convolutional layer (by default the network's
    ``cam_layer``: its last feature map that still extends along the spectrum)
    are weighted by the gradient of the class logit, summed over channels,
    passed through a ReLU, interpolated onto the input points (each map
    position placed at the centre of its receptive field, so unpadded and
    strided layers do not shift the map) and divided by their maximum per
    spectrum.

    Two weightings exist. Grad-CAM (Selvaraju 2017, ``mode="gradcam"``) averages
    the gradient over the length axis, one weight per channel: right for
    networks that pool globally before their output layer (SE-ResNet-1D,
    ResNet-1D), but most spectrum CNNs (VGG-1D, DRCNN, LeNet, the compact
    ResNet) flatten their feature maps into dense layers, where each position
    has its own weights and the averaged gradient loses where the evidence is.
    HiResCAM (Draelos & Carin 2020, ``mode="hirescam"``, the default) multiplies
    gradient and activation point by point, which keeps the position for any
    head and equals Grad-CAM when a global average pool and a linear layer
    follow the hooked layer directly.

    Parameters
    ----------
    estimator : SpectrumNetClassifier or Pipeline
        A fitted deep classifier, or a fitted pipeline ending with one.
    X : array-like of shape (n_samples, n_points)
        Spectra (raw input of the pipeline, if ``estimator`` is one).
    target : label, array-like of shape (n_samples,) or None, default=None
        Class to explain, as a label of ``classes_``, one for all spectra or one
        per spectrum. None explains each spectrum's predicted class.
    layer : str, torch.nn.Module or None, default=None
        The convolutional layer: None for the network's own
        ``estimator.module_.cam_layer`` (named by ``cam_layer_name``), a name
        from ``estimator.module_.named_modules()``, or the module itself. Its
        output must be (batch, channels, length) with length >= 2.
    mode : {"hirescam", "gradcam"}, default="hirescam"
        Point-wise (HiResCAM) or channel-averaged (Grad-CAM) gradient weights.

    Returns
    -------
    relevance : ndarray of shape (n_samples, n_points)
        Values in [0, 1], 1 at each spectrum's most relevant point; a spectrum
        whose map is zero everywhere (no positive evidence) stays zero.

    Examples
    --------
    >>> from sklearn_raman import make_spectra, LeNet1DClassifier
    >>> from sklearn_raman.inspection import grad_cam
    >>> X, y = make_spectra(n_classes=2, n_samples_per_class=10, n_points=200,
    ...                     random_state=0)
    >>> clf = LeNet1DClassifier(max_epochs=2, random_state=0).fit(X, y)
    >>> grad_cam(clf, X[:3]).shape
    (3, 200)
    """
    if mode not in ("hirescam", "gradcam"):
        raise ValueError(f"mode must be 'hirescam' or 'gradcam'; got {mode!r}")
    clf, X = _network_input(estimator, X)
    X = network_input(clf, X)
    index = None if target is None else class_indices(clf.classes_, target, len(X))
    wrapper, net, device = clf.net_.module_, clf.module_, clf.net_.device
    hooked = _resolve_layer(net, layer)
    maps = []
    precision = float32_precision(clf.inference_precision)
    with evaluating(wrapper), precision, _capturing(hooked) as captured:
        for start in range(0, len(X), _BATCH):
            cols = None if index is None else index[start : start + _BATCH]
            acts, grads = _activation_gradients(
                wrapper, X[start : start + _BATCH].to(device), captured, cols
            )
            spatial = tuple(range(2, grads.dim()))
            weights = grads.mean(spatial, keepdim=True) if mode == "gradcam" else grads
            cam = F.relu((weights * acts).sum(dim=1)).detach().float().cpu()
            cam = _on_input_axis(cam, net, hooked, X.shape[1])
            peak = cam.amax(dim=1, keepdim=True)
            cam = torch.where(peak > 0, cam / peak.clamp_min(1e-30), 0.0)
            maps.append(cam.cpu())
    return torch.cat(maps).numpy()


def attribute(
    estimator,
    X,
    method: str = "integrated_gradients",
    target=None,
    **kwargs,
) -> np.ndarray:
    """Attributions of captum (optional extra ``interpret``) along the input axis.

    Parameters
    ----------
    estimator : SpectrumNetClassifier or Pipeline
        A fitted deep classifier, or a fitted pipeline ending with one.
    X : array-like of shape (n_samples, n_points)
        Spectra.
    method : {"integrated_gradients", "occlusion"}, default="integrated_gradients"
        ``captum.attr.IntegratedGradients`` (baseline: a zero spectrum, unless
        ``baselines`` is given; the ``n_steps`` interpolated copies of every
        spectrum go through the network ``internal_batch_size=256`` rows at a
        time unless given) or ``captum.attr.Occlusion`` (a sliding window of
        ``sliding_window_shapes=(15,)`` points, ``strides=(5,)`` unless given).
    target : label, array-like of shape (n_samples,) or None, default=None
        Class to explain, as for :func:`grad_cam`; None: the predicted class.
    **kwargs
        Passed to the captum method's ``attribute``.

    Returns
    -------
    attributions : ndarray of shape (n_samples, n_points)
        Signed attributions (float32), in the units of the class logit.

    Examples
    --------
    >>> from sklearn_raman import LeNet1DClassifier, make_spectra
    >>> from sklearn_raman.inspection import attribute
    >>> X, y = make_spectra(n_classes=2, n_samples_per_class=5, n_points=200)
    >>> clf = LeNet1DClassifier(max_epochs=1).fit(X, y)
    >>> attribute(clf, X[:2], method="occlusion").shape
    (2, 200)
    """
    try:
        from captum.attr import IntegratedGradients, Occlusion
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "attribute() needs captum: pip install 'sklearn-raman[interpret]'"
        ) from exc
    methods = {"integrated_gradients": IntegratedGradients, "occlusion": Occlusion}
    if method not in methods:
        raise ValueError(f"method must be one of {sorted(methods)}; got {method!r}")
    clf, X = _network_input(estimator, X)
    X = network_input(clf, X)
    index = None if target is None else class_indices(clf.classes_, target, len(X))
    if index is None:
        index = np.searchsorted(clf.classes_, clf.predict(X.numpy()))
    if method == "occlusion":
        kwargs.setdefault("sliding_window_shapes", (15,))
        kwargs.setdefault("strides", (5,))
    else:  # n_steps scaled copies of every row: forward them in batches too
        kwargs.setdefault("internal_batch_size", _BATCH)
    wrapper, device = clf.net_.module_, clf.net_.device
    explainer = methods[method](wrapper)
    out = []
    with evaluating(wrapper), float32_precision(clf.inference_precision):
        for start in range(0, len(X), _BATCH):
            x = X[start : start + _BATCH].to(device)
            cols = torch.as_tensor(index[start : start + _BATCH], device=device)
            out.append(explainer.attribute(x, target=cols, **kwargs).detach().cpu())
    return torch.cat(out).float().numpy()


def embed(estimator, X) -> np.ndarray:
    """Penultimate-layer embedding of each spectrum.

    Parameters
    ----------
    estimator : SpectrumNetClassifier or Pipeline
        A fitted deep classifier, or a fitted pipeline ending with one.
    X : array-like of shape (n_samples, n_points)
        Spectra.

    Returns
    -------
    embedding : ndarray of shape (n_samples, embedding_dim)
        The input of the network's output layer (float32).

    Examples
    --------
    >>> from sklearn_raman import LeNet1DClassifier, make_spectra
    >>> from sklearn_raman.inspection import embed
    >>> X, y = make_spectra(n_classes=2, n_samples_per_class=5, n_points=200)
    >>> clf = LeNet1DClassifier(max_epochs=1).fit(X, y)
    >>> embed(clf, X[:3]).shape == (3, clf.module_.embedding_dim)
    True
    """
    clf, X = _network_input(estimator, X)
    return clf.transform(X)


def tsne_embedding(
    estimator,
    X,
    *,
    n_components: int = 2,
    perplexity: float = 30.0,
    random_state=None,
    **tsne_params,
) -> np.ndarray:
    """A t-SNE map of the learnt embeddings, for plots as in Li 2025.

    Parameters
    ----------
    estimator : SpectrumNetClassifier, Pipeline or None
        A fitted deep classifier (or pipeline ending with one) whose
        :func:`embed` output is mapped; None maps ``X`` itself (e.g. raw spectra,
        for comparison).
    X : array-like of shape (n_samples, n_points)
        Spectra (or features, when ``estimator`` is None).
    n_components : int, default=2
        Dimension of the map.
    perplexity : float, default=30.0
        The t-SNE perplexity, lowered to ``(n_samples - 1) / 3`` for small sets,
        since t-SNE needs it below the number of samples.
    random_state : int, RandomState instance or None, default=None
        Seed of the t-SNE initialisation and optimisation.
    **tsne_params
        Other parameters of :class:`sklearn.manifold.TSNE`.

    Returns
    -------
    coordinates : ndarray of shape (n_samples, n_components)
        The map.

    Examples
    --------
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.inspection import tsne_embedding
    >>> X, _ = make_spectra(n_classes=2, n_samples_per_class=5, random_state=0)
    >>> tsne_embedding(None, X, random_state=0).shape  # the spectra themselves
    (10, 2)
    """
    features = np.asarray(X) if estimator is None else embed(estimator, X)
    if len(features) < 2:
        raise ValueError(f"t-SNE needs at least 2 spectra; got {len(features)}")
    perplexity = min(perplexity, max((len(features) - 1) / 3, 1.0))
    tsne = TSNE(
        n_components=n_components,
        perplexity=perplexity,
        random_state=random_state,
        **tsne_params,
    )
    return tsne.fit_transform(np.asarray(features, dtype=np.float64))
