import numpy as np
import pytest
import torch
from skorch.dataset import Dataset
from torch.utils.data import Subset

from sklearn_raman import make_spectra
from sklearn_raman.neural import SEResNet1DClassifier
from sklearn_raman.neural._loader import TensorBatches


def _dataset(n=10):
    return Dataset(torch.arange(n * 3.0).reshape(n, 3), torch.arange(n))


def test_in_order_batches_are_slices():
    batches = list(TensorBatches(_dataset(10), batch_size=4))
    assert [len(yb) for _, yb in batches] == [4, 4, 2]
    assert torch.equal(torch.cat([yb for _, yb in batches]), torch.arange(10))
    assert torch.equal(batches[1][0][0], torch.tensor([12.0, 13.0, 14.0]))


@pytest.mark.parametrize("n, batch_size, sizes", [(9, 4, [4, 5]), (8, 4, [4, 4])])
def test_shuffled_epoch_is_a_permutation(n, batch_size, sizes):
    loader = TensorBatches(
        _dataset(n),
        batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(0),
    )
    batches = list(loader)
    # a trailing single row is merged into the batch before (batch norm needs 2)
    assert [len(yb) for _, yb in batches] == sizes == [len(b[1]) for b in batches]
    assert len(loader) == len(sizes)
    seen = torch.cat([yb for _, yb in batches])
    assert sorted(seen.tolist()) == list(range(n))
    for xb, yb in batches:  # rows stay paired with their labels
        assert torch.equal(xb[:, 0], yb * 3.0)
    again = TensorBatches(
        _dataset(n),
        batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(0),
    )
    assert torch.equal(seen, torch.cat([yb for _, yb in again]))
    assert not torch.equal(seen, torch.cat([yb for _, yb in loader]))  # new epoch


def test_other_datasets_fall_back_to_a_dataloader():
    subset = Subset(_dataset(10), [1, 3, 5])
    batches = list(TensorBatches(subset, batch_size=2))
    assert len(TensorBatches(subset, batch_size=2)) == 2
    assert torch.equal(torch.cat([yb for _, yb in batches]), torch.tensor([1, 3, 5]))


def test_fit_does_no_per_sample_indexing(monkeypatch):
    def per_sample(self, i):
        raise AssertionError("a sample was fetched one by one")

    monkeypatch.setattr(Dataset, "__getitem__", per_sample)
    X, y = make_spectra(
        n_classes=3, n_samples_per_class=11, n_points=64, random_state=0
    )
    clf = SEResNet1DClassifier._create_test_instance(max_epochs=2, batch_size=8).fit(
        X, y
    )
    assert len(clf.history_) == 2
    assert np.isfinite(clf.history_[-1, "valid_loss"])
