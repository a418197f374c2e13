"""skorch callbacks: the recipe's own (time budget, schedules) and the user's.

The recipe's callbacks are built for each fit from the estimator's parameters
(:func:`~._recipe.callbacks`); the user's (``callbacks=``) are deep-copied for
each fit by :func:`user_callbacks`, so that the objects in the parameters hold
no training state and fits (clones, searches with ``n_jobs > 1``) share none.
"""

from __future__ import annotations

import copy
import math
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from skorch.callbacks import Callback, PrintLog

#: an ANSI colour code (skorch marks the best score of each column with one)
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def colour_wanted(stream=None) -> bool:
    """Whether ``stream`` (default: standard output) shows colour codes.

    Only a terminal does; a log file or a pipe would keep the codes as text.
    ``NO_COLOR`` set to anything non-empty (no-color.org) turns them off too.
    """
    stream = sys.stdout if stream is None else stream
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class PlainPrintLog(PrintLog):
    """skorch's epoch table, with its colour codes only on a terminal.

    skorch writes an escape code (cyan) around each best score on any output;
    ``train ... > log.txt`` then holds escape characters. Decided at each
    epoch, since the output may be redirected between fits.
    """

    def table(self, row) -> str:
        text = super().table(row)
        return text if colour_wanted() else _COLOUR.sub("", text)


#: the names of the recipe's own callbacks, which user callbacks may not take
RECIPE_NAMES = ("early_stopping", "time_budget", "lr_schedule")


def _pairs(callbacks) -> list[tuple[str | None, object]]:
    """``(name or None, callback)`` of each entry of ``callbacks``, checked."""
    out = []
    for item in callbacks or ():
        name, cb = item if isinstance(item, tuple) and len(item) == 2 else (None, item)
        if not isinstance(cb, Callback) or not isinstance(name, (str, type(None))):
            raise TypeError(
                "callbacks must hold skorch callbacks (instances of "
                "skorch.callbacks.Callback) or (name, callback) pairs; got "
                f"{item!r}"
            )
        if name in RECIPE_NAMES:
            raise ValueError(
                f"callbacks: {name!r} is the name of one of the recipe's own "
                f"callbacks {RECIPE_NAMES}; give yours another name (to leave "
                "out the recipe's, set patience=None, max_time=None or "
                "lr_schedule=None)"
            )
        out.append((name, cb))
    return out


def user_callbacks(callbacks, workdir: str | None = None) -> list:
    """Fresh copies of the user's ``callbacks``, as skorch takes them.

    The list is deep-copied as a whole (so a ``LoadInitState`` keeps pointing
    at the copy of its ``Checkpoint``). A callback whose ``dirname`` is None
    gets a directory of its own under ``workdir`` (the fit's temporary
    directory, see :func:`fit_workdir`); without ``workdir`` (a net that is
    not trained) it keeps None.
    """
    out = []
    for k, (name, cb) in enumerate(_pairs(copy.deepcopy(list(callbacks or ())))):
        if workdir is not None and getattr(cb, "dirname", "") is None:
            cb.dirname = os.path.join(workdir, str(k))
        out.append(cb if name is None else (name, cb))
    return out


@contextmanager
def fit_workdir(callbacks) -> Iterator[str | None]:
    """A temporary directory for one fit's ``dirname=None`` callbacks, or None.

    Removed when the fit ends: parallel fits of clones (whose callbacks all
    say ``dirname=None``) each write into their own, never into each other's.
    """
    if not any(getattr(cb, "dirname", "") is None for _, cb in _pairs(callbacks)):
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="sklearn_raman_fit_") as workdir:
        yield workdir


class TimeBudget(Callback):
    """Stop training at the end of the first epoch past ``seconds``."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def on_train_begin(self, net, **kwargs):
        """Start the clock."""
        self.start_ = time.monotonic()

    def on_epoch_end(self, net, **kwargs):
        """End training once the budget is spent."""
        if time.monotonic() - self.start_ > self.seconds:
            raise KeyboardInterrupt  # skorch's way to end fit early (as EarlyStopping)


class AnnealedLR(Callback):
    """Per-batch cosine or one-cycle learning rate over the training progress.

    Progress is the share of the planned optimizer steps done (``max_epochs``
    times the batches per epoch, counted from the training iterator itself at
    the first epoch, so a merged or dropped last batch is accounted for) or,
    with a time budget, the share of the budget spent, whichever is further.
    The last planned step runs at the final rate, and a fit cut short by its
    budget still ends at a low learning rate instead of stopping in the middle
    of the schedule.

    Parameters
    ----------
    kind : {"cosine", "onecycle"}
        ``"cosine"``: from ``lr`` down to ``lr * final_ratio``. ``"onecycle"``
        (Smith & Topin, 2019): warm up from ``lr / 25`` to ``lr`` over the first
        ``warmup`` of the progress, then cosine down to ``lr * final_ratio``.
    lr : float
        Peak learning rate.
    max_epochs : int
        Planned epochs.
    seconds : float or None, default=None
        Time budget; None: progress by steps only.
    warmup : float, default=0.3
        Share of the progress spent warming up (one-cycle only).
    final_ratio : float, default=1e-4
        Final learning rate as a share of ``lr``.
    """

    def __init__(
        self,
        kind: str,
        lr: float,
        max_epochs: int,
        seconds: float | None = None,
        warmup: float = 0.3,
        final_ratio: float = 1e-4,
    ):
        self.kind = kind
        self.lr = lr
        self.max_epochs = max_epochs
        self.seconds = seconds
        self.warmup = warmup
        self.final_ratio = final_ratio

    def on_train_begin(self, net, **kwargs):
        """Reset the step count and the clock."""
        self.step_ = 0
        self.total_steps_ = None
        self.start_ = time.monotonic()

    def on_epoch_begin(self, net, dataset_train=None, **kwargs):
        """Plan the steps from the length of the training iterator."""
        if self.total_steps_ is None:
            per_epoch = len(net.get_iterator(dataset_train, training=True))
            self.total_steps_ = self.max_epochs * max(1, per_epoch)

    def progress(self) -> float:
        """Share of training done, in [0, 1]; 1 at the last planned step."""
        done = self.step_ / max(1, self.total_steps_ - 1)
        if self.seconds:
            done = max(done, (time.monotonic() - self.start_) / self.seconds)
        return min(1.0, done)

    def rate(self, progress: float) -> float:
        """Learning rate at ``progress``."""
        low = self.lr * self.final_ratio
        if self.kind == "onecycle":
            if progress < self.warmup:
                start = self.lr / 25
                t = progress / self.warmup
                return start + (self.lr - start) * (1 - math.cos(math.pi * t)) / 2
            progress = (progress - self.warmup) / (1 - self.warmup)
        return low + (self.lr - low) * (1 + math.cos(math.pi * progress)) / 2

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        """Set the rate of every parameter group before a training step."""
        if not training:
            return
        lr = self.rate(self.progress())
        for group in net.optimizer_.param_groups:
            group["lr"] = lr
        self.step_ += 1
