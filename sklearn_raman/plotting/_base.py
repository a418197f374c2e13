"""What every plot needs: pyplot (the optional extra) and the spectral axis."""

from __future__ import annotations

import numpy as np


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plotting needs matplotlib: pip install 'sklearn_raman[plot]'"
        ) from exc
    return plt


def _axis(wavenumbers, n_points: int) -> np.ndarray:
    if wavenumbers is None:
        return np.arange(n_points)
    wavenumbers = np.asarray(wavenumbers, dtype=float)
    if wavenumbers.shape != (n_points,):
        raise ValueError(
            f"wavenumbers has shape {wavenumbers.shape}; the spectra have "
            f"{n_points} points"
        )
    return wavenumbers


def _label_axis(ax, wavenumbers) -> None:
    ax.set_xlabel("point" if wavenumbers is None else "Raman shift (cm$^{-1}$)")
