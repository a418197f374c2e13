import json
import pickle
import re

import numpy as np
import pytest
import torch
from imblearn.pipeline import Pipeline as ImbPipeline
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline

from sklearn_raman import MinMaxPerSpectrum, ShiftNoiseAugmenter, make_spectra
from sklearn_raman.neural import (
    CLASSIFIERS,
    DRCNNClassifier,
    SEResNet1DClassifier,
    SpectrumNetClassifier,
    resolve_device,
)

CLASSES = list(CLASSIFIERS)


@pytest.fixture(scope="module")
def easy():
    """Four well separated classes, string labels, train/test split."""
    X, y = make_spectra(
        n_classes=4, n_samples_per_class=40, n_points=256, snr_db=30, random_state=0
    )
    X = MinMaxPerSpectrum().fit_transform(X).astype(np.float32)
    labels = np.array(["calcite", "quartz", "albite", "gypsum"])[y]
    return train_test_split(X, labels, test_size=0.25, stratify=labels, random_state=0)


def test_every_classifier_is_registered():
    # the registry is the one list: every concrete deep classifier is in it, with
    # a tiny test configuration, a command-line name and a lazy top-level name
    import sklearn_raman
    from sklearn_raman import _registry
    from sklearn_raman.benchmark import model_names
    from sklearn_raman.neural import SpectrumNetClassifier

    def concrete(cls):
        found = {cls} if cls._network is not None else set()
        for sub in cls.__subclasses__():
            found |= concrete(sub)
        return found

    assert set(CLASSIFIERS) == concrete(SpectrumNetClassifier)
    assert [c.__name__ for c in CLASSIFIERS] == list(_registry.NAMES)
    for cls, entry in zip(CLASSIFIERS, _registry.DEEP_CLASSIFIERS):
        assert cls._get_test_params() and entry.cli in model_names()
        assert getattr(sklearn_raman, cls.__name__) is cls


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_learns_easy_spectra(cls, easy):
    X_train, X_test, y_train, y_test = easy
    clf = cls._create_test_instance(
        max_epochs=30, lr=cls._get_test_params().get("lr", 3e-3)
    ).fit(X_train, y_train)
    assert clf.score(X_test, y_test) > 0.9
    assert set(clf.classes_) == {"calcite", "quartz", "albite", "gypsum"}
    proba = clf.predict_proba(X_test)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(clf.predict(X_test), clf.classes_[proba.argmax(1)])
    emb = clf.transform(X_test)
    assert (
        emb.shape == (len(X_test), clf.module_.embedding_dim)
        and emb.dtype == np.float32
    )
    # a validation split is reported wherever there is one
    assert len(clf.history_) >= 1
    assert ("valid_acc" in clf.history_[-1]) == (clf.validation_fraction > 0)


def test_device_resolution(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == "cuda"
    assert resolve_device("cuda:1") == "cuda:1"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == "cpu"
    with pytest.warns(UserWarning, match="CUDA is not available"):
        assert resolve_device("cuda") == "cpu"


def test_cuda_request_without_cuda_trains_on_cpu(easy, monkeypatch):
    # a machine without CUDA, on any machine (not left to the autouse fixture)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    X_train, _, y_train, _ = easy
    with pytest.warns(UserWarning, match="CUDA is not available"):
        clf = SEResNet1DClassifier._create_test_instance(
            max_epochs=1, device="cuda"
        ).fit(X_train, y_train)
    assert clf.device_ == "cpu" and clf.net_.module_.autocast_dtype is None


@pytest.mark.gpu
def test_cuda_request_with_cuda_trains_on_cuda(easy):
    import warnings

    X_train, X_test, y_train, _ = easy
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf = SEResNet1DClassifier._create_test_instance(
            max_epochs=1, device="cuda"
        ).fit(X_train, y_train)
    # no "CUDA is not available" fallback (other warnings are not this test's)
    fallback = [w for w in caught if "CUDA is not available" in str(w.message)]
    assert not fallback, [str(w.message) for w in fallback]
    assert clf.device_ == "cuda" and next(clf.module_.parameters()).is_cuda
    assert clf.predict_proba(X_test).shape == (len(X_test), 4)


def test_mixed_precision_only_on_cuda(easy, monkeypatch):
    X_train, _, y_train, _ = easy
    clf = SEResNet1DClassifier._create_test_instance(max_epochs=1).fit(X_train, y_train)
    assert clf.net_.module_.autocast_dtype is None  # CPU: full precision
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: True)
    net = clf._skorch_net(clf.module_, "cuda")
    assert net.module.autocast_dtype is torch.bfloat16
    # on a CPU tensor the autocast branch is skipped: same logits as the bare net
    x = torch.tensor(X_train[:4])
    net.module.eval()
    torch.testing.assert_close(net.module(x), clf.module_.eval()(x))


def test_fine_tune_to_new_label_set(easy):
    X_train, X_test, y_train, y_test = easy
    clf = SEResNet1DClassifier._create_test_instance(max_epochs=30, lr=3e-3).fit(
        X_train, y_train
    )
    assert clf.score(X_test, y_test) > 0.9  # features worth transferring
    frozen_before = [p.clone() for p in clf.module_.features.parameters()]
    new_y = np.where(np.isin(y_train, ["calcite", "quartz"]), "carbonate-ish", "other")
    clf.fine_tune(X_train, new_y, max_epochs=20, lr=1e-2)
    assert list(clf.classes_) == ["carbonate-ish", "other"]
    assert clf.predict_proba(X_test).shape == (len(X_test), 2)
    for before, after in zip(frozen_before, clf.module_.features.parameters()):
        assert torch.equal(before, after) and not after.requires_grad
    new_test = np.where(
        np.isin(y_test, ["calcite", "quartz"]), "carbonate-ish", "other"
    )
    assert clf.score(X_test, new_test) > 0.9
    clf.fine_tune(X_train, new_y, max_epochs=1, freeze=None)
    assert all(p.requires_grad for p in clf.module_.parameters())
    with pytest.raises(ValueError, match="freeze must be"):
        clf.fine_tune(X_train, new_y, freeze="nope")
    with pytest.raises(ValueError, match="X has 10 features"):
        clf.fine_tune(X_train[:, :10], new_y)


def test_init_from_starts_from_pretrained_weights(easy, tmp_path):
    from safetensors import safe_open
    from sklearn.base import clone

    from sklearn_raman.neural import CompactResNet1DClassifier, pretrain

    X_train, X_test, y_train, y_test = easy
    library = np.isin(y_train, ["calcite", "quartz", "albite"])
    path = tmp_path / "library.safetensors"
    net = CompactResNet1DClassifier._create_test_instance(max_epochs=10)
    fitted = pretrain(
        X_train[library],
        y_train[library],
        path,
        estimator=net,
        grid=(100, 355, 1),
        description="three minerals",
    )
    assert not hasattr(net, "classes_")  # cloned, not fitted in place
    with safe_open(path, framework="pt") as f:
        meta = f.metadata()
    assert meta["pretrained_on"] == "three minerals"
    assert json.loads(meta["grid"]) == {"start": 100, "stop": 355, "step": 1}
    # a vanishing learning rate: the fitted net keeps the file's features, and
    # its output layer is new, for the new label set
    small = clone(net).set_params(init_from=str(path), lr=1e-12, max_epochs=1)
    small.fit(X_train, np.where(y_train == "gypsum", "new", "old"))
    assert list(small.classes_) == ["new", "old"]
    for (name, a), b in zip(
        fitted.module_.features.named_parameters(), small.module_.features.parameters()
    ):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6, msg=name)
    scratch = clone(net).set_params(lr=1e-12, max_epochs=1).fit(X_train, y_train)
    assert not torch.equal(
        next(fitted.module_.features.parameters()),
        next(scratch.module_.features.parameters()),
    )
    # the same estimator clones, searches and pickles with its init_from
    assert clone(small).init_from == str(path)
    assert pickle.loads(pickle.dumps(small)).init_from == str(path)


def test_frozen_epochs_train_the_output_layer_first(easy, tmp_path, monkeypatch):
    from sklearn_raman.neural import CompactResNet1DClassifier, pretrain
    from sklearn_raman.neural._training import TrainingMixin

    X_train, _, y_train, _ = easy
    path = tmp_path / "w.safetensors"
    net = CompactResNet1DClassifier._create_test_instance(max_epochs=2)
    fitted = pretrain(X_train, y_train, path, estimator=net)
    stages, train = [], TrainingMixin._train

    def spy(self, module, X, y, *, seed, max_epochs=None, lr=None):
        trainable = {n for n, p in module.named_parameters() if p.requires_grad}
        stages.append((max_epochs, trainable, module.features.training))
        train(self, module, X, y, seed=seed, max_epochs=max_epochs, lr=lr)
        if len(stages) == 1:  # the features are still the pre-trained ones
            for a, b in zip(
                fitted.module_.features.parameters(), module.features.parameters()
            ):
                torch.testing.assert_close(a, b, rtol=0, atol=0)

    monkeypatch.setattr(TrainingMixin, "_train", spy)
    y_new = np.where(y_train == "gypsum", "new", "old")
    net.set_params(init_from=path, frozen_epochs=3).fit(X_train, y_new)
    (first, head, features_trained), (second, everything, _) = stages
    assert first == 3 and second is None  # then max_epochs
    assert head == {"classifier.weight", "classifier.bias"} and not features_trained
    assert everything == {n for n, _ in net.module_.named_parameters()}
    assert all(p.requires_grad for p in net.module_.parameters())
    with pytest.raises(ValueError, match="frozen_epochs=3 .* needs init_from"):
        net.set_params(init_from=None).fit(X_train, y_new)


def test_imprinted_head_starts_as_nearest_class_mean(easy, tmp_path, monkeypatch):
    from sklearn_raman.neural import CompactResNet1DClassifier, pretrain
    from sklearn_raman.nn import SpectrumNet

    X_train, X_test, y_train, y_test = easy
    path = tmp_path / "w.safetensors"
    net = CompactResNet1DClassifier._create_test_instance(max_epochs=5)
    module = pretrain(X_train, y_train, path, estimator=net).module_
    # the network's own step: class c's weights point at the unit mean of its
    # unit embeddings, so the logits rank the classes by that cosine
    x, y = (
        torch.as_tensor(X_train),
        torch.as_tensor(np.unique(y_train, return_inverse=True)[1]),
    )
    module.train()
    assert module.imprint(x, y) and module.training
    assert torch.count_nonzero(module.classifier.bias) == 0
    module.eval()
    with torch.no_grad():
        z = torch.nn.functional.normalize(module.embed(torch.as_tensor(X_test)), dim=1)
        means = torch.stack(
            [
                torch.nn.functional.normalize(module.embed(x[y == c]), dim=1).mean(0)
                for c in range(int(y.max()) + 1)
            ]
        )
        nearest = (z @ torch.nn.functional.normalize(means, dim=1).T).argmax(1)
        np.testing.assert_array_equal(
            module(torch.as_tensor(X_test)).argmax(1), nearest
        )
    # the estimator imprints with init_from (by default), never without
    calls, imprint = [], SpectrumNet.imprint

    def spy(self, *args, **kwargs):
        calls.append(len(args[0]))
        return imprint(self, *args, **kwargs)

    monkeypatch.setattr(SpectrumNet, "imprint", spy)
    net.set_params(init_from=path, max_epochs=1).fit(X_train, y_train)
    net.set_params(head_init="random").fit(X_train, y_train)
    net.set_params(init_from=None, head_init="imprint").fit(X_train, y_train)
    assert calls == [len(X_train)]


def test_cosine_layer_scores_by_direction_only():
    from sklearn_raman.nn import CosineLinear

    layer = CosineLinear(8, 3, scale=5.0)
    z = torch.randn(6, 8)
    logits = layer(z)
    # a cosine times the scale: bounded, blind to the embedding's length
    assert logits.shape == (6, 3) and logits.abs().max() <= 5.0 + 1e-5
    torch.testing.assert_close(layer(7.0 * z), logits)
    # the class whose weights point along the embedding scores the scale
    with torch.no_grad():
        layer.weight[1] = 3.0 * z[0]
    assert layer(z[:1]).argmax().item() == 1
    assert layer(z[:1])[0, 1].item() == pytest.approx(5.0)
    with pytest.raises(ValueError, match="scale must be a positive number"):
        CosineLinear(8, 3, scale=0)


def test_cosine_output_layer_trains_imprints_fine_tunes_and_persists(easy, tmp_path):
    from sklearn.base import clone

    from sklearn_raman.neural import CompactResNet1DClassifier, pretrain
    from sklearn_raman.nn import CosineLinear

    X_train, X_test, y_train, y_test = easy
    net = CompactResNet1DClassifier._create_test_instance(
        max_epochs=15, output_layer="cosine"
    )
    net.fit(X_train, y_train)
    assert isinstance(net.module_.classifier, CosineLinear)
    assert net.score(X_test, y_test) >= 0.9
    # the saved weights rebuild the same cosine net, the same predictions
    path = tmp_path / "cos.safetensors"
    net.save_weights(path)
    back = clone(net).load_weights(path)
    assert isinstance(back.module_.classifier, CosineLinear)
    with pytest.raises(ValueError, match="output layer is 'cosine': set output_layer"):
        clone(net).set_params(output_layer="linear").load_weights(path)
    np.testing.assert_array_equal(back.predict_proba(X_test), net.predict_proba(X_test))
    restored = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(
        restored.predict_proba(X_test), net.predict_proba(X_test)
    )
    # imprinting a cosine layer sets unit class means: a nearest-class-mean start
    module = pretrain(X_train, y_train, path, estimator=net).module_
    x = torch.as_tensor(X_train)
    y = torch.as_tensor(np.unique(y_train, return_inverse=True)[1])
    assert module.imprint(x, y)
    torch.testing.assert_close(
        module.classifier.weight.norm(dim=1), torch.ones(4), rtol=0, atol=1e-5
    )
    # fine_tune gives a new cosine layer for the new label set
    new = np.where(y_train == "calcite", "calcite", "other")
    net.fine_tune(X_train, new, max_epochs=1)
    assert isinstance(net.module_.classifier, CosineLinear)
    assert net.module_.classifier.out_features == 2


def test_pretrain_uses_a_cosine_layer_without_label_smoothing(
    easy, tmp_path, monkeypatch
):
    # the default estimator of pretrain: what measured best for transfer; a
    # target classifier with the recommended linear layer starts from it
    from sklearn_raman.neural import CompactResNet1DClassifier, _pretrain, pretrain
    from sklearn_raman.nn import CosineLinear

    X_train, X_test, y_train, y_test = easy
    library = np.isin(y_train, ["calcite", "quartz", "albite"])
    path = tmp_path / "library.safetensors"
    small = CompactResNet1DClassifier._create_test_instance(max_epochs=2)
    fitted = pretrain(
        X_train[library],
        y_train[library],
        path,
        estimator=small.set_params(**_pretrain.PRETRAINING),
    )
    assert fitted.output_layer == "cosine" and fitted.label_smoothing == 0.0
    assert isinstance(fitted.module_.classifier, CosineLinear)
    target = small.set_params(output_layer="linear", init_from=path).fit(
        X_train, y_train
    )
    assert isinstance(target.module_.classifier, torch.nn.Linear)
    # pretrain's default estimator is the recommended net with that recipe
    seen = {}

    def fit(self, X, y):
        seen.update(self.get_params())
        raise RuntimeError("stop")

    monkeypatch.setattr(CompactResNet1DClassifier, "fit", fit)
    with pytest.raises(RuntimeError, match="stop"):
        pretrain(X_train, y_train, path)
    assert seen["output_layer"] == "cosine" and seen["label_smoothing"] == 0.0
    assert seen["lr"] == CompactResNet1DClassifier().lr  # the rest as recommended


def test_auto_epochs_give_small_sets_enough_steps(easy, monkeypatch):
    from sklearn_raman.neural import CompactResNet1DClassifier, _recipe
    from sklearn_raman.neural._recipe import AUTO_STEPS, auto_epochs

    assert auto_epochs(10_000, 64) == 40  # large sets: the tuned 40 epochs
    assert auto_epochs(960, 64) == -(-AUTO_STEPS // 15)  # 15 steps an epoch
    assert auto_epochs(8, 64) == 1000  # capped
    X_train, _, y_train, _ = easy
    monkeypatch.setattr(_recipe, "AUTO_STEPS", 30)  # a fast fit of 15 epochs
    monkeypatch.setattr(_recipe, "AUTO_EPOCHS", (5, 1000))
    net = CompactResNet1DClassifier._create_test_instance(
        max_epochs="auto", batch_size=len(X_train) // 2
    ).fit(X_train, y_train)
    assert len(net.history_) == 15  # two steps an epoch
    with pytest.raises(ValueError, match="max_epochs"):
        net.set_params(max_epochs="many").fit(X_train, y_train)


def test_init_from_names_what_does_not_fit(easy, tmp_path):
    from sklearn_raman.neural import (
        CompactResNet1DClassifier,
        LeNet1DClassifier,
        pretrain,
    )

    X_train, _, y_train, _ = easy
    path = tmp_path / "w.safetensors"
    net = CompactResNet1DClassifier._create_test_instance(max_epochs=1)
    pretrain(X_train, y_train, path, estimator=net, grid=(100, 355, 1))
    with pytest.raises(ValueError, match=r"256 points \(its grid: start=100.*200"):
        net.set_params(init_from=path).fit(X_train[:, :200], y_train)
    with pytest.raises(ValueError, match="same network parameters"):
        CompactResNet1DClassifier._create_test_instance(width=2.0, init_from=path).fit(
            X_train, y_train
        )
    with pytest.raises(ValueError, match="holds a CompactResNet1DClassifier"):
        LeNet1DClassifier._create_test_instance(init_from=path).fit(X_train, y_train)
    with pytest.raises(FileNotFoundError, match="no weights file"):
        net.set_params(init_from=tmp_path / "none").fit(X_train, y_train)
    with pytest.raises(TypeError, match="deep classifier"):
        pretrain(X_train, y_train, path, estimator=MinMaxPerSpectrum())


def test_grid_search_in_pipeline_with_string_labels(easy):
    X_train, X_test, y_train, y_test = easy
    pipe = Pipeline(
        [
            ("norm", MinMaxPerSpectrum()),
            (
                "cnn",
                SEResNet1DClassifier._create_test_instance(max_epochs=10, batch_size=8),
            ),
        ]
    )
    grid = GridSearchCV(
        pipe, {"cnn__lr": [3e-3, 1e-2], "cnn__kernel_size": [3, 5]}, cv=2
    )
    grid.fit(X_train, y_train)
    assert set(grid.best_params_) == {"cnn__lr", "cnn__kernel_size"}
    assert grid.predict(X_test).dtype.kind == "U"
    assert grid.score(X_test, y_test) > 0.8


def test_cross_val_score_beats_chance():
    X, y = make_spectra(
        n_classes=5, n_samples_per_class=24, n_points=400, snr_db=25, random_state=1
    )
    pipe = Pipeline(
        [
            ("norm", MinMaxPerSpectrum()),
            (
                "cnn",
                SEResNet1DClassifier._create_test_instance(
                    max_epochs=20, lr=3e-3, batch_size=8
                ),
            ),
        ]
    )
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.mean() > 0.8  # chance: 0.2


def test_inside_imblearn_pipeline_with_augmenter(monkeypatch):
    X, y = make_spectra(
        n_classes=3, n_samples_per_class=[40, 10, 5], n_points=200, random_state=0
    )
    seen = []
    real_fit = SEResNet1DClassifier.fit

    def spy(self, X_fit, y_fit):
        seen.append(np.unique(y_fit, return_counts=True)[1].tolist())
        return real_fit(self, X_fit, y_fit)

    monkeypatch.setattr(SEResNet1DClassifier, "fit", spy)
    pipe = ImbPipeline(
        [
            ("norm", MinMaxPerSpectrum()),
            ("augment", ShiftNoiseAugmenter(random_state=0)),
            ("cnn", SEResNet1DClassifier._create_test_instance(max_epochs=5)),
        ]
    ).fit(X, y)
    assert seen == [[40, 40, 40]]  # the net trained on the balanced, augmented set
    # at predict time the augmenter is skipped: the net sees the spectra as they are
    np.testing.assert_array_equal(
        pipe.predict_proba(X), pipe["cnn"].predict_proba(pipe["norm"].transform(X))
    )


@pytest.mark.parametrize("schedule", ["cosine", "onecycle", "plateau"])
def test_lr_schedules(easy, schedule):
    X_train, _, y_train, _ = easy
    clf = SEResNet1DClassifier._create_test_instance(
        max_epochs=3, lr_schedule=schedule
    ).fit(X_train, y_train)
    lrs = [group["lr"] for group in clf.net_.optimizer_.param_groups]
    if schedule != "plateau":
        assert lrs[0] != pytest.approx(clf.lr)
        return
    scheduler = dict(clf.net_.callbacks_)["lr_schedule"]
    assert scheduler.monitor == "valid_loss"
    assert isinstance(
        scheduler.lr_scheduler_, torch.optim.lr_scheduler.ReduceLROnPlateau
    )
    # a loss that cannot improve (a rate of 1e-6) is a plateau: the rate drops
    stuck = SEResNet1DClassifier._create_test_instance(
        max_epochs=8,
        lr=1e-6,
        patience=3,
        validation_fraction=0,
        lr_schedule="plateau",
    ).fit(X_train, y_train)
    assert dict(stuck.net_.callbacks_)["lr_schedule"].monitor == "train_loss"
    assert stuck.net_.optimizer_.param_groups[0]["lr"] <= 1e-7


def test_training_options(easy):
    X_train, _, y_train, _ = easy
    clf = SEResNet1DClassifier._create_test_instance(
        max_epochs=3,
        validation_fraction=0,
        class_weight="balanced",
        optimizer="sgd",
        optimizer_kwargs={"momentum": 0.9},
        weight_decay=1e-4,
        label_smoothing=0.1,
        augment={"shift": 3, "snr_db": None},
    ).fit(X_train, y_train)
    assert "valid_acc" not in clf.history_[-1] and len(clf.history_) == 3
    assert isinstance(clf.net_.optimizer_, torch.optim.SGD)
    assert clf.net_.optimizer_.param_groups[0]["momentum"] == 0.9
    assert clf.net_.criterion_.label_smoothing == 0.1
    assert clf.net_.criterion_.weight is not None
    with pytest.raises(ValueError, match="augment takes the keys"):
        SEResNet1DClassifier._create_test_instance(augment={"shfit": 2}).fit(
            X_train, y_train
        )
    with pytest.raises(ValueError, match="not a class of y"):
        SEResNet1DClassifier._create_test_instance(class_weight={"basalt": 2}).fit(
            X_train, y_train
        )


def test_early_stopping_restores_best_weights(easy):
    X_train, _, y_train, _ = easy
    clf = SEResNet1DClassifier._create_test_instance(
        max_epochs=40, patience=2, lr=3e-3
    ).fit(X_train, y_train)
    history = clf.history_
    assert len(history) < 40
    best = max(h["valid_acc"] for h in history)
    # the weights kept are those of the best epoch: they score its accuracy on
    # the validation split (drawn as in fit)
    from sklearn_raman._split import per_class_split
    from sklearn_raman.neural._device import draw_seed

    rng = np.random.RandomState(draw_seed(clf.random_state))
    _, valid = per_class_split(y_train, clf.validation_fraction, rng)
    valid_acc = (clf.predict(X_train[valid]) == y_train[valid]).mean()
    assert valid_acc == pytest.approx(best)
    assert len(history) - 1 > int(np.argmax([h["valid_acc"] for h in history]))


def test_deep_supervision_of_drcnn(easy):
    X_train, _, y_train, _ = easy
    clf = DRCNNClassifier._create_test_instance(max_epochs=1, alpha=0.5).fit(
        X_train, y_train
    )
    assert clf.net_.module_.deep_supervision and clf.net_.criterion_.alpha == 0.5
    plain = DRCNNClassifier._create_test_instance(max_epochs=1, alpha=0.0).fit(
        X_train, y_train
    )
    assert not plain.net_.module_.deep_supervision


def test_mixed_precision_trains_in_bfloat16_and_predicts_in_float32(easy, monkeypatch):
    # the CPU stands in for a bf16-capable GPU: autocast is allowed on it here
    from sklearn_raman.neural._module import TrainingModule

    X_train, X_test, y_train, _ = easy
    monkeypatch.setattr(TrainingModule, "autocast_devices", ("cuda", "cpu"))
    clf = SEResNet1DClassifier._create_test_instance(max_epochs=1)
    dtypes = []
    real_build = clf._build_module

    def build(n_points, n_classes):
        net = real_build(n_points, n_classes)
        net.features[0].register_forward_hook(lambda m, i, o: dtypes.append(o.dtype))
        return net

    monkeypatch.setattr(clf, "_build_module", build)
    clf.fit(X_train, y_train)
    assert clf.net_.module_.autocast_dtype is torch.bfloat16
    assert torch.bfloat16 in dtypes  # training ran under autocast
    dtypes.clear()
    proba = clf.predict_proba(X_test)
    clf.transform(X_test)
    assert dtypes and set(dtypes) == {torch.float32}
    # float32 probabilities: no bfloat16 quantisation into ties
    ref = clf.module_.float().eval()(torch.tensor(X_test)).softmax(1)
    np.testing.assert_allclose(proba, ref.detach().numpy(), rtol=1e-4, atol=1e-6)


def test_prediction_runs_without_tf32(easy, monkeypatch):
    # cuDNN's default TF32 convolutions would make GPU and CPU predictions differ
    X_train, X_test, y_train, _ = easy
    clf = SEResNet1DClassifier._create_test_instance(max_epochs=1).fit(X_train, y_train)
    monkeypatch.setattr(torch.backends.cudnn, "allow_tf32", True)
    seen = []
    clf.module_.features[0].register_forward_hook(
        lambda m, i, o: seen.append(
            (torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32)
        )
    )
    clf.predict_proba(X_test)
    assert seen and set(seen) == {(False, False)}
    assert torch.backends.cudnn.allow_tf32 is True  # restored
    # opting in: TF32 for both, the flags restored afterwards
    seen.clear()
    monkeypatch.setattr(torch.backends.cudnn, "allow_tf32", False)
    matmul = torch.backends.cuda.matmul  # a property: monkeypatch cannot undo it
    saved, matmul.allow_tf32 = matmul.allow_tf32, False
    try:
        fast = clf.set_params(inference_precision="tf32").predict_proba(X_test)
        assert not torch.backends.cudnn.allow_tf32 and not matmul.allow_tf32
    finally:
        matmul.allow_tf32 = saved
    assert seen and set(seen) == {(True, True)}
    exact = clf.set_params(inference_precision="float32").predict_proba(X_test)
    np.testing.assert_array_equal(fast, exact)  # the CPU ignores the flags


def test_fine_tune_keeps_frozen_batch_norm_statistics(easy):
    X_train, _, y_train, _ = easy
    clf = SEResNet1DClassifier._create_test_instance(max_epochs=3).fit(X_train, y_train)
    before = {k: v.clone() for k, v in clf.module_.features.state_dict().items()}
    assert any("running_mean" in k for k in before)
    rng = np.random.default_rng(0)
    shifted = (X_train * 3 + rng.normal(0, 0.5, X_train.shape)).astype(np.float32)
    clf.fine_tune(shifted, y_train, max_epochs=2, lr=1e-2)
    after = clf.module_.features.state_dict()
    for key, value in before.items():  # parameters and buffers alike
        torch.testing.assert_close(after[key], value, rtol=0, atol=0, msg=key)
    assert not clf.module_.features.training  # frozen layers stay in eval mode
    clf.net_.module_.train()
    assert not clf.module_.features.training and clf.module_.classifier.training
    # unfreezing later trains everything again, statistics included
    clf.fine_tune(shifted, y_train, max_epochs=1, freeze=None)
    assert all(p.requires_grad for p in clf.module_.parameters())
    moved = clf.module_.features.state_dict()
    assert any(not torch.equal(moved[k], before[k]) for k in before)


def test_verbose_prints_epoch_table(easy, capsys):
    X_train, _, y_train, _ = easy
    SEResNet1DClassifier._create_test_instance(max_epochs=2, verbose=0).fit(
        X_train, y_train
    )
    assert capsys.readouterr().out == ""
    SEResNet1DClassifier._create_test_instance(max_epochs=2, verbose=1).fit(
        X_train, y_train
    )
    out = capsys.readouterr().out
    assert re.search(r"epoch\s+train_loss\s+valid_acc\s+valid_loss", out)


def test_bad_input_errors(easy):
    X_train, X_test, y_train, _ = easy
    clf = SEResNet1DClassifier._create_test_instance(max_epochs=1)
    with pytest.raises(ValueError, match="at least 2 classes; got 1 class"):
        clf.fit(X_train, np.full(len(X_train), "calcite"))
    X_nan = X_train.copy()
    X_nan[0, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clf.fit(X_nan, y_train)
    clf.fit(X_train, y_train)
    with pytest.raises(ValueError, match="X has 100 features"):
        clf.predict(X_test[:, :100])


class _Compiled(torch.nn.Module):
    """Stands in for torch.compile's OptimizedModule: wraps, keeps _orig_mod."""

    calls = []

    def __init__(self, module, **kwargs):
        super().__init__()
        self._orig_mod = module
        _Compiled.calls.append(type(module).__name__)

    def forward(self, *args, **kwargs):
        return self._orig_mod(*args, **kwargs)


def test_compile_trains_the_compiled_module_and_keeps_the_eager_one(easy, monkeypatch):
    X_train, X_test, y_train, _ = easy
    plain = SEResNet1DClassifier._create_test_instance(max_epochs=3).fit(
        X_train, y_train
    )
    monkeypatch.setattr(torch, "compile", _Compiled)
    _Compiled.calls.clear()
    clf = SEResNet1DClassifier._create_test_instance(max_epochs=3, compile=True).fit(
        X_train, y_train
    )
    assert "TrainingModule" in _Compiled.calls
    assert not isinstance(clf.net_.module_, _Compiled)
    assert not isinstance(clf.net_.criterion_, _Compiled)
    np.testing.assert_array_equal(
        clf.predict_proba(X_test), plain.predict_proba(X_test)
    )
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict(X_test), clf.predict(X_test))


@pytest.mark.slow
def test_compile_for_real(easy):
    X_train, X_test, y_train, y_test = easy
    clf = SEResNet1DClassifier._create_test_instance(max_epochs=20, compile=True).fit(
        X_train, y_train
    )
    assert clf.score(X_test, y_test) > 0.8
    pickle.loads(pickle.dumps(clf)).predict(X_test)


def test_no_grad_batches_shrink_where_feature_maps_are_large(easy, monkeypatch):
    # validation and prediction batches keep one feature map within
    # INFERENCE_BYTES: 256 validation spectra of a 2D net at 128 px held 2 GB
    from sklearn_raman.neural import _inference
    from sklearn_raman.nn._base import largest_activation

    X_train, X_test, y_train, _ = easy
    clf = SEResNet1DClassifier._create_test_instance(max_epochs=1).fit(X_train, y_train)
    assert clf.net_.iterator_valid__batch_size == 256
    probe = torch.zeros(1, X_train.shape[1])
    per_row = 4 * largest_activation(clf.module_, probe)
    assert per_row >= 4 * X_train.shape[1]
    expected = clf.predict_proba(X_test)
    monkeypatch.setitem(_inference.INFERENCE_BYTES, "cpu", 5 * per_row)
    rows = []
    clf.module_.register_forward_hook(lambda m, i, o: rows.append(len(o)))
    np.testing.assert_allclose(clf.predict_proba(X_test), expected, atol=1e-6)
    assert set(rows[1:]) == {5}  # the first call is the one-spectrum probe
    assert len(rows) == 1 + -(-len(X_test) // 5)
    clf.set_params(batch_size=2).fit(X_train, y_train)
    assert clf.net_.iterator_valid__batch_size == 5
    clf.set_params(batch_size=8).fit(X_train, y_train)
    assert clf.net_.iterator_valid__batch_size == 8  # never below training's


def test_n_threads_hold_for_fit_and_predict_then_are_restored(monkeypatch):
    import sklearn_raman.neural._base as base
    import sklearn_raman.neural._training as training

    seen = []

    def spy(module, name):
        real = getattr(module, name)

        def wrapper(*args, **kwargs):
            seen.append(torch.get_num_threads())
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    spy(training, "recalibrate_batch_norm")  # at the end of training
    spy(base, "forward_in_chunks")  # every prediction
    X, y = make_spectra(n_classes=3, n_samples_per_class=8, n_points=64, random_state=0)
    before = torch.get_num_threads()
    target = 2 if before == 1 else 1
    clf = CLASSIFIERS[0]._create_test_instance(max_epochs=1, n_threads=target)
    clf.fit(X, y).predict(X)
    assert seen == [target, target] and torch.get_num_threads() == before
    seen.clear()
    clf.set_params(n_threads=None).predict(X)
    assert seen == [before]


def test_joblib_process_workers_split_the_cores():
    # what the n_threads docs promise: scikit-learn's n_jobs=2 (loky processes)
    # gives each worker's torch its share of the cores, not all of them
    from joblib import Parallel, cpu_count, delayed

    threads = Parallel(n_jobs=2)(delayed(torch.get_num_threads)() for _ in range(2))
    assert threads == [max(1, cpu_count() // 2)] * 2


# -- one transfer machinery: init_from and fine_tune --------------------------
def spy_transfer(monkeypatch):
    """Record each training stage (epochs, trainable layers, features' mode)
    and each imprinting (number of spectra)."""
    from sklearn_raman.neural._training import TrainingMixin
    from sklearn_raman.nn import SpectrumNet

    stages, train = [], TrainingMixin._train
    imprinted, imprint = [], SpectrumNet.imprint

    def spy_train(self, module, X, y, *, seed, max_epochs=None, lr=None):
        trainable = {
            n.split(".")[0] for n, p in module.named_parameters() if p.requires_grad
        }
        stages.append((max_epochs, trainable, module.features.training))
        train(self, module, X, y, seed=seed, max_epochs=max_epochs, lr=lr)

    def spy_imprint(self, x, y, *args, **kwargs):
        imprinted.append(len(x))
        return imprint(self, x, y, *args, **kwargs)

    monkeypatch.setattr(TrainingMixin, "_train", spy_train)
    monkeypatch.setattr(SpectrumNet, "imprint", spy_imprint)
    return stages, imprinted


def test_fine_tune_imprints_and_probes_like_init_from(easy, monkeypatch):
    X_train, _, y_train, _ = easy
    clf = SEResNet1DClassifier._create_test_instance(max_epochs=3).fit(X_train, y_train)
    stages, imprinted = spy_transfer(monkeypatch)
    new_y = np.where(y_train == "gypsum", "gypsum", "other")
    clf.fine_tune(
        X_train, new_y, max_epochs=2, head_init="imprint", frozen_epochs=1, freeze=None
    )
    assert imprinted == [len(X_train)]
    (probe, head, probe_features), (tune, tuned, _) = stages
    # the linear probe trains the output layer alone, frozen features in eval
    # mode; then, with freeze=None, the whole network
    assert probe == 1 and head == {"classifier"} and not probe_features
    assert tune == 2 and tuned == {"features", "classifier"}
    stages.clear()
    clf.fine_tune(X_train, new_y, max_epochs=1, head_init="random")  # no probe
    assert imprinted == [len(X_train)] and len(stages) == 1
    with pytest.raises(ValueError, match="'head_init' parameter of .*fine_tune"):
        clf.fine_tune(X_train, new_y, head_init="zeros")


def test_fine_tune_defaults_to_the_estimators_head_init_and_frozen_epochs(
    easy, monkeypatch
):
    X_train, _, y_train, _ = easy
    clf = SEResNet1DClassifier._create_test_instance(max_epochs=1).fit(X_train, y_train)
    assert (clf.head_init, clf.frozen_epochs) == ("imprint", 0)  # the defaults
    stages, imprinted = spy_transfer(monkeypatch)
    new_y = np.where(y_train == "gypsum", "gypsum", "other")

    def tune(**kwargs):
        stages.clear()
        imprinted.clear()
        clf.fine_tune(X_train, new_y, max_epochs=1, **kwargs)
        return len(imprinted), [epochs for epochs, *_ in stages]

    # not given: the estimator's own parameters (imprint, no probe by default)
    assert tune() == (1, [1])
    clf.set_params(head_init="random", frozen_epochs=2)
    assert tune() == (0, [2, 1])
    # given: the argument wins over the parameter, either way
    assert tune(head_init="imprint", frozen_epochs=0) == (1, [1])
    clf.set_params(head_init="imprint", frozen_epochs=0)
    assert tune(head_init="random", frozen_epochs=3) == (0, [3, 1])
    # any integral type, numpy's included; a bool is not a number of epochs
    assert tune(frozen_epochs=np.int64(1)) == (1, [1, 1])
    classes = clf.classes_
    for bad in [True, False, -1, 1.5, "2"]:
        with pytest.raises(
            ValueError, match="'frozen_epochs' parameter of .*fine_tune"
        ):
            clf.fine_tune(X_train, y_train, frozen_epochs=bad)
    with pytest.raises(ValueError, match="freeze must be"):
        clf.fine_tune(X_train, y_train, freeze=["features"])
    assert clf.classes_ is classes  # refused before anything changed
    # the estimator's own parameter is held to the same rule, in fit too
    clf.set_params(frozen_epochs=True)
    with pytest.raises(ValueError, match="'frozen_epochs' .* not a bool"):
        clf.fine_tune(X_train, new_y)
    with pytest.raises(ValueError, match="'frozen_epochs' .* not a bool"):
        clf.fit(X_train, y_train)


def test_freeze_means_one_thing():
    from sklearn_raman.neural._transfer import freeze_layers as freeze
    from sklearn_raman.nn import SEResNet1D

    net = SEResNet1D(64, 3, channels=(8, 16), blocks=(1, 1))
    for which, fixed in [
        ("features", net.feature_layers()),
        ("all", net.body_layers()),
        (None, []),
    ]:
        freeze(net, which)
        net.train()
        frozen = {id(p) for m in fixed for p in m.parameters()}
        assert all(p.requires_grad != (id(p) in frozen) for p in net.parameters())
        # frozen modules stay in eval mode: batch-norm statistics, dropout fixed
        assert all(not m.training for f in fixed for m in f.modules())
        assert net.classifier.training
    with pytest.raises(ValueError, match="freeze must be"):
        freeze(net, "head")


# -- the generated docstrings -------------------------------------------------
@pytest.mark.parametrize(
    "cls", [*CLASSES, SpectrumNetClassifier], ids=lambda c: c.__name__
)
def test_docstring_lists_exactly_the_signature(cls):
    import ast
    import inspect

    docscrape = pytest.importorskip("numpydoc.docscrape")
    doc = docscrape.ClassDoc(cls, config={"show_class_members": False})
    documented = [p.name for p in doc["Parameters"]]
    assert documented == list(inspect.signature(cls).parameters)
    attributes = [a.name for a in doc["Attributes"]]
    assert attributes[:2] == ["classes_", "n_features_in_"]
    # each parameter says its class's own default (where it writes a value)

    defaults = {n: p.default for n, p in inspect.signature(cls).parameters.items()}
    for p in doc["Parameters"]:
        try:
            written = ast.literal_eval(p.type.rpartition("default=")[2])
        except (ValueError, SyntaxError):  # a name, e.g. SANG2021_BLOCKS
            continue
        assert written == defaults[p.name], p


def test_docstring_generation_fills_in_order_and_refuses_phantoms():
    from sklearn_raman.neural._docstring import document
    from sklearn_raman.neural._params import TRAINING_DEFAULTS, make_init

    class Toy:
        """A toy.

        Parameters
        ----------
        depth : int, default=3
            Depth.
        max_epochs : int, default=7
            Its own words.
        **kwargs
            Gone.

        Examples
        --------
        >>> 1
        1
        """

        __init__ = make_init("Toy", {"depth": 3, **TRAINING_DEFAULTS, "max_epochs": 7})

    document(Toy)
    names = re.findall(r"^ {8}(\w+) : ", Toy.__doc__, flags=re.M)  # its indent
    assert names == ["depth", *TRAINING_DEFAULTS, "classes_", "n_features_in_",
                     "net_", "history_", "device_"]  # fmt: skip
    assert "Its own words." in Toy.__doc__ and "**kwargs" not in Toy.__doc__
    assert "\n        lr : float, default=1e-4\n" in Toy.__doc__
    assert Toy.__doc__.index("Attributes") < Toy.__doc__.index("Examples")

    class Phantom:
        """A phantom.

        Parameters
        ----------
        bogus : int
            Not a parameter.
        """

        __init__ = make_init("Phantom", {"lr": 1.0})

    with pytest.raises(TypeError, match="documents 'bogus'"):
        document(Phantom)


def test_every_training_parameter_has_a_default_constraints_and_docs():
    from sklearn_raman.neural._params import (
        TRAINING_CONSTRAINTS,
        TRAINING_DEFAULTS,
        TRAINING_DOCS,
    )

    assert list(TRAINING_DEFAULTS) == list(TRAINING_CONSTRAINTS) == list(TRAINING_DOCS)
