"""Training and inference speed of every deep classifier, against the CPU's peak.

Usage: python benchmarks/throughput.py [--models vgg1d seresnet1d ...]
       [--points 1570] [--classes 192] [--seconds 20] [--threads N]
       [--inference-only]
       python benchmarks/throughput.py --concurrent [--models recommended]
       [--epochs 3] [--oversubscribed]

``--concurrent``: the wall time of one fit alone (torch's default threads,
every core) against two fits side by side in two processes, each with
``n_threads`` = half the cores, started together; prints each fit's time and
the ratio to the fit alone (1 would be free parallelism, 2 no gain from the
cores). ``--oversubscribed`` adds two side by side with every core each (the
default when nothing says otherwise), the case ``n_threads`` is for.

For each net (its paper's configuration), through the scikit-learn estimator
exactly as users call it:

- training: spectra/s of a steady-state epoch of ``fit`` (skorch's epoch time,
  after a warm-up epoch), batch size of the estimator's default;
- inference: spectra/s of ``predict_proba`` on 2,048 spectra, and of the same
  network exported with ``to_onnx`` and run by onnxruntime (one ``run`` over
  the spectra, as many threads as torch), with the largest difference of
  their probabilities;
- FLOPs per spectrum counted by ``torch.utils.flop_counter`` (forward for
  inference; forward + backward for training), hence achieved GFLOP/s, and that
  as a share of the float32 matmul GFLOP/s measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

from sklearn_raman import make_spectra
from sklearn_raman._registry import DeepModels

NETS = DeepModels()  # every deep classifier, by command-line name


def matmul_gflops(seconds: float = 2.0, n: int = 2048) -> float:
    """Float32 matrix-multiply GFLOP/s of this machine with torch's threads."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        a @ b
        count += 1
    return 2.0 * n**3 * count / (time.perf_counter() - start) / 1e9


def flops_per_spectrum(module: torch.nn.Module, n_points: int, batch: int):
    """(training, inference) FLOPs per spectrum: forward + backward, forward."""
    x = torch.randn(batch, n_points)
    module.train()
    with FlopCounterMode(display=False) as counter:
        module(x).sum().backward()
    train = counter.get_total_flops() / batch
    module.eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        module(x)
    return train, counter.get_total_flops() / batch


def onnx_rate(clf, X: np.ndarray) -> tuple[float, float]:
    """onnxruntime spectra/s on ``X`` and its largest probability difference."""
    import onnxruntime

    with tempfile.TemporaryDirectory() as tmp:
        path = clf.to_onnx(os.path.join(tmp, "model.onnx"))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = torch.get_num_threads()
        session = onnxruntime.InferenceSession(
            path, options, providers=["CPUExecutionProvider"]
        )
    session.run(["probabilities"], {"spectra": X[:64]})
    start = time.perf_counter()
    proba = session.run(["probabilities"], {"spectra": X})[0]
    rate = len(X) / (time.perf_counter() - start)
    return rate, float(np.abs(proba - clf.predict_proba(X)).max())


def measure(
    name: str, n_points: int, n_classes: int, seconds: float, train: bool = True
):
    """One row of the table for the deep model ``name``."""
    cls = NETS[name]
    X, y = make_spectra(
        n_classes=n_classes, n_samples_per_class=2, n_points=n_points, random_state=0
    )
    X = X.astype(np.float32)
    params = dict(validation_fraction=0.0, patience=None, random_state=0)
    batch = cls().batch_size
    probe = cls(max_epochs=1, **params).fit(X[: 2 * batch], y[: 2 * batch])
    rate = 2 * batch / probe.history_[-1, "dur"]
    # two epochs: the first warms up the kernels, the second is timed
    clf, train_rate = probe, float("nan")
    if train:
        n = int(np.clip(rate * seconds / 2, 2 * batch, len(X)))
        n = max(2 * batch, n // batch * batch)
        reps = -(-n // len(X))
        X_fit = np.tile(X, (reps, 1))[:n]
        y_fit = np.tile(y, reps)[:n]
        clf = cls(max_epochs=2, **params).fit(X_fit, y_fit)
        train_rate = n / clf.history_[-1, "dur"]
    module = clf.module_
    train_flops, infer_flops = flops_per_spectrum(module, n_points, batch)
    n_infer = 2048 if infer_flops < 1e9 else 256
    clf.predict_proba(X[:64])
    X_infer = np.tile(X, (n_infer // len(X) + 1, 1))[:n_infer]
    start = time.perf_counter()
    clf.predict_proba(X_infer)
    infer_rate = n_infer / (time.perf_counter() - start)
    ort_rate, ort_diff = onnx_rate(clf, X_infer)
    return {
        "model": name,
        "params": sum(p.numel() for p in module.parameters()),
        "train_mflop": train_flops / 1e6,
        "train_rate": train_rate,
        "train_gflops": train_rate * train_flops / 1e9,
        "infer_rate": infer_rate,
        "infer_gflops": infer_rate * infer_flops / 1e9,
        "ort_rate": ort_rate,
        "ort_diff": ort_diff,
    }


def _timed_fit(name, n_threads, epochs, n_points, barrier, results):
    """(In a process of its own) seconds of one fit, after ``barrier``."""
    X, y = make_spectra(
        n_classes=32, n_samples_per_class=40, n_points=n_points, random_state=0
    )
    clf = NETS[name](max_epochs=epochs, n_threads=n_threads, random_state=0)
    clf.set_params(validation_fraction=0.0, patience=None)
    barrier.wait()
    start = time.perf_counter()
    clf.fit(X.astype(np.float32), y)
    results.put(time.perf_counter() - start)


def side_by_side(name, n_fits, n_threads, epochs, n_points) -> list[float]:
    """Seconds of each of ``n_fits`` fits started together in processes."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(n_fits), ctx.Queue()
    procs = [
        ctx.Process(
            target=_timed_fit,
            args=(name, n_threads, epochs, n_points, barrier, results),
        )
        for _ in range(n_fits)
    ]
    for p in procs:
        p.start()
    times = [results.get() for _ in procs]
    for p in procs:
        p.join()
    return sorted(times)


def concurrent(args) -> None:
    cores = len(os.sched_getaffinity(0))
    share = max(1, cores // 2)
    for name in args.models:
        alone = side_by_side(name, 1, None, args.epochs, args.points)[0]
        print(f"{name}, {args.epochs} epochs of 1,280 spectra, {cores} cores")
        print("| fits | threads each | seconds per fit | slowest / alone |")
        print("|---|---|---|---|")
        print(f"| 1 | {torch.get_num_threads()} (default) | {alone:.1f} | 1.00 |")
        cases = [(share, f"{share} (n_threads)")]
        if args.oversubscribed:
            cases.append((None, f"{torch.get_num_threads()} (default)"))
        for n_threads, label in cases:
            times = side_by_side(name, 2, n_threads, args.epochs, args.points)
            each = ", ".join(f"{t:.1f}" for t in times)
            print(f"| 2 | {label} | {each} | {times[-1] / alone:.2f} |", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", nargs="+", default=list(NETS))
    parser.add_argument("--points", type=int, default=1570)
    parser.add_argument("--classes", type=int, default=192)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument(
        "--inference-only", action="store_true", help="skip the training timing"
    )
    parser.add_argument(
        "--concurrent", action="store_true", help="one fit alone against two"
    )
    parser.add_argument("--epochs", type=int, default=3, help="--concurrent fits")
    parser.add_argument("--oversubscribed", action="store_true")
    args = parser.parse_args()
    if args.concurrent:
        if args.models == list(NETS):
            args.models = ["recommended"]
        return concurrent(args)
    # timing sets have few spectra per class; scikit-learn's hint does not apply
    warnings.filterwarnings("ignore", message="The number of unique classes")
    if args.threads:
        torch.set_num_threads(args.threads)
    peak = matmul_gflops()
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads; "
        f"fp32 matmul {peak:.1f} GFLOP/s; {args.points} points, "
        f"{args.classes} classes\n"
    )
    print(
        "| model | parameters | train MFLOP/spectrum | train spectra/s | "
        "train GFLOP/s | % of matmul | inference spectra/s | inference GFLOP/s | "
        "% of matmul | onnxruntime spectra/s | onnxruntime / torch | "
        "max abs diff of probabilities |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name in args.models:
        r = measure(
            name, args.points, args.classes, args.seconds, not args.inference_only
        )
        print(
            f"| {r['model']} | {r['params']:,} | {r['train_mflop']:,.0f} | "
            f"{r['train_rate']:,.1f} | {r['train_gflops']:.1f} | "
            f"{100 * r['train_gflops'] / peak:.0f} | {r['infer_rate']:,.0f} | "
            f"{r['infer_gflops']:.1f} | {100 * r['infer_gflops'] / peak:.0f} | "
            f"{r['ort_rate']:,.0f} | {r['ort_rate'] / r['infer_rate']:.2f} | "
            f"{r['ort_diff']:.1e} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
