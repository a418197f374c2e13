"""Saving and loading deep classifiers: safetensors weights, CPU-safe pickles."""

from __future__ import annotations

import json
import os

import numpy as np

from ._device import resolve_device


class WeightsMixin:
    """``save_weights``, ``load_weights`` and pickling of the deep classifiers."""

    def __setstate__(self, state):
        super().__setstate__(state)
        # skorch maps a CUDA-trained net to the CPU when CUDA is missing
        if "net_" in self.__dict__:
            self.device_ = str(self.net_.device)

    def save_weights(self, path: str | os.PathLike) -> None:
        """Save the network's weights and labels to a safetensors file.

        Unlike pickle, the file holds only tensors and JSON metadata (estimator
        class, parameters of the net, classes, input length), so it can be shared
        and loaded safely with :meth:`load_weights`.

        Parameters
        ----------
        path : str or path-like
            Destination, conventionally ``*.safetensors``.
        """
        from safetensors.torch import save_file

        net = self.module_
        tensors = {
            k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()
        }
        metadata = {
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
        from safetensors import safe_open

        self._validate_params()
        path = os.fspath(path)
        device = resolve_device(self.device)
        with safe_open(path, framework="pt", device="cpu") as f:
            metadata = f.metadata() or {}
            state = {k: f.get_tensor(k) for k in f.keys()}
        if "classes" not in metadata:
            raise ValueError(
                f"{path} was not written by save_weights (no class metadata)"
            )
        if metadata.get("estimator") != type(self).__name__:
            raise ValueError(
                f"{path} holds a {metadata.get('estimator')} network; this is a "
                f"{type(self).__name__}"
            )
        classes = np.asarray(json.loads(metadata["classes"]))
        n_features = int(metadata["n_features_in"])
        net = self._build_module(n_features, len(classes))
        try:
            net.load_state_dict(state)
        except RuntimeError as exc:
            raise ValueError(
                f"the weights in {path} do not fit this {type(self).__name__}: "
                f"{str(exc).splitlines()[0]} ... The file was saved with the "
                f"parameters {metadata.get('params')}"
            ) from exc
        self.classes_ = classes
        skorch_net = self._skorch_net(net, device)
        skorch_net.initialize()
        self._set_net(skorch_net)
        self.n_features_in_ = n_features
        self.history_ = skorch_net.history
        self.device_ = device
        return self
