import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from sklearn_raman.nn import (
    DRCNN,
    VGG1D,
    AlexNet1D,
    CompactResNet1D,
    DeepCID,
    LeNet1D,
    LiuCNN,
    ResNet1D,
    SEResNet1D,
    SpectrumAugment,
    SpectrumLoss,
    ZhangCNN,
)

NETS = [
    CompactResNet1D,
    VGG1D,
    DRCNN,
    SEResNet1D,
    ResNet1D,
    LiuCNN,
    DeepCID,
    ZhangCNN,
    LeNet1D,
    AlexNet1D,
]


def n_trainable(net):
    return sum(p.numel() for p in net.parameters() if p.requires_grad)


def test_vgg1d_parameter_count_matches_sang2021():
    assert n_trainable(VGG1D(1570, 192)) == 17_789_696


def test_drcnn_parameter_count_matches_zhou2022_table1():
    # Table 1 (Dataset_3: 1024 points, 1322 classes), layer by layer
    conv = lambda c_in, c_out: c_in * c_out * 3 + c_out  # noqa: E731
    dense = lambda n_in, n_out: n_in * n_out + n_out  # noqa: E731
    expected = (
        conv(1, 64)
        + conv(64, 128)  # embedding
        + conv(128, 128)  # the recursive layer, shared by the 9 recursions
        + conv(128, 256)
        + conv(256, 512)  # supervision Y and Z
        + 9  # level weights
        + conv(512, 1024)  # reconstruction
        + dense(64 * 1024, 1024)
        + 2 * 1024  # L_d1 and its normalisation
        + dense(1024, 512)
        + 2 * 512  # L_d2 and its normalisation
        + dense(512, 1322)  # output
    )
    net = DRCNN(1024, 1322)
    assert net.feature_shape == (1024, 64)  # flatten: 65 536, as in table 1
    assert n_trainable(net) == expected == 70_456_371


@pytest.mark.parametrize("cls", NETS)
@pytest.mark.parametrize("n_points", [1, 5, 300])
def test_every_net_accepts_any_length(cls, n_points):
    net = cls(n_points, 4).eval()
    for x in (torch.zeros(3, n_points), torch.zeros(3, 1, n_points)):
        assert net(x).shape == (3, 4)
    assert net.embed(torch.zeros(3, n_points)).shape == (3, net.embedding_dim)
    assert net.classifier.in_features == net.embedding_dim


@pytest.mark.parametrize("cls", NETS)
def test_width_multiplier_shrinks_the_features(cls):
    small, full = cls(500, 10, width=0.25).features, cls(500, 10).features
    assert n_trainable(small) < 0.2 * n_trainable(full)


def test_compact_resnet_size_and_positional_head():
    net = CompactResNet1D(1570, 192)
    assert net.feature_shape == (32, 50)  # five halvings, band positions kept
    assert net.embedding_dim == 1600
    assert 550_000 < n_trainable(net) < 700_000
    flops = FlopCounterMode(display=False)
    with flops:
        net.eval()(torch.zeros(1, 1570))
    assert 40e6 < flops.get_total_flops() < 80e6
    with pytest.raises(ValueError, match="one entry per stage"):
        CompactResNet1D(100, 3, channels=(8, 16), kernel_sizes=(3,))


def test_padding_keeps_paper_configuration_at_normal_lengths():
    net = VGG1D(1570, 192)
    assert net.min_length == 268 and net.input_length == 1570
    assert net.feature_shape == (512, 41)  # table 2: (Batch, 41, 512)
    short = VGG1D(10, 3, width=0.125)
    assert short.input_length == short.min_length == 268


def test_drcnn_levels_and_weights():
    net = DRCNN(128, 5, recursions=4, width=0.125, dense_units=(16,))
    torch.testing.assert_close(
        net.features.level_weights.detach(), torch.full((4,), 0.25)
    )
    x = torch.rand(2, 128)
    final, levels = net.eval().forward_with_levels(x)
    assert levels.shape == (4, 2, 5)
    torch.testing.assert_close(final, net(x))
    # the fused output uses the normalised level weights
    with torch.no_grad():
        net.features.level_weights.copy_(torch.tensor([0.0, 0.0, 0.0, 2.0]))
    f = net.features
    only_last = net.classifier(net.neck(f.reconstruction(f.levels(net.pad(x))[-1])))
    torch.testing.assert_close(net(x), only_last)


def test_spectrum_augment_train_only_and_shift_range():
    aug = SpectrumAugment(shift=3.0, snr_db=None, scale=None)
    x = torch.zeros(500, 50)
    x[:, 25] = 1.0
    assert torch.equal(aug.eval()(x), x)
    out = aug.train()(x)
    centre = (out * torch.arange(50.0)).sum(1) / out.sum(1)
    assert (centre - 25).abs().max() <= 3.0 + 1e-5
    assert (centre - 25).min() < -2.5 and (centre - 25).max() > 2.5
    noisy = SpectrumAugment(shift=0, snr_db=20, scale=None).train()(x)
    assert (noisy - x)[:, :20].std() == pytest.approx(0.1, rel=0.1)
    with pytest.raises(ValueError, match="scale must be"):
        SpectrumAugment(scale=(2, 1))


def test_spectrum_loss_weights_and_levels():
    target = torch.tensor([0, 1, 2, 1])
    logits = torch.randn(4, 3)
    plain = torch.nn.functional.cross_entropy(logits, target)
    assert torch.isclose(SpectrumLoss()(logits, target), plain)
    levels = torch.randn(2, 4, 3)
    level_ce = torch.nn.functional.cross_entropy(
        levels.reshape(-1, 3), target.repeat(2)
    )
    mixed = SpectrumLoss(alpha=0.25)((logits, levels), target)
    assert torch.isclose(mixed, 0.75 * plain + 0.25 * level_ce)
    weighted = SpectrumLoss(weight=torch.tensor([1.0, 0.0, 0.0]))(logits, target)
    assert torch.isclose(
        weighted, torch.nn.functional.cross_entropy(logits[:1], target[:1])
    )


@pytest.mark.parametrize(
    "net, expected",
    [
        # two valid 3-point convolutions (centre +1 each), a 2-pool (+0.5, x2),
        # two more convolutions (+2 each): the layer before the last pool
        (VGG1D(300, 2, blocks=((4, 2), (4, 2)), dense_units=(8,)), (6.5, 2.0)),
        # Sang 2021's five blocks: 125.5 points of border, stride 16
        (VGG1D(1024, 2), (125.5, 16.0)),
        # "same" padding and strides: centred on multiples of the total stride
        (SEResNet1D(1024, 2), (0.0, 32.0)),
        (CompactResNet1D(1024, 2), (0.0, 32.0)),
        # 11-point stride-4 stem, then unpadded 3/2 pools (+1 cell each)
        (AlexNet1D(1024, 2), (12.0, 16.0)),
    ],
    ids=["vgg-small", "vgg", "seresnet", "compact", "alexnet"],
)
def test_feature_map_centres_follow_the_receptive_fields(net, expected):
    from sklearn_raman.nn._geometry import map_centres

    centres = map_centres(net, net.cam_layer_name, 4)
    a, b = expected
    assert centres.tolist() == pytest.approx([a, a + b, a + 2 * b, a + 3 * b])


@pytest.mark.parametrize("cls", NETS)
def test_every_net_names_a_cam_layer_with_extent(cls):
    net = cls(1024, 3).eval()
    shapes = []
    net.cam_layer.register_forward_hook(lambda m, i, o: shapes.append(o.shape))
    net(torch.zeros(1, 1024))
    assert len(shapes[-1]) == 3 and shapes[-1][-1] >= 16


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: VGG1D(100, 2, width=-1), "width must be a positive number"),
        (lambda: ResNet1D(100, 2, blocks=(2, 0)), "blocks must be a sequence"),
        (lambda: CompactResNet1D(100, 2, channels=(8, -4)), "channels must be"),
        (lambda: LeNet1D(100, 2, dense_units=(0,)), "dense_units must be"),
        (lambda: VGG1D(100, 2, blocks=((8, 1, 2),)), r"\(channels, convolutions\)"),
    ],
)
def test_bad_network_shapes_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_frozen_modules_stay_in_eval_mode():
    net = SEResNet1D(200, 3, channels=(8, 16), blocks=(1, 1))
    net.freeze([net.features])
    net.train()
    assert not net.features.training and net.training
    assert not any(p.requires_grad for p in net.features.parameters())
    net.freeze([])  # unfreezes
    net.train()
    assert net.features.training
    assert all(p.requires_grad for p in net.parameters())
    with pytest.raises(ValueError, match="not a module of this net"):
        net.freeze([torch.nn.Linear(2, 2)])


# --- the 2D nets: an encoder and a backbone, bodies shared with the 1D twins


def _layout(net) -> dict:
    return {k: tuple(v.shape) for k, v in net.state_dict().items()}


def test_saved_weights_keep_their_layout():
    # the keys and shapes weights files of the 2D nets were saved with
    from sklearn_raman.nn import AlexNet2D, LeNet2D

    assert _layout(LeNet2D(300, 5, image_size=32)) == {
        "features.0.weight": (6, 1, 5, 5),
        "features.0.bias": (6,),
        "features.3.weight": (16, 6, 5, 5),
        "features.3.bias": (16,),
        "neck.1.0.weight": (120, 576),
        "neck.1.0.bias": (120,),
        "neck.2.0.weight": (84, 120),
        "neck.2.0.bias": (84,),
        "classifier.weight": (5, 84),
        "classifier.bias": (5,),
    }
    alex = AlexNet2D(300, 5, width=0.125, image_size=20, dense_units=(16, 8))
    convs = {0: (12, 1, 11), 3: (32, 12, 5), 6: (48, 32, 3), 8: (48, 48, 3)}
    convs[10] = (32, 48, 3)
    expected = {}
    for k, (c_out, c_in, size) in convs.items():
        expected[f"features.{k}.weight"] = (c_out, c_in, size, size)
        expected[f"features.{k}.bias"] = (c_out,)
    expected.update({"neck.2.weight": (16, 32 * 36), "neck.2.bias": (16,)})
    expected.update({"neck.5.weight": (8, 16), "neck.5.bias": (8,)})
    expected.update({"classifier.weight": (5, 8), "classifier.bias": (5,)})
    assert _layout(alex) == expected


@pytest.mark.parametrize(
    "one_d, two_d, params",
    [
        ("LeNet1D", "LeNet2D", {"dense_units": (32,)}),
        ("AlexNet1D", "AlexNet2D", {"width": 0.125, "dense_units": (16,)}),
        ("ResNet1D", "ResNet2D", {"blocks": (1, 2), "channels": (8, 16)}),
    ],
)
def test_twins_have_one_body(one_d, two_d, params):
    # the same layers under the same names; square kernels in 2D
    import sklearn_raman.nn as nets

    flat = _layout(getattr(nets, one_d)(300, 4, **params))
    image = _layout(getattr(nets, two_d)(300, 4, image_size=64, **params))
    assert flat.keys() == image.keys()
    for key, shape in flat.items():
        if key.startswith("features.") and len(shape) == 3:  # a convolution
            assert image[key] == (*shape, shape[-1]), key
        elif key.startswith("features."):
            assert image[key] == shape, key


def test_an_image_net_is_an_encoder_and_a_backbone():
    import inspect

    from sklearn_raman.nn import VGG2D, AlexNet2D, LeNet2D, ResNet2D, SpectrumEncoder
    from sklearn_raman.nn.backbones import Backbone, conv, pooled_neck
    from sklearn_raman.nn.image import SpectrumImageNet

    encoder = inspect.signature(SpectrumEncoder).parameters
    for cls in (LeNet2D, AlexNet2D, VGG2D, ResNet2D):
        params = list(inspect.signature(cls).parameters.values())
        names = [p.name for p in params]
        # as written before: the encoder's parameters, keyword-only, first
        assert names[:6] == ["n_points", "n_classes", *list(encoder)[1:]]
        for p in params[2:6]:
            assert p.kind is p.KEYWORD_ONLY and p.default == encoder[p.name].default
        assert "**" not in str(inspect.signature(cls))
        assert "wavelet : {" in cls.__doc__ and "ENCODER_PARAMETERS" not in cls.__doc__
        with pytest.raises(TypeError, match="unexpected keyword argument 'size'"):
            cls(300, 4, size=3)

    def tiny(in_channels: int) -> Backbone:
        return Backbone(
            torch.nn.Sequential(*conv(2, in_channels, 4, 3)), pooled_neck(0.0, 2)
        )

    net = SpectrumImageNet(300, 3, ("gasf", "cwt"), 16, backbone=tiny)
    assert net.features[0].in_channels == 2 and net.embedding_dim == 4
    assert net.cam_layer_name == "features.1"  # the ReLU's map, 14 cells of 16
    assert net.eval()(torch.rand(2, 300)).shape == (2, 3)
    image = ResNet2D(300, 3, encoding="mtf", image_size=24, blocks=(1,), channels=(4,))
    assert image.encoder.encodings == ("mtf",) and image.encoder.image_size == 24
