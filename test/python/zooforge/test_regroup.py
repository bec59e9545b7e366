"""Widened groups (zooforge/quant/regroup.py, emulate host): a narrow grouped conv rewritten with fewer, wider groups and
block-diagonal weights computes the same, in float and as the int8 model ONNX Runtime runs; a weight shared with
another node is not changed under it; depthwise and dense convs are not candidates."""

import numpy as np
import onnx
from onnx import helper, numpy_helper

from zooforge.quant.qdq import build_qdq
from zooforge.quant.regroup import group_options, regroup
from zooforge.runtime.ort_session import session

rng = np.random.default_rng(3)
C, G = 64, 16  # 4 input channels per group, as ResNeXt50's first stage


def model(shared: bool = False):
    """conv (grouped, stride 2, bias) -> relu -> conv2 (the same weight when shared, as onnxsim merges equal ones)."""
    w = rng.normal(0, 0.2, (C, C // G, 3, 3)).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["a"], name="g1", group=G, pads=[1] * 4, strides=[2, 2]),
        helper.make_node("Relu", ["a"], ["r"], name="relu"),
        helper.make_node("Conv", ["r", "w" if shared else "w2"], ["y"], name="g2", group=G, pads=[1] * 4),
    ]
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(rng.normal(0, 1, C).astype(np.float32), "b")]
    if not shared:
        inits.append(numpy_helper.from_array(rng.normal(0, 0.2, w.shape).astype(np.float32), "w2"))
    g = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, C, 16, 16])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, C, 8, 8])],
        inits,
    )
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])


def run(m, x):
    return session(m, threads=1).run(None, {"x": x})[0]


def group(m, name):
    node = next(n for n in m.graph.node if n.name == name)
    return next(a.i for a in node.attribute if a.name == "group")


def test_options_are_wider_divisors_for_narrow_grouped_convs_only():
    m = model()
    w = numpy_helper.to_array(m.graph.initializer[0])
    assert group_options(m.graph.node[0], w) == [4, 2, 1]  # 16, 32 and 64 channels per group
    depthwise = helper.make_node("Conv", ["x", "d"], ["z"], group=C)
    assert group_options(depthwise, np.zeros((C, 1, 3, 3), np.float32)) == []
    dense = helper.make_node("Conv", ["x", "d"], ["z"])
    assert group_options(dense, np.zeros((C, C, 3, 3), np.float32)) == []


def test_widened_groups_compute_the_same_in_float_and_in_int8():
    m = model()
    wide = regroup(m, {"g1": 2, "g2": 1})
    assert (group(wide, "g1"), group(wide, "g2")) == (2, 1)
    x = rng.normal(0, 1, (1, C, 16, 16)).astype(np.float32)
    np.testing.assert_allclose(run(wide, x), run(m, x), rtol=1e-5, atol=1e-5)
    ranges = {"x": (-4.0, 4.0), "a": (-6.0, 6.0), "r": (0.0, 6.0), "y": (-8.0, 8.0)}
    # per-channel scales come from the same non-zero weights, and the zeros are exact: the int8 outputs agree
    q, qwide = build_qdq(m, ranges, True, []), build_qdq(wide, ranges, True, [])
    got, want = run(qwide, x), run(q, x)
    step = 16.0 / 255
    assert np.abs(got - want).max() <= step + 1e-6  # at most one output step (rounding order), and nearly all equal
    assert np.mean(got == want) > 0.99


def test_a_weight_shared_with_another_conv_is_not_widened_under_it():
    m = model(shared=True)
    wide = regroup(m, {"g1": 1})
    assert (group(wide, "g1"), group(wide, "g2")) == (1, G)
    x = rng.normal(0, 1, (1, C, 16, 16)).astype(np.float32)
    np.testing.assert_allclose(run(wide, x), run(m, x), rtol=1e-5, atol=1e-5)
