"""Saving and loading deep classifiers: safetensors weights, portable pickles.

A fitted deep classifier pickles (and saves to skops files, see
:mod:`sklearn_raman.persistence`) as its parameters, classes, the network's
weights as NumPy arrays and its training history as plain lists and dicts: no
torch object, so the state loads on any machine, CUDA or not, and holds no
type a skops file would have to trust beyond the estimator's own class. The
skorch net is rebuilt on load, on the device the model was trained on when it
is there, else on the CPU.
"""

from __future__ import annotations

import inspect
import json
import os

import numpy as np
import torch

from ._device import resolve_device, seeded_torch

#: the keys of the portable state that replace the skorch net
_WEIGHTS, _HISTORY = "network_weights_", "history_"


def _plain(value):
    """A history value as a JSON type (NumPy and torch scalars become numbers)."""
    if isinstance(value, (np.generic, torch.Tensor)):
        return value.item()
    raise TypeError(f"history value of type {type(value).__name__}")


def read_weights(path: str, estimator: str) -> tuple[dict, dict]:
    """The tensors and metadata of a :meth:`save_weights` file of ``estimator``."""
    from safetensors import safe_open

    if not os.path.isfile(path):
        raise FileNotFoundError(f"no weights file at {path}")
    with safe_open(path, framework="pt", device="cpu") as f:
        metadata = f.metadata() or {}
        state = {k: f.get_tensor(k) for k in f.keys()}
    if "classes" not in metadata:
        raise ValueError(f"{path} was not written by save_weights (no class metadata)")
    if metadata.get("estimator") != estimator:
        raise ValueError(
            f"{path} holds a {metadata.get('estimator')} network; this is a {estimator}"
        )
    return state, metadata


def load_encoder(net, path, estimator: str) -> None:
    """Start ``net`` from the weights in ``path``, all but its output layer.

    The file must hold the same classifier's network, with the same
    parameters, fitted on spectra of the same length; any other raises, naming
    what differs and how to fix it.
    """
    path = os.fspath(path)
    state, metadata = read_weights(path, estimator)
    n_points = int(metadata["n_features_in"])
    if n_points != net.n_points:
        grid = metadata.get("grid")
        where = (
            ", ".join(f"{k}={v:g}" for k, v in json.loads(grid).items()) if grid else ""
        )
        where = f" (its grid: {where})" if where else ""
        raise ValueError(
            f"init_from: {path} was fitted on spectra of {n_points} points"
            f"{where}; these have {net.n_points}: resample them onto the "
            "encoder's grid (SpectrumResampler) first"
        )
    own = net.state_dict()
    head = {k for k in own if k.startswith("classifier.")}
    body = {k: v for k, v in state.items() if not k.startswith("classifier.")}
    wrong = sorted(
        set(body) ^ (set(own) - head)
        | {k for k in body if k in own and own[k].shape != body[k].shape}
    )
    if wrong:
        raise ValueError(
            f"init_from: the weights in {path} do not fit this network (first "
            f"difference: {wrong[0]!r}); the file was saved with the parameters "
            f"{metadata.get('params')}: use the same network parameters"
        )
    net.load_state_dict({**body, **{k: own[k] for k in head}})


class WeightsMixin:
    """``save_weights``, ``load_weights`` and the portable state of deep classifiers."""

    def __getstate__(self):
        state = dict(super().__getstate__())  # object's is __dict__ itself
        net = state.pop("net_", None)
        if net is not None:
            state[_WEIGHTS] = {
                name: tensor.detach().cpu().numpy()
                for name, tensor in self.module_.state_dict().items()
            }
            state[_HISTORY] = json.loads(json.dumps(list(net.history), default=_plain))
        return state

    def __setstate__(self, state):
        state = dict(state)
        # a file of an older version lacks the parameters added since: their
        # defaults (e.g. callbacks=None) are what that version did
        for name, param in inspect.signature(type(self).__init__).parameters.items():
            if param.default is not inspect.Parameter.empty:
                state.setdefault(name, param.default)
        weights = state.pop(_WEIGHTS, None)
        history = state.pop(_HISTORY, None)
        super().__setstate__(state)
        if weights is None:
            return
        saved = self.__dict__.get("device_", "cpu")
        device = (
            "cpu"
            if saved.startswith("cuda") and not torch.cuda.is_available()
            else saved
        )
        with seeded_torch(0):  # building the network draws initial weights
            net = self._build_module(self.n_features_in_, len(self.classes_))
        net.load_state_dict(
            {k: torch.from_numpy(np.array(v)) for k, v in weights.items()}
        )
        self._install(net, device)
        self.history_.extend(history or [])

    def _install(self, net, device: str) -> None:
        """Make ``net`` (with its weights) the fitted network, on ``device``."""
        from skorch.history import History

        skorch_net = self._skorch_net(net, device)
        skorch_net.initialize()
        self._set_net(skorch_net)
        skorch_net.history = History()
        self.history_ = skorch_net.history
        self.device_ = device

    def save_weights(
        self, path: str | os.PathLike, *, metadata: dict | None = None
    ) -> None:
        """Save the network's weights and labels to a safetensors file.

        Unlike pickle, the file holds only tensors and JSON metadata (estimator
        class, parameters of the net, classes, input length), so it can be shared
        and loaded safely with :meth:`load_weights`.

        Parameters
        ----------
        path : str or path-like
            Destination, conventionally ``*.safetensors``.
        metadata : dict of str to str, default=None
            Further notes kept in the file (e.g. what it was trained on).
        """
        from safetensors.torch import save_file

        net = self.module_
        tensors = {
            k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()
        }
        metadata = {
            **(metadata or {}),
            "estimator": type(self).__name__,
            "classes": json.dumps(np.asarray(self.classes_).tolist()),
            "n_features_in": str(self.n_features_in_),
            "params": json.dumps(self.get_params(deep=False), default=repr),
        }
        save_file(tensors, os.fspath(path), metadata=metadata)

    def load_weights(self, path: str | os.PathLike):
        """Load weights saved by :meth:`save_weights` into this estimator.

        The estimator is built with its own parameters for the input length and
        classes stored in the file, then takes the saved weights; it can
        predict without fitting. Weights saved on a GPU load on a CPU.

        Parameters
        ----------
        path : str or path-like
            A file written by :meth:`save_weights`.

        Returns
        -------
        self : object
            The estimator, ready to predict.

        Raises
        ------
        ValueError
            If the file's network does not fit this estimator's (another
            architecture, width or number of classes).
        """
        self._validate_params()
        path = os.fspath(path)
        device = resolve_device(self.device)
        state, metadata = read_weights(path, type(self).__name__)
        classes = np.asarray(json.loads(metadata["classes"]))
        n_features = int(metadata["n_features_in"])
        net = self._build_module(n_features, len(classes))
        try:
            net.load_state_dict(state)
        except RuntimeError as exc:
            saved = json.loads(metadata.get("params", "{}"))
            layer = saved.get("output_layer", "linear")
            hint = (
                f" (its output layer is {layer!r}: set output_layer={layer!r})"
                if layer != self.output_layer
                else ""
            )
            raise ValueError(
                f"the weights in {path} do not fit this {type(self).__name__}"
                f"{hint}: {str(exc).splitlines()[0]} ... The file was saved with "
                f"the parameters {metadata.get('params')}"
            ) from exc
        self.classes_ = classes
        self.n_features_in_ = n_features
        self._install(net, device)
        return self
