"""Grad-CAM of every deep classifier at its papers' widths: where does it peak?

Usage: python benchmarks/grad_cam_default.py [--threads 2]

Two classes of 1,024-point spectra share four bands of random height (at 150,
320, 480 and 900) and differ by one band at 700 (Gaussian, sigma 8 points);
48 spectra each. Every network in its default configuration is trained briefly
(Adam, batch 16, no validation split; 8 epochs at 1e-3, VGG-1D 10 at 1e-4,
LeNet-1D 20 at 1e-2) and the mean HiResCAM relevance of the class with the
band is located. The same check, as assertions, is the slow test
``tests/test_inspection.py::test_default_networks_grad_cam_peaks_at_the_band``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from sklearn_raman.inspection import grad_cam
from sklearn_raman.neural import CLASSIFIERS

LENGTH, PEAK, SHARED = 1024, 700, (150, 320, 480, 900)
RECIPES = {
    "VGG1DClassifier": dict(lr=1e-4, max_epochs=10),
    "LeNet1DClassifier": dict(lr=1e-2, max_epochs=20),
}


def peak_data(n: int = 96, seed: int = 0):
    """The two classes: shared bands of random height, one extra band in class 1."""
    rng = np.random.default_rng(seed)
    x = np.arange(LENGTH)

    def band(center):
        return np.exp(-0.5 * ((x - center) / 8.0) ** 2)

    X = np.zeros((n, LENGTH))
    for center in SHARED:
        X += rng.uniform(0.5, 1.0, (n, 1)) * band(center)
    y = np.repeat([0, 1], n // 2)
    X[y == 1] += 0.6 * band(PEAK)
    X += rng.normal(0, 0.02, X.shape)
    return X.astype(np.float32), y


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    X, y = peak_data()
    print(
        "| model | CAM layer | points per cell | fit s | training accuracy | "
        "relevance peak (band at 700) | relevance at the band / best shared band |"
    )
    print("|---|---|---|---|---|---|---|")
    for cls in CLASSIFIERS:
        params = dict(max_epochs=8, lr=1e-3, batch_size=16, validation_fraction=0.0)
        params.update(RECIPES.get(cls.__name__, {}))
        start = time.perf_counter()
        clf = cls(random_state=0, **params).fit(X, y)
        fit_s = time.perf_counter() - start
        net = clf.module_
        lengths = []
        hook = net.cam_layer.register_forward_hook(
            lambda m, i, o, seen=lengths: seen.append(o.shape[-1])
        )
        with torch.no_grad():
            net.eval()(torch.zeros(1, LENGTH))
        hook.remove()
        mean = grad_cam(clf, X[y == 1], target=1).mean(axis=0)
        print(
            f"| {cls.__name__} | `{net.cam_layer_name}` | "
            f"{net.input_length / lengths[0]:.0f} | {fit_s:.0f} | "
            f"{(clf.predict(X) == y).mean():.2f} | {int(mean.argmax())} | "
            f"{mean[PEAK]:.2f} / {mean[list(SHARED)].max():.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
