"""Our preprocessing against the reference transforms, bit for bit: timm's create_transform(resolve_data_config)
for timm models, on the real photos and on generated images of many sizes and aspect ratios."""

import os

import numpy as np
import pytest
import timm
from PIL import Image
from timm.data import create_transform, resolve_data_config

from zooforge.data.preprocess import normalize, raw_tensor
from zooforge.data.record import preprocessing_record, timm_cfg

PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "fixtures", "photos")
SHARED = os.environ.get("ZOOFORGE_SHARED")
if SHARED:
    PHOTOS = os.path.join(SHARED, "fixtures", "photos")
# crop_pct 0.95, 0.875, 1.0, 0.9 and 0.875; bicubic and bilinear; input sizes 224, 256 and 288
MODELS = ["resnext50_32x4d", "mobileone_s0", "fasternet_t0", "fastvit_t8", "efficientnet_b3"]


def photos():
    names = sorted(f for f in os.listdir(PHOTOS) if f.lower().endswith((".jpeg", ".jpg", ".png")))
    assert len(names) == 20
    return [Image.open(os.path.join(PHOTOS, n)) for n in names]


def synthetic():
    rng = np.random.default_rng(0)
    sizes = [
        (500, 375),
        (375, 500),
        (333, 221),
        (221, 333),
        (256, 256),
        (224, 224),
        (225, 224),
        (301, 299),
        (97, 41),
        (40, 90),
        (1000, 10),
        (17, 17),
    ]
    return [Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8)) for w, h in sizes]


def ours_and_theirs(name, images):
    cfg = timm_cfg(name)
    rec = preprocessing_record({"input": {"name": "x", "output_name": "y"}, "preprocess": {}}, cfg)
    model = timm.create_model(name, pretrained=False)
    ref = create_transform(**resolve_data_config({}, model=model))
    for img in images:
        yield rec, normalize(raw_tensor(img, rec), rec), ref(img.convert("RGB")).numpy()


@pytest.mark.parametrize("name", MODELS)
def test_timm_models_get_exactly_timms_input_tensor(name):
    seen = set()
    for rec, ours, theirs in ours_and_theirs(name, photos() + synthetic()):
        seen.add((rec["crop_pct"], rec["interpolation"], tuple(rec["size"])))
        assert ours.shape == theirs.shape
        assert float(np.max(np.abs(ours - theirs))) == 0.0
    assert len(seen) == 1


def test_the_models_cover_different_crop_pct_and_interpolations():
    recs = [
        preprocessing_record({"input": {"name": "x", "output_name": "y"}, "preprocess": {}}, timm_cfg(n))
        for n in MODELS
    ]
    assert len({r["crop_pct"] for r in recs}) >= 3
    assert len({r["interpolation"] for r in recs}) >= 2


@pytest.mark.parametrize("name", ["resnet18", "googlenet"])
def test_torchvision_models_get_exactly_their_weights_transform(name):
    import torchvision

    from zooforge.data.record import torchvision_cfg

    rec = preprocessing_record({"input": {"name": "x", "output_name": "y"}, "preprocess": {}}, torchvision_cfg(name))
    ref = torchvision.models.get_model_weights(name).DEFAULT.transforms()
    for img in photos() + synthetic():
        ours, theirs = normalize(raw_tensor(img, rec), rec), ref(img.convert("RGB")).numpy()
        assert ours.shape == theirs.shape
        assert float(np.max(np.abs(ours - theirs))) == 0.0
