"""The preprocessing record (zooforge/data/record.py): recipe first, then timm's pretrained_cfg, then defaults."""

from zooforge.data.record import preprocessing_record

TIMM_CFG = {
    "architecture": "resnext50_32x4d",
    "tag": "a1h_in1k",
    "input_size": (3, 224, 224),
    "crop_pct": 0.95,
    "interpolation": "bicubic",
    "mean": (0.485, 0.456, 0.406),
    "std": (0.229, 0.224, 0.225),
}


def spec(**preprocess):
    return {"input": {"name": "data", "output_name": "output"}, "preprocess": preprocess}


def test_timm_pretrained_cfg_fills_what_the_recipe_leaves_unset():
    r = preprocessing_record(spec(), TIMM_CFG)
    assert r["input_shape"] == [1, 3, 224, 224] and r["size"] == [224, 224]
    assert r["crop_pct"] == 0.95 and r["interpolation"] == "bicubic"
    assert r["mean"] == [0.485, 0.456, 0.406] and r["colour"] == "rgb"
    assert r["source"] == "timm pretrained_cfg resnext50_32x4d.a1h_in1k"


def test_the_recipe_wins_over_timm_and_one_value_is_repeated_per_channel():
    r = preprocessing_record(
        spec(crop_pct=1.0, interpolation="bilinear", mean=[0.5], std=[0.25], colour="bgr"), TIMM_CFG
    )
    assert r["crop_pct"] == 1.0 and r["interpolation"] == "bilinear"
    assert r["mean"] == [0.5, 0.5, 0.5] and r["std"] == [0.25, 0.25, 0.25] and r["colour"] == "bgr"


def test_without_timm_a_one_channel_input_is_gray_with_plain_defaults():
    r = preprocessing_record(
        {"input": {"name": "x", "output_name": "y", "shape": [1, 1, 28, 28]}, "preprocess": {}}, None
    )
    assert r["colour"] == "gray" and r["mean"] == [0.5] and r["size"] == [28, 28]
    assert r["source"] == "recipe; default mean and std 0.5 (no model config)"  # an assumption, said so


def test_torchvision_models_take_their_weights_own_eval_transform():
    from zooforge.data.record import torchvision_cfg

    r = preprocessing_record(spec(), torchvision_cfg("resnet18"))
    assert r["size"] == [224, 224] and r["crop_pct"] == 224 / 256 and r["interpolation"] == "bilinear"
    assert r["mean"] == [0.485, 0.456, 0.406] and r["source"] == "torchvision resnet18 IMAGENET1K_V1 transforms"


def test_a_crop_mode_we_cannot_reproduce_is_an_error_not_an_approximation():
    import pytest

    from zooforge.protocol.worker import ZfError

    with pytest.raises(ZfError, match="crop_mode border"):
        preprocessing_record(spec(), dict(TIMM_CFG, crop_mode="border"))
