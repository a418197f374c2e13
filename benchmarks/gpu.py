"""Every deep classifier on a GPU: fit, predict, fine_tune, persistence, speed.

Usage: python benchmarks/gpu.py [--models vgg1d drcnn ...] [--points 1570]
       [--classes 192] [--per-class 8] [--device cuda]

For each net in its paper's configuration, through the scikit-learn estimator:

- ``fit`` on the device (two epochs: the first warms up, the second is timed:
  training spectra/s), ``predict_proba`` on the device (inference spectra/s,
  after a warm-up call), and again with ``inference_precision="tf32"``
  (spectra/s, largest probability difference from float32);
- the same weights loaded on the CPU (``save_weights`` / ``load_weights``):
  share of equal predicted labels and the largest probability difference
  (inference runs in float32 on both, so they agree to rounding);
- ``fine_tune(freeze="features")``: the frozen parameters and batch-norm
  buffers are unchanged;
- a pickle round trip predicts the same.

Every check prints ``ok`` or the figure that failed; the exit status is 1 if
any failed. Without CUDA the script says so and exits 0 (nothing to measure).
``--device cpu`` runs the same code on the CPU, to try the script itself.
"""

from __future__ import annotations

import argparse
import io
import pickle
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from sklearn_raman import make_spectra
from sklearn_raman._registry import DeepModels

NETS = DeepModels()  # every deep classifier, by command-line name
PARAMS = dict(validation_fraction=0.0, patience=None, random_state=0, lr=1e-4)


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def _frozen_state(clf) -> dict:
    return {
        k: v.detach().cpu().clone()
        for k, v in clf.module_.features.state_dict().items()
    }


def check_net(name: str, X, y, X_test, device: str) -> dict:
    """Fit, time and check one net; a dict of figures and check results."""
    cls = NETS[name]
    params = {**PARAMS, "device": device}
    clf = cls(max_epochs=2, **params).fit(X, y)
    train_rate = len(X) / clf.history_[-1, "dur"]
    clf.predict_proba(X_test[:64])
    _sync(device)
    start = time.perf_counter()
    proba = clf.predict_proba(X_test)
    _sync(device)
    infer_rate = len(X_test) / (time.perf_counter() - start)
    clf.set_params(inference_precision="tf32").predict_proba(X_test[:64])
    _sync(device)
    start = time.perf_counter()
    tf32_proba = clf.predict_proba(X_test)
    _sync(device)
    tf32_rate = len(X_test) / (time.perf_counter() - start)
    tf32_diff = float(np.abs(tf32_proba - proba).max())
    clf.set_params(inference_precision="float32")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.safetensors"
        clf.save_weights(path)
        on_cpu = cls(**{**params, "device": "cpu"}).load_weights(path)
    cpu_proba = on_cpu.predict_proba(X_test)
    agree = float(np.mean(proba.argmax(1) == cpu_proba.argmax(1)))
    max_diff = float(np.abs(proba - cpu_proba).max())

    buffer = io.BytesIO()
    pickle.dump(clf, buffer)
    again = pickle.loads(buffer.getvalue())
    pickled_same = bool(np.array_equal(again.predict(X_test), clf.predict(X_test)))

    before = _frozen_state(clf)
    clf.fine_tune(X, y % 2, max_epochs=1)
    after = _frozen_state(clf)
    frozen_same = all(torch.equal(before[k], after[k]) for k in before)
    tuned = clf.predict(X_test[:8]).shape == (8,) and list(clf.classes_) == [0, 1]

    return {
        "model": name,
        "params": sum(p.numel() for p in clf.module_.parameters()),
        "device": clf.device_,
        "train_rate": train_rate,
        "infer_rate": infer_rate,
        "tf32_rate": tf32_rate,
        "tf32_diff": tf32_diff,
        "agree": agree,
        "max_diff": max_diff,
        "checks": {
            "trained on the device": clf.device_ == device,
            "GPU/CPU labels agree (>= 0.99)": agree >= 0.99,
            "GPU/CPU probabilities (max diff < 1e-3)": max_diff < 1e-3,
            "TF32/float32 probabilities (max diff < 5e-2)": tf32_diff < 5e-2,
            "pickle round trip": pickled_same,
            "fine_tune keeps frozen features": frozen_same and tuned,
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(NETS))
    parser.add_argument("--points", type=int, default=1570)
    parser.add_argument("--classes", type=int, default=192)
    parser.add_argument("--per-class", type=int, default=8)
    parser.add_argument("--device", default="cuda")
    args = parser.parse_args()
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print("benchmarks/gpu.py: skipped, CUDA is not available on this machine")
        return 0
    warnings.filterwarnings("ignore", message="The number of unique classes")
    X, y = make_spectra(
        n_classes=args.classes,
        n_samples_per_class=args.per_class,
        n_points=args.points,
        random_state=0,
    )
    X = X.astype(np.float32)
    X_test = np.tile(X, (2, 1))[:2048]
    name = (
        torch.cuda.get_device_name(args.device)
        if args.device.startswith("cuda")
        else "CPU"
    )
    print(
        f"{name}; torch {torch.__version__}; {len(X)} training spectra of "
        f"{args.points} points, {args.classes} classes; {len(X_test)} predicted\n"
    )
    print(
        "| model | parameters | train spectra/s | inference spectra/s | "
        "TF32 inference spectra/s | TF32 prob. diff | "
        "GPU/CPU label agreement | max prob. diff | checks |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    failed = []
    for model in args.models:
        r = check_net(model, X, y, X_test, args.device)
        bad = [check for check, ok in r["checks"].items() if not ok]
        failed += [f"{model}: {check}" for check in bad]
        print(
            f"| {model} | {r['params']:,} | {r['train_rate']:,.0f} | "
            f"{r['infer_rate']:,.0f} | {r['tf32_rate']:,.0f} | {r['tf32_diff']:.1e} | "
            f"{r['agree']:.4f} | {r['max_diff']:.1e} | "
            f"{'ok' if not bad else 'FAILED: ' + '; '.join(bad)} |",
            flush=True,
        )
    if failed:
        print("\nfailed checks:\n  " + "\n  ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
