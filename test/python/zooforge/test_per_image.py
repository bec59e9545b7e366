"""What the report shows of each image (issue 23.5): the model's crop, names that say which class, both-wrong cases."""

import numpy as np
from conftest import RGB8_RECORD, folder_spec
from PIL import Image

from zooforge.data.datasets import UNLABELLED, open_dataset
from zooforge.evaluation.paired import class_names
from zooforge.evaluation.per_image import _both_wrong, _crop_seen


class Named:
    classes = ["crane", "maillot", "crane", "maillot", "tench"]
    class_names = None


def test_a_name_that_occurs_twice_carries_its_index():
    assert class_names(Named(), 5) == ["crane (0)", "maillot (1)", "crane (2)", "maillot (3)", "tench"]


def test_both_wrong_picks_the_labelled_images_float_is_surest_of():
    labels = np.array([0, 0, 0, UNLABELLED, 1])
    fpred = np.array([1, 1, 0, 1, 0])  # images 0, 1 and 4 wrong in float; 3 has no label
    qpred = np.array([1, 2, 1, 1, 0])  # and in int8
    fprobs = np.zeros((5, 3))
    fprobs[0, 1], fprobs[1, 1], fprobs[4, 0] = 0.6, 0.9, 0.7
    assert _both_wrong(fpred, qpred, labels, fprobs, 2) == [(1, "both wrong"), (4, "both wrong")]


def test_the_thumbnail_is_the_models_centre_crop_not_the_whole_frame(tmp_path):
    root = tmp_path / "imgs"
    root.mkdir()
    pano = np.zeros((10, 40, 3), np.uint8)
    pano[:, 15:25] = (255, 0, 0)  # a red centre in a black panorama
    Image.fromarray(pano).save(root / "pano.png")
    ds = open_dataset(folder_spec(root), RGB8_RECORD["input_shape"][1:])
    rec = {**RGB8_RECORD, "crop_mode": "center"}
    crop = np.asarray(_crop_seen(ds, 0, rec))
    assert crop.shape == (8, 8, 3)
    assert crop[4, 4].tolist()[0] > 200 and crop[4, 4].tolist()[1] < 50  # the centre is what the model saw
