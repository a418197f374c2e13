"""ONNX export of a fitted deep classifier, for inference without PyTorch."""

from __future__ import annotations

import copy
import importlib
import json
import logging
import os
import warnings

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted
from torch import nn

_MISSING = (
    "ONNX export needs the packages onnx and onnxscript: "
    "pip install 'sklearn-raman[onnx]' (onnx, onnxscript and onnxruntime)"
)


class _Outputs(nn.Module):
    """The network with its softmax: spectra -> (logits, probabilities)."""

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor):
        logits = self.net(x)
        return logits, torch.softmax(logits, dim=1)


class OnnxExportMixin:
    """``to_onnx`` for :class:`~sklearn_raman.neural.SpectrumNetClassifier`."""

    def to_onnx(self, path: str | os.PathLike, *, opset_version: int | None = None):
        """Export the fitted network to an ONNX file.

        The graph takes ``spectra``, float32 of shape (batch, n_features_in_)
        on the grid the model was fitted on (after the preprocessing steps of
        a pipeline, which are not part of the file), and returns ``logits``
        and ``probabilities`` (softmax, columns in the order of ``classes_``);
        the batch size is free. The classes, input length and estimator are
        stored in the model's metadata (``classes`` as JSON). Run it with
        `onnxruntime <https://onnxruntime.ai>`_, in any language it supports::

            import onnxruntime
            session = onnxruntime.InferenceSession("model.onnx")
            proba = session.run(["probabilities"], {"spectra": X.astype("float32")})[0]

        Parameters
        ----------
        path : str or path-like
            Destination, conventionally ``*.onnx``.
        opset_version : int, default=None
            ONNX opset (None: the exporter's default).

        Returns
        -------
        path : str
            The file written.

        Raises
        ------
        ImportError
            If onnx or onnxscript is missing; the message names the install.
        """
        check_is_fitted(self, "net_")
        for module in ("onnx", "onnxscript"):
            try:
                importlib.import_module(module)
            except ImportError as exc:
                raise ImportError(_MISSING) from exc
        import onnx

        path = os.fspath(path)
        net = _Outputs(copy.deepcopy(self.module_).cpu()).eval()
        example = (torch.zeros(2, self.n_features_in_),)
        batch = torch.export.Dim("batch", min=1)
        # the exporter logs each optional torchvision op it skips
        logger = logging.getLogger("torch.onnx")
        level = logger.level
        logger.setLevel(logging.ERROR)
        try:
            with warnings.catch_warnings(), torch.no_grad():
                warnings.simplefilter("ignore")
                program = torch.onnx.export(
                    net,
                    example,
                    input_names=["spectra"],
                    output_names=["logits", "probabilities"],
                    dynamic_shapes=({0: batch},),
                    opset_version=opset_version,
                    dynamo=True,
                    verbose=False,
                )
        finally:
            logger.setLevel(level)
        model = program.model_proto
        onnx.helper.set_model_props(
            model,
            {
                "estimator": type(self).__name__,
                "classes": json.dumps(np.asarray(self.classes_).tolist()),
                "n_features_in": str(self.n_features_in_),
            },
        )
        onnx.save_model(model, path)
        return path
