"""Splitters for the papers' protocol and for honest, sample-grouped evaluation."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import numpy as np
from sklearn.model_selection import (
    BaseCrossValidator,
    GroupKFold,
    StratifiedGroupKFold,
)
from sklearn.utils import check_random_state

from ._split import per_class_split
from .datasets import rruff_sample_id

__all__ = ["LeaveClassesOut", "PaperSplit", "SampleGroupedSplit", "unseen_class_share"]


def rruff_sample_ids(filenames) -> np.ndarray:
    """Deprecated: use :func:`sklearn_raman.rruff_sample_id`, which takes several.

    Parameters
    ----------
    filenames : iterable of str
        File names or paths.

    Returns
    -------
    ids : ndarray of str
    """
    warnings.warn(
        "rruff_sample_ids is deprecated and will be removed; "
        "rruff_sample_id(filenames) takes several names",
        FutureWarning,
        stacklevel=2,
    )
    return rruff_sample_id(list(filenames))


def unseen_class_share(y, train, test) -> float:
    """Share of test spectra whose class has no spectrum in the training part.

    A classifier can never get these right; a sample-grouped split of a data set
    where many classes have a single sample (RRUFF) has many of them.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels.
    train, test : array-like of int
        Indices of the two parts.

    Returns
    -------
    share : float
        Fraction, in [0, 1], of the test indices whose label is not in ``y[train]``.

    Examples
    --------
    >>> from sklearn_raman.model_selection import unseen_class_share
    >>> unseen_class_share(["a", "a", "b", "c"], train=[0, 2], test=[1, 3])
    0.5
    """
    y = np.asarray(y)
    return float(np.mean(~np.isin(y[test], y[train])))


class PaperSplit(BaseCrossValidator):
    """The papers' protocol: repeated stratified random 70 / 30 splits.

    Sang et al. (2021) and Zhou et al. (2022) split every class 7:3 at random
    into training and test spectra and keep 20 % of the training part for
    validation (the deep classifiers' ``validation_fraction=0.2``), i.e.
    0.56 / 0.14 / 0.30. Each repeat draws a new split. Classes with a single
    spectrum go to training; every class with two or more spectra has at least
    one in each part, as needed for Dataset_2 (classes of 2 spectra).

    Random splits put other spectra of the same physical sample (orientations,
    lasers) on both sides; :class:`SampleGroupedSplit` does not.

    Parameters
    ----------
    n_repeats : int, default=1
        Number of splits.
    test_size : float, default=0.3
        Share of each class held out for testing (rounded, at least one
        spectrum, and at least one left for training).
    random_state : int, RandomState instance or None, default=None
        Seed.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.model_selection import PaperSplit
    >>> y = np.repeat(["a", "b", "c"], [10, 2, 1])
    >>> train, test = next(PaperSplit(random_state=0).split(np.zeros((13, 1)), y))
    >>> sorted(y[test].tolist())
    ['a', 'a', 'a', 'b']
    """

    def __init__(self, n_repeats: int = 1, test_size: float = 0.3, random_state=None):
        self.n_repeats = n_repeats
        self.test_size = test_size
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """Number of splits (``n_repeats``).

        Parameters
        ----------
        X, y, groups : object, default=None
            Ignored, for scikit-learn's splitter API.

        Returns
        -------
        n_splits : int
            ``n_repeats``.
        """
        return self.n_repeats

    def split(self, X, y, groups=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(train, test)`` index arrays, one pair per repeat.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra (only their number is used).
        y : array-like of shape (n_samples,)
            Labels.
        groups : None
            Ignored.

        Yields
        ------
        train, test : ndarray of int
            Indices of the training and test spectra.
        """
        y = np.asarray(y)
        if len(y) != len(X):
            raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels")
        rng = check_random_state(self.random_state)
        for _ in range(self.n_repeats):
            yield per_class_split(y, self.test_size, rng)

    def split_with_validation(self, X, y, valid_size: float = 0.2):
        """Yield ``(train, valid, test)``: the papers' 0.56 / 0.14 / 0.30.

        The test part is that of :meth:`split`; ``valid_size`` of each class of
        the rest is held out for validation in the same way.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra (only their number is used).
        y : array-like of shape (n_samples,)
            Labels.
        valid_size : float, default=0.2
            Share of each class's training part kept for validation.

        Yields
        ------
        train, valid, test : ndarray of int
        """
        y = np.asarray(y)
        rng = check_random_state(self.random_state)
        inner = PaperSplit(test_size=valid_size, random_state=rng)
        for rest, test in self.split(X, y):
            fit, valid = next(inner.split(rest, y[rest]))
            yield rest[fit], rest[valid], test

    def _iter_test_indices(self, X=None, y=None, groups=None):  # pragma: no cover
        raise NotImplementedError  # split() is overridden


class SampleGroupedSplit(BaseCrossValidator):
    """Stratified group k-fold by physical sample: new samples at test time.

    All spectra of one sample (one RRUFF id: its orientations, lasers and
    sub-samples) fall on the same side, so the test score measures how a model
    does on samples it has never seen. Folds are balanced by class as far as the
    groups allow (:class:`sklearn.model_selection.StratifiedGroupKFold`). Classes
    represented by a single sample end up in a test fold without any training
    spectrum; :func:`unseen_class_share` reports how many test spectra that is.

    Parameters
    ----------
    n_splits : int, default=3
        Number of folds (3: about 1/3 of the samples in each test fold, close to
        the papers' 30 %).
    stratified : bool, default=True
        Balance classes across folds as far as the groups allow. False: plain
        :class:`~sklearn.model_selection.GroupKFold`, which ignores the classes
        and leaves more test spectra without a training spectrum of their class
        (on RRUFF Dataset_1, 1-NN: 0.76 instead of 0.82).
    shuffle : bool, default=True
        Shuffle groups before folding.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffling.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.model_selection import SampleGroupedSplit
    >>> y = np.repeat(["a", "b"], 6)
    >>> groups = np.repeat(["R1", "R2", "R3", "R4", "R5", "R6"], 2)
    >>> for train, test in SampleGroupedSplit(random_state=0).split(y, y, groups):
    ...     assert not set(groups[train]) & set(groups[test])
    """

    def __init__(
        self,
        n_splits: int = 3,
        stratified: bool = True,
        shuffle: bool = True,
        random_state=None,
    ):
        self.n_splits = n_splits
        self.stratified = stratified
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """Number of folds.

        Parameters
        ----------
        X, y, groups : object, default=None
            Ignored, for scikit-learn's splitter API.

        Returns
        -------
        n_splits : int
            ``n_splits``.
        """
        return self.n_splits

    def split(self, X, y, groups=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(train, test)`` index arrays with disjoint sample groups.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra (only their number is used).
        y : array-like of shape (n_samples,)
            Labels, for stratification.
        groups : array-like of shape (n_samples,)
            Sample ids, e.g. ``load_rruff_sang2021(...).groups``.

        Yields
        ------
        train, test : ndarray of int
            Indices of the training and test spectra.
        """
        if groups is None:
            raise ValueError(
                "SampleGroupedSplit needs groups (the sample id of each spectrum)"
            )
        kind = StratifiedGroupKFold if self.stratified else GroupKFold
        cv = kind(
            n_splits=self.n_splits,
            shuffle=self.shuffle,
            random_state=self.random_state if self.shuffle else None,
        )
        with warnings.catch_warnings():
            # classes with fewer spectra than folds are the point of this split
            warnings.filterwarnings("ignore", "The least populated class", UserWarning)
            # drawn before the first yield: a generator suspended inside
            # catch_warnings would leave the filter on for its caller's code
            folds = list(cv.split(X, y, groups))
        yield from folds

    def _iter_test_indices(self, X=None, y=None, groups=None):  # pragma: no cover
        raise NotImplementedError  # split() is overridden


class LeaveClassesOut(BaseCrossValidator):
    """Whole classes held out as unknowns, repeated over disjoint class draws.

    What a lab fears is a material its library lacks reported as a known one.
    Each split holds ``n_unknown`` classes out of training entirely (their
    spectra are all in the test side: the unknowns) and, of each other class,
    a share ``known_test_size`` of its samples (by ``groups`` where given, so
    the known test spectra are of new samples), never all of them: a class
    of one sample stays in training whole, so the unknowns are exactly the
    classes held out (unless one sample holds spectra of several classes).
    The held-out classes of successive splits are disjoint until every class
    has been held out once (then a new shuffle starts), so ``n_splits`` splits
    cover
    ``n_splits * n_unknown`` class draws.

    Parameters
    ----------
    n_unknown : int, default=3
        Classes held out per split.
    n_splits : int, default=5
        Splits.
    known_test_size : float, default=0.3
        Share of the known classes' samples (groups) in the test side.
    random_state : int, RandomState instance or None, default=None
        Seed of the class draws and the known split.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.model_selection import LeaveClassesOut
    >>> y = np.repeat(np.arange(6), 10)
    >>> splitter = LeaveClassesOut(n_unknown=2, n_splits=3, random_state=0)
    >>> held = [sorted(set(y[test].tolist()) - set(y[train].tolist()))
    ...         for train, test in splitter.split(y, y)]
    >>> sorted(sum(held, []))  # disjoint draws: every class once
    [0, 1, 2, 3, 4, 5]
    """

    def __init__(
        self,
        n_unknown: int = 3,
        n_splits: int = 5,
        known_test_size: float = 0.3,
        random_state=None,
    ):
        self.n_unknown = n_unknown
        self.n_splits = n_splits
        self.known_test_size = known_test_size
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """Number of splits.

        Parameters
        ----------
        X, y, groups : object, default=None
            Ignored, for scikit-learn's splitter API.

        Returns
        -------
        n_splits : int
            ``n_splits``.
        """
        return self.n_splits

    def split(self, X, y, groups=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(train, test)``: test holds the unknown classes and new knowns.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra (only their number is used).
        y : array-like of shape (n_samples,)
            Class labels.
        groups : array-like of shape (n_samples,), default=None
            Sample ids: a known sample is on one side only.

        Yields
        ------
        train, test : ndarray of int
            Indices; the classes of ``test`` absent from ``train`` are the
            unknowns (:func:`unseen_class_share`).
        """
        y = np.asarray(y)
        classes = np.unique(y)
        if not 1 <= self.n_unknown <= len(classes) - 2:
            raise ValueError(
                f"n_unknown={self.n_unknown}: hold out 1 to {len(classes) - 2} of "
                f"the {len(classes)} classes (2 or more must stay known)"
            )
        if not 0 < self.known_test_size < 1:
            raise ValueError(
                f"known_test_size must be in (0, 1); got {self.known_test_size!r}"
            )
        rng = check_random_state(self.random_state)
        groups = np.arange(len(y)) if groups is None else np.asarray(groups)
        if len(groups) != len(y):
            raise ValueError(f"{len(groups)} groups for {len(y)} samples")
        pool: list = []
        for _ in range(self.n_splits):
            if len(pool) < self.n_unknown:  # every class held out once: reshuffle
                pool += [c for c in rng.permutation(classes) if c not in pool]
            unknown, pool = pool[: self.n_unknown], pool[self.n_unknown :]
            test = np.isin(y, unknown)
            # per known class, a share of its samples to the test side, never
            # all of them: a known class keeps training samples, so the
            # unknowns are the classes held out and no others
            for c in classes:
                if c in unknown:
                    continue
                mine = np.unique(groups[y == c])
                n_test = min(
                    len(mine) - 1, int(round(self.known_test_size * len(mine)))
                )
                if n_test > 0:
                    chosen = rng.choice(mine, n_test, replace=False)
                    test |= (y == c) & np.isin(groups, chosen)
            # a sample is on one side only, whatever classes it holds
            test |= np.isin(groups, groups[test])
            # that closure may have taken every sample of a known class that
            # shares samples with others: one of its samples goes back to
            # training, unless each holds an unknown class too
            bound = np.unique(groups[np.isin(y, unknown)])
            for c in classes:
                if c in unknown or (~test & (y == c)).any():
                    continue
                free = np.setdiff1d(np.unique(groups[y == c]), bound)
                if len(free):
                    test &= groups != rng.choice(free)
            yield np.flatnonzero(~test), np.flatnonzero(test)

    def _iter_test_indices(self, X=None, y=None, groups=None):  # pragma: no cover
        raise NotImplementedError  # split() is overridden
