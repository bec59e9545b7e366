"""The board-input path checked against an implementation it was not written from: zooforge's nv12/yuv444 input
for the Horizon model (hb_input) through the HB_ONNXRuntime test double, whose YUV -> RGB is Pillow's, against
zooforge's own emulation of what the board's model sees (board_pixels, what emulate bpu feeds the int8 model)."""

import json
import os
import sys

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from PIL import Image

from zooforge.data.hb_input import board_pixels, hb_input

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "test", "doubles", "python"))
PHOTO = os.path.join(ROOT, "..", "shared", "fixtures", "photos", "Zebra.jpg")


def identity_model(tmp_path, h, w, rt_type):
    """A 'quantized model' that returns its input, behind HzPreprocess with mean 0, scale 1."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, h, w])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, h, w])
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "identity", [x], [y])
    path = str(tmp_path / "model_quantized_model.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    with open(path + ".hzpreprocess.json", "w") as f:
        json.dump({"input_type_rt": rt_type, "norm_type": "no_preprocess"}, f)
    return path


@pytest.mark.parametrize("rt_type", ["nv12", "yuv444"])
def test_the_horizon_input_through_pillows_inverse_is_what_emulate_bpu_feeds(tmp_path, rt_type):
    from horizon_tc_ui import HB_ONNXRuntime

    photo = np.asarray(Image.open(PHOTO).convert("RGB").resize((64, 48)), dtype=np.float32)
    raw = photo.transpose(2, 0, 1)[None]  # N x C x H x W, 0..255
    rec = {"colour": "rgb"}
    sess = HB_ONNXRuntime(identity_model(tmp_path, 48, 64, rt_type))
    board = sess.run(["y"], {"x": hb_input(raw, rec, rt_type)})[0]
    ours = board_pixels(raw, rec, rt_type)
    # Pillow rounds to bytes: within one level of our float inverse wherever that lies in 0..255
    inside = (ours >= 0) & (ours <= 255)
    assert np.abs(board - ours)[inside].max() <= 1.01
    # outside it Pillow saturates and our emulation does not (whether the board's conversion saturates is not
    # recorded anywhere here): the only other difference
    assert np.array_equal(board[~inside], np.clip(ours[~inside], 0, 255))
    if rt_type == "nv12":  # a real path, not an identity: 2x2 chroma averaging moves pixels far from the photo's
        assert np.abs(ours - raw).max() > 20
