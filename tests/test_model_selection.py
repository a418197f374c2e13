import numpy as np
import pytest

from sklearn_raman import load_rruff_sang2021, rruff_sample_id
from sklearn_raman.model_selection import (
    PaperSplit,
    SampleGroupedSplit,
    unseen_class_share,
)


def test_paper_split_proportions_and_small_classes():
    y = np.repeat(["a", "b", "c", "d"], [100, 10, 2, 1])
    X = np.zeros((len(y), 3))
    splits = list(PaperSplit(n_repeats=4, random_state=0).split(X, y))
    assert len(splits) == 4
    for train, test in splits:
        assert not set(train) & set(test) and len(train) + len(test) == len(y)
        counts = {c: int(np.sum(y[test] == c)) for c in "abcd"}
        assert counts == {"a": 30, "b": 3, "c": 1, "d": 0}
        assert set(y[train]) == set("abcd")
    assert not np.array_equal(splits[0][1], splits[1][1])
    again = next(PaperSplit(random_state=0).split(X, y))[1]
    np.testing.assert_array_equal(again, splits[0][1])
    with pytest.raises(ValueError, match="X has 2 rows but y has 113"):
        next(PaperSplit().split(X[:2], y))


def test_paper_split_with_validation_is_56_14_30():
    y = np.repeat(np.arange(20), 50)
    X = np.zeros((len(y), 2))
    train, valid, test = next(PaperSplit(random_state=0).split_with_validation(X, y))
    assert (len(train), len(valid), len(test)) == (560, 140, 300)
    assert len(set(train) | set(valid) | set(test)) == len(y)
    assert set(y[valid]) == set(range(20))


def test_sample_grouped_split_keeps_samples_apart():
    rng = np.random.default_rng(0)
    groups = np.repeat([f"R{i}" for i in range(30)], 4)
    y = np.repeat(rng.integers(0, 5, 30), 4)
    folds = list(SampleGroupedSplit(n_splits=3, random_state=0).split(y, y, groups))
    assert len(folds) == 3
    for train, test in folds:
        assert not set(groups[train]) & set(groups[test])
    tested = np.concatenate([test for _, test in folds])
    assert sorted(tested) == list(range(len(y)))
    for train, test in SampleGroupedSplit(stratified=False, random_state=0).split(
        y, y, groups
    ):
        assert not set(groups[train]) & set(groups[test])
    with pytest.raises(ValueError, match="needs groups"):
        next(SampleGroupedSplit().split(y, y))


def test_sample_grouped_split_leaves_warning_filters_alone():
    # a generator suspended inside warnings.catch_warnings kept its filter on
    # in the caller's code between two folds
    import warnings

    y = np.repeat(["a", "b", "c"], [6, 6, 1])
    groups = np.arange(13)
    before = list(warnings.filters)
    folds = SampleGroupedSplit(3, random_state=0).split(y, y, groups)
    next(folds)
    assert warnings.filters == before
    with pytest.warns(UserWarning, match="The least populated class"):
        warnings.warn("The least populated class in y has 1 member", stacklevel=1)
    assert len(list(folds)) == 2


def test_unseen_class_share():
    y = np.array(["a", "a", "b", "c"])
    assert unseen_class_share(y, [0, 2], [1, 3]) == 0.5


def test_rruff_groups_of_dataset_2(rruff_npz):
    d = load_rruff_sang2021(rruff_npz, subset=2)
    ids = rruff_sample_id(d.filenames)
    np.testing.assert_array_equal(ids, d.groups)
    odd = [f for f in d.filenames if f.startswith("Miargyrite__altered")]
    assert rruff_sample_id(odd).tolist() == ["Miargyrite__altered"] * len(odd)
    with pytest.warns(FutureWarning, match="rruff_sample_id\\(filenames\\)"):
        from sklearn_raman.model_selection import rruff_sample_ids

        assert rruff_sample_ids(odd).tolist() == rruff_sample_id(odd).tolist()
    # a random split leaves most test spectra with a sibling of their sample in
    # training; a grouped split none
    train, test = next(PaperSplit(random_state=0).split(d.X, d.y))
    assert np.mean(np.isin(ids[test], ids[train])) > 0.5
    train, test = next(SampleGroupedSplit(random_state=0).split(d.X, d.y, ids))
    assert not np.isin(ids[test], ids[train]).any()
