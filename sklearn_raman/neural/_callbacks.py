"""skorch callbacks of the training recipe: a time budget and annealed schedules."""

from __future__ import annotations

import math
import time

from skorch.callbacks import Callback


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
