"""A figure per identified spectrum: the query over its best reference."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .._progress import progress_bar

#: x label of the plots by the references' axis kind
AXIS_LABELS = {
    "raman_shift": "Raman shift / cm$^{-1}$",
    "wavenumber": "wavenumber / cm$^{-1}$",
    "wavelength": "wavelength / nm",
}


def save_match_plots(
    identifier, result, folder, *, progress: bool | None = None
) -> list[Path]:
    """Save per spectrum the query over the mean reference of its best match.

    For a CNN the Grad-CAM relevance of the match is shaded (where along the
    axis the network found its evidence). Needs matplotlib.

    Parameters
    ----------
    identifier : SpectrumIdentifier
        The fitted identifier that produced ``result``.
    result : IdentificationResult
        What :meth:`SpectrumIdentifier.identify` returned.
    folder : str or path-like
        Where the PNG files go (created); one ``NNNN_<spectrum>.png`` each.
    progress : bool or None, default=None
        A progress bar (tqdm) over the figures; None: shown for more than
        100 on a terminal.

    Returns
    -------
    paths : list of Path
        The files written, in the order of the spectra.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.identification import SpectrumIdentifier, save_match_plots
    >>> spectra, y = make_spectra(n_classes=3, n_samples_per_class=8,
    ...                           ragged=True, random_state=0)
    >>> ident = SpectrumIdentifier(model="library").fit(spectra, y)
    >>> paths = save_match_plots(ident, ident.identify(spectra[:2]),
    ...                          tempfile.mkdtemp())
    >>> [p.suffix for p in paths]
    ['.png', '.png']
    """
    try:  # a Figure of its own: the caller's pyplot backend stays as it is
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "save_match_plots needs matplotlib: pip install 'sklearn_raman[plot]'"
        ) from exc
    X = result.X
    best = result.top_classes[:, 0]
    relevance = match_relevance(identifier, result)
    grid, classes = identifier.grid_, list(identifier.classes_)
    folder = Path(os.fspath(folder))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    # one figure redrawn: a layout engine per figure would cost more than the plot
    fig = Figure(figsize=(8, 3.5))
    ax = fig.subplots()
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9)
    for i in progress_bar(
        range(len(result)), total=len(result), progress=progress, unit="figure"
    ):
        ax.clear()
        reference = identifier.reference_spectra_[classes.index(best[i])]
        if relevance is not None:
            ax.fill_between(
                grid,
                0,
                relevance[i] * max(X[i].max(), reference.max()),
                color="tab:red",
                alpha=0.2,
                lw=0,
                label="Grad-CAM relevance",
            )
        ax.plot(grid, reference, color="0.5", lw=1, label=f"mean {best[i]} reference")
        ax.plot(grid, X[i], color="tab:blue", lw=1, label="query")
        ax.set_xlabel(AXIS_LABELS.get(identifier.x_kind_, "axis of the files"))
        ax.set_ylabel("normalised intensity")
        name = result.names[i]
        ax.set_title(
            f"{name}: {result.verdicts[i]} (best match {best[i]})", fontsize=10
        )
        ax.legend(fontsize=8, loc="upper right")
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in str(name))
        paths.append(folder / f"{i:04d}_{safe}.png")
        fig.savefig(paths[-1], dpi=100)
    return paths


def match_relevance(identifier, result) -> np.ndarray | None:
    """Grad-CAM relevance of each spectrum's best match, for a CNN; else None.

    Where along the axis the network found its evidence for the match (0 to
    1 per spectrum), as :func:`sklearn_raman.inspection.grad_cam` gives it.
    """
    from .._utils import final_estimator

    model, head = final_estimator(identifier.pipeline_[-1].estimator_)
    if not hasattr(model, "module_"):
        return None
    from ..inspection import grad_cam

    X = head(result.X).astype(np.float32)
    return grad_cam(model, X, target=result.top_classes[:, 0])
