import pickle
import warnings

import numpy as np
import pytest
import torch
from conftest import SHARED_DATA
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedGroupKFold,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline

from sklearn_raman import (
    MinMaxPerSpectrum,
    MultimodalClassifier,
    SpectrumResampler,
    align_modalities,
    make_multimodal,
    modality_columns,
    read_spectra,
    stack_modalities,
)
from sklearn_raman.modalities import parse_modalities
from sklearn_raman.nn.fusion import BlockAugment, FusionNet, LateVote

SMALL = dict(n_points=120, image_size=16)


@pytest.fixture(scope="module")
def data():
    return make_multimodal(n_samples_per_class=8, random_state=0, **SMALL)


def small(**params):
    return MultimodalClassifier._create_test_instance(max_epochs=3, **params)


# -- column blocks ------------------------------------------------------------
def test_parse_modalities_blocks_and_errors():
    blocks = parse_modalities([("a", 10), ("b", (4, 5)), ("c", (2, 3, 3))], 48)
    assert [(b.name, b.shape, b.start, b.stop) for b in blocks] == [
        ("a", (10,), 0, 10),
        ("b", (1, 4, 5), 10, 30),
        ("c", (2, 3, 3), 30, 48),
    ]
    assert parse_modalities(None, 7)[0].shape == (7,)
    with pytest.raises(ValueError, match=r"declare 10 \+ 20 = 30 columns; X has 31"):
        parse_modalities([("a", 10), ("b", (4, 5))], 31)
    with pytest.raises(ValueError, match="distinct names"):
        parse_modalities([("a", 1), ("a", 1)], 2)
    with pytest.raises(ValueError, match="integers >= 1"):
        parse_modalities([("a", 0)], 0)
    with pytest.raises(ValueError, match=r"\(name, size\) pair"):
        parse_modalities([("a", 3, 4)], 3)
    with pytest.raises(ValueError, match="list of"):
        parse_modalities("ftir", 3)


def test_stack_modalities_and_columns():
    spectra, images = np.arange(6.0).reshape(2, 3), np.ones((2, 2, 2))
    X, modalities = stack_modalities({"s": spectra, "i": images})
    assert modalities == [("s", 3), ("i", (2, 2))]
    np.testing.assert_array_equal(X[:, :3], spectra)
    cols = modality_columns(modalities)
    assert cols == {"s": slice(0, 3), "i": slice(3, 7)}
    with pytest.raises(ValueError, match="has 3 samples; the first block has 2"):
        stack_modalities({"s": spectra, "i": np.ones((3, 2, 2))})
    images[1] = np.nan
    with pytest.raises(ValueError, match='row 1 is missing.*missing="allow"'):
        stack_modalities({"s": spectra, "i": images})
    X, _ = stack_modalities({"s": spectra, "i": images}, missing="allow")
    assert np.isnan(X[1, 3:]).all()
    images[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="row 0: 1 of 4 values are NaN"):
        stack_modalities({"s": spectra, "i": images}, missing="allow")


def test_align_modalities_pairs_rows_by_sample_id():
    ftir = np.arange(8.0).reshape(4, 2)  # samples a b c d
    raman = np.array([[30.0], [10.0], [50.0]])  # samples c a e
    blocks, ids = (
        {"ftir": ftir, "raman": raman},
        {
            "ftir": ["a", "b", "c", "d"],
            "raman": ["c", "a", "e"],
        },
    )
    with pytest.warns(UserWarning) as caught:
        aligned, order = align_modalities(blocks, ids)
    assert order.tolist() == ["a", "c"]
    np.testing.assert_array_equal(aligned["ftir"], ftir[[0, 2]])
    np.testing.assert_array_equal(aligned["raman"], [[10.0], [30.0]])
    messages = [str(w.message) for w in caught]
    assert any("2 of 4 samples of 'ftir'" in m and "'b'" in m for m in messages)
    assert any("1 of 3 samples of 'raman'" in m and "'e'" in m for m in messages)
    aligned, order = align_modalities(blocks, ids, how="outer")
    assert order.tolist() == ["a", "b", "c", "d", "e"]
    np.testing.assert_array_equal(aligned["raman"][[0, 2]], [[10.0], [30.0]])
    assert np.isnan(aligned["raman"][[1, 3]]).all()
    assert np.isnan(aligned["ftir"][4]).all()
    X, _ = stack_modalities(aligned, missing="allow")
    assert X.shape == (5, 3)
    with pytest.raises(ValueError, match="'a' is on rows 0 and 1"):
        align_modalities(blocks, {**ids, "ftir": ["a", "a", "c", "d"]})
    with pytest.raises(ValueError, match="has 3 rows but 2 sample ids"):
        align_modalities(blocks, {**ids, "raman": ["c", "a"]})
    with pytest.raises(ValueError, match="no sample id is in every block"):
        align_modalities(blocks, {**ids, "raman": ["x", "y", "z"]})
    with pytest.raises(ValueError, match="same modality names"):
        align_modalities(blocks, {"ftir": ids["ftir"]})


# -- synthetic paired data ----------------------------------------------------
def test_make_multimodal(data):
    n = 7 * 8
    assert data.X.shape == (n, 120 + 16 * 16)
    assert data.modalities == [("ftir", 120), ("sem", (16, 16))]
    np.testing.assert_array_equal(data.X[:, :120], data.spectra)
    np.testing.assert_array_equal(data.X[:, 120:], data.images.reshape(n, -1))
    assert (
        sorted(set(data.y)) == sorted(data.target_names) and len(data.target_names) == 7
    )
    assert data.images.min() >= 0 and data.images.max() <= 1
    again = make_multimodal(n_samples_per_class=8, random_state=0, **SMALL)
    np.testing.assert_array_equal(again.X, data.X)
    assert (data.y_secondary == "").all()
    mixed = make_multimodal(n_samples_per_class=8, mixed=1.0, random_state=0, **SMALL)
    aged = mixed.y != "pristine"
    assert (mixed.y_secondary[aged] != "").all()
    assert (mixed.y_secondary[aged] != mixed.y[aged]).all()
    with pytest.raises(ValueError, match="mixed"):
        make_multimodal(mixed=2)


# -- the network --------------------------------------------------------------
MODS = [("ftir", 100), ("sem", (16, 16))]


@pytest.mark.parametrize("fusion", ["concat", "late", "attention"])
def test_fusion_net_masks_a_missing_modality(fusion):
    torch.manual_seed(0)
    net = FusionNet(356, 3, modalities=MODS, fusion=fusion).eval()
    x = torch.rand(4, 356)
    with torch.no_grad():
        full = net(x)
        x_missing = x.clone()
        x_missing[1, 100:] = float("nan")
        out = net(x_missing)
        # the other samples do not change; the one without image is finite
        torch.testing.assert_close(out[[0, 2, 3]], full[[0, 2, 3]])
        assert torch.isfinite(out).all()
        # what the image held no longer matters
        x_other = x_missing.clone()
        x_other[1, :100] = x[1, :100]
        torch.testing.assert_close(net(x_other)[1], out[1])


def test_modality_dropout_masks_whole_blocks_never_all():
    torch.manual_seed(0)
    net = FusionNet(300, 3, modalities=[("a", 100), ("b", 200)], fusion="early")
    net.modality_dropout = 0.5
    x = torch.rand(256, 300)
    zeroed, present = net.train()._present(x)
    assert present.any(dim=1).all() and not present.all()
    a, b = zeroed[:, :100], zeroed[:, 100:]
    assert torch.equal(a.eq(0).all(1), ~present[:, 0])
    assert torch.equal(b.eq(0).all(1), ~present[:, 1])
    kept, _ = net.eval()._present(x)
    assert torch.equal(kept, x)


def test_early_fusion_needs_one_kind():
    net = FusionNet(300, 3, modalities=[("a", 100), ("b", 200)], fusion="early")
    assert len(net.features) == 1 and net.eval()(torch.rand(2, 300)).shape == (2, 3)
    images = FusionNet(
        2 * 64, 3, modalities=[("a", (8, 8)), ("b", (8, 8))], fusion="early"
    )
    assert images.features[0].shape == (2, 8, 8)
    with pytest.raises(ValueError, match="all modalities must be spectra"):
        FusionNet(356, 3, modalities=MODS, fusion="early")


def test_attention_weights_sum_to_one_and_are_nan_when_missing():
    torch.manual_seed(0)
    net = FusionNet(356, 3, modalities=MODS, n_heads=2).eval()
    x = torch.rand(3, 356)
    x[2, 100:] = float("nan")
    with torch.no_grad():
        logits, maps = net.forward_with_attention(x)
    spectral, image = maps["ftir", "sem"], maps["sem", "ftir"]
    assert spectral.shape == (3, net.features[0].n_tokens, net.features[1].n_tokens)
    torch.testing.assert_close(spectral[:2].sum(-1), torch.ones(2, spectral.shape[1]))
    assert spectral[2].isnan().all()  # its image is missing
    assert torch.isfinite(image[2]).all()  # the image's queries still exist
    torch.testing.assert_close(logits, net(x))


def test_late_vote_is_the_mean_probability_of_the_present_modalities():
    vote = LateVote(2, 4, 3)
    z, present = torch.rand(5, 8), torch.tensor([[True, True]] * 4 + [[False, True]])
    fused, logits = vote(z, present)
    probs = torch.softmax(logits, dim=-1)
    torch.testing.assert_close(fused[:4].exp(), probs[:, :4].mean(0))
    torch.testing.assert_close(fused[4].exp(), probs[1, 4])
    assert (logits[0, 4] == 0).all()


def test_block_augment_perturbs_spectra_and_turns_images():
    from sklearn_raman.nn import SpectrumAugment

    blocks = parse_modalities(MODS, 356)
    augment = BlockAugment(SpectrumAugment(shift=0, snr_db=None, scale=(2, 2)), blocks)
    torch.manual_seed(0)
    x = torch.rand(64, 356)
    out = augment.train()(x)
    torch.testing.assert_close(out[:, :100], 2 * x[:, :100])
    # an image is flipped or turned: the same pixels, some of them moved
    torch.testing.assert_close(out[:, 100:].sort(1).values, x[:, 100:].sort(1).values)
    assert not torch.equal(out[:, 100:], x[:, 100:])
    assert torch.equal(augment.eval()(x), x)


# -- the classifier -----------------------------------------------------------
@pytest.mark.parametrize("fusion", ["early", "concat", "late", "attention"])
def test_classifier_fits_every_fusion(data, fusion):
    X = data.X if fusion != "early" else data.spectra
    modalities = data.modalities if fusion != "early" else [("a", 60), ("b", 60)]
    clf = small(modalities=modalities, fusion=fusion).fit(X, data.y)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 7) and np.allclose(proba.sum(1), 1)
    assert clf.transform(X).shape == (len(X), clf.module_.embedding_dim)


def test_late_fusion_has_no_cosine_output_layer(data):
    with pytest.raises(ValueError, match=r"not one linear layer .*\(late fusion\)"):
        small(modalities=data.modalities, fusion="late", output_layer="cosine").fit(
            data.X, data.y
        )
    clf = small(modalities=data.modalities, fusion="concat", output_layer="cosine")
    assert clf.fit(data.X, data.y).predict_proba(data.X).shape == (len(data.X), 7)


def test_missing_modality_at_predict_time(data):
    clf = small(modalities=data.modalities, modality_dropout=0.3).fit(data.X, data.y)
    X = data.X.copy()
    X[:5, 120:] = np.nan  # no image for five particles
    X[5:8, :120] = np.nan  # no spectrum for three
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba[8:], clf.predict_proba(data.X[8:]), atol=1e-6)


def test_bad_rows_name_the_row_and_modality(data):
    clf = small(modalities=data.modalities).fit(data.X, data.y)
    X = data.X.copy()
    X[3, 125] = np.nan
    with pytest.raises(ValueError, match=r"row 3, modality 'sem' \(columns 120-375\)"):
        clf.predict(X)
    X[3] = np.nan
    with pytest.raises(ValueError, match="row 3 has no modality"):
        clf.predict(X)
    X = data.X.copy()
    X[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        clf.predict(X)
    with pytest.raises(
        ValueError, match=r"declare 120 \+ 256 = 376 columns; X has 120"
    ):
        small(modalities=data.modalities).fit(data.spectra, data.y)


def test_attention_and_token_extents(data):
    clf = small(modalities=data.modalities).fit(data.X, data.y)
    maps = clf.attention(data.X[:4])
    extents = clf.token_extents()
    assert maps["ftir", "sem"].shape == (4, len(extents["ftir"]), len(extents["sem"]))
    np.testing.assert_allclose(maps["sem", "ftir"].sum(-1), 1, rtol=1e-5)
    # the tokens tile their block
    covered = np.zeros(120, bool)
    for (points,) in extents["ftir"]:
        covered[points] = True
    assert covered.all()
    with pytest.raises(ValueError, match="fusion='attention'"):
        small(modalities=data.modalities, fusion="concat").fit(
            data.X, data.y
        ).attention(data.X)


def test_pipeline_with_a_column_transformer_and_search(data):
    cols = modality_columns(data.modalities)
    prep = ColumnTransformer(
        [
            ("ftir", MinMaxPerSpectrum(), cols["ftir"]),
            ("sem", "passthrough", cols["sem"]),
        ]
    )
    pipe = make_pipeline(prep, small(modalities=data.modalities))
    search = GridSearchCV(
        pipe, {"multimodalclassifier__fusion": ["concat", "late"]}, cv=2
    ).fit(data.X, data.y)
    # the search reaches the nested parameter: its scores are those of a
    # manual search over the same (deterministic) folds, and so its choice
    candidates = list(search.cv_results_["params"])
    manual = [
        cross_val_score(clone(pipe).set_params(**params), data.X, data.y, cv=2).mean()
        for params in candidates
    ]
    np.testing.assert_allclose(search.cv_results_["mean_test_score"], manual)
    assert search.best_params_ == candidates[int(np.argmax(manual))]
    assert search.best_score_ == pytest.approx(max(manual))
    # and the refitted network is built with the chosen fusion
    best = search.best_params_["multimodalclassifier__fusion"]
    head = search.best_estimator_[-1].module_.classifier
    assert isinstance(head, LateVote) == (best == "late")
    fitted = pickle.loads(pickle.dumps(search.best_estimator_))
    np.testing.assert_array_equal(
        fitted.predict(data.X), search.best_estimator_.predict(data.X)
    )
    assert (
        clone(pipe).get_params()["multimodalclassifier__modalities"] == data.modalities
    )


def test_onnx_matches_with_two_modalities_and_a_missing_one(data, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnxscript")
    clf = small(modalities=data.modalities).fit(data.X, data.y)
    X = data.X[:6].astype(np.float32)
    X[0, 120:] = np.nan
    path = clf.to_onnx(tmp_path / "fusion.onnx")
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    logits, proba = session.run(None, {"spectra": X})
    np.testing.assert_allclose(logits, clf.decision_function(X), atol=1e-4)
    assert np.abs(proba - clf.predict_proba(X)).max() < 1e-5
    assert session.run(["logits"], {"spectra": X[:1]})[0].shape == (1, 7)


def test_fine_tune_keeps_the_late_vote(data):
    clf = small(modalities=data.modalities, fusion="late").fit(data.X, data.y)
    y = np.where(data.y == "pristine", "new", "aged")
    clf.fine_tune(data.X, y, max_epochs=1)
    assert isinstance(clf.module_.classifier, LateVote)
    assert list(clf.classes_) == ["aged", "new"]
    assert clf.predict_proba(data.X).shape == (len(y), 2)


def test_grad_cam_points_to_attention(data):
    from sklearn_raman.inspection import grad_cam

    clf = small(modalities=data.modalities).fit(data.X, data.y)
    with pytest.raises(TypeError, match="attention"):
        grad_cam(clf, data.X[:2])


MMPSD = SHARED_DATA / "mmpsd"


def test_fusion_on_mmpsd_ftir_and_raman_of_the_same_samples():
    # real paired data: the FTIR and Raman spectra of each plastic sample,
    # from two folders, paired by file stem; defaults but for the epochs
    if not MMPSD.is_dir():
        pytest.skip(f"MMPSD not found at {MMPSD} (../shared/data)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # FTIR exports with a stray third value
        # MMPSD's file stem is the sample id in every modality
        ftir = read_spectra(MMPSD / "FTIR", groups_from="stem")
        raman = read_spectra(MMPSD / "Raman", groups_from="stem")
    blocks = {
        "ftir": SpectrumResampler(start=400, stop=4000, step=4).fit_transform(
            ftir.spectra
        ),
        "raman": SpectrumResampler(start=504, stop=3200, step=4).fit_transform(
            raman.spectra[::-1]  # another order: pairing is by id, not position
        ),
    }
    aligned, ids = align_modalities(
        blocks, {"ftir": ftir.groups, "raman": raman.groups[::-1]}
    )
    assert len(ids) == 122 and "PP01" in ids
    labels = dict(zip(ftir.groups, ftir.y))
    assert dict(zip(raman.groups, raman.y)) == labels  # same polymer both ways
    y = np.array([labels[s] for s in ids])
    X, modalities = stack_modalities(
        {k: MinMaxPerSpectrum().fit_transform(v) for k, v in aligned.items()}
    )
    train, test = next(
        StratifiedGroupKFold(4, shuffle=True, random_state=0).split(X, y, ids)
    )
    clf = MultimodalClassifier(
        modalities=modalities, modality_dropout=0.3, max_epochs=20, random_state=0
    ).fit(X[train], y[train])
    # 31 test samples of 4 polymers (majority 0.33); measured 0.87 and 0.84
    assert clf.score(X[test], y[test]) >= 0.8
    # a sample without its Raman spectrum is still classified from its FTIR
    no_raman = X[test].copy()
    no_raman[:, modality_columns(modalities)["raman"]] = np.nan
    assert clf.score(no_raman, y[test]) >= 0.75
