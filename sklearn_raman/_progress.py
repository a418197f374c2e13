"""Progress bars: one rule for every loop over files, spectra and chunks."""

from __future__ import annotations

from collections.abc import Iterable


def progress_bar(
    iterable: Iterable | None = None,
    *,
    total: int,
    progress: bool | None = None,
    auto_above: int = 100,
    **kwargs,
):
    """A tqdm bar over ``iterable`` (or one to ``update`` by hand).

    ``progress``: True shows it, False never; None shows it for more than
    ``auto_above`` items, and then only on a terminal (tqdm's
    ``disable=None``), so logs redirected to a file get no bar.

    Parameters
    ----------
    iterable : iterable, default=None
        What to loop over; None: a bar to advance with ``update(n)``.
    total : int
        Items in all.
    progress : bool or None, default=None
        Shown, not shown, or decided as above.
    auto_above : int, default=100
        The item count above which ``progress=None`` shows the bar.
    **kwargs
        Further tqdm options (``unit``, ``desc``).

    Returns
    -------
    bar : tqdm.tqdm
        Iterable like ``iterable``; a context manager.

    Examples
    --------
    >>> from sklearn_raman._progress import progress_bar
    >>> [i for i in progress_bar(range(3), total=3)]  # 3 items: no bar
    [0, 1, 2]
    """
    from tqdm.auto import tqdm

    if progress is None:
        disable = None if total > auto_above else True
    else:
        disable = not progress
    return tqdm(iterable, total=total, disable=disable, **kwargs)
