"""quantize.equalize (zooforge/quant/equalize.py): a Conv -> Relu -> Conv chain computes the same after equalization, the two
convs' per-channel weight ranges become equal, and chains that are not scale-safe are left alone."""

import numpy as np
import onnx
from onnx import helper, numpy_helper

from zooforge.quant.equalize import chains, equalize
from zooforge.runtime.ort_session import session

rng = np.random.default_rng(1)


def model(first_group: int, act: str = "Relu"):
    c = 8
    w1 = rng.normal(0, 1, (c, c // first_group, 3, 3)).astype(np.float32) * rng.uniform(0.01, 10, (c, 1, 1, 1)).astype(
        np.float32
    )
    w2 = rng.normal(0, 1, (4, c, 1, 1)).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["a"], name="dw", group=first_group, pads=[1, 1, 1, 1]),
        helper.make_node(act, ["a"], ["r"], name="act"),
        helper.make_node("Conv", ["r", "w2"], ["y"], name="pw"),
    ]
    g = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, c, 8, 8])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 4, 8, 8])],
        [
            numpy_helper.from_array(w1, "w1"),
            numpy_helper.from_array(rng.normal(0, 1, c).astype(np.float32), "b1"),
            numpy_helper.from_array(w2, "w2"),
        ],
    )
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])


def weights(m):
    return {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}


def test_a_depthwise_relu_pointwise_chain_computes_the_same_with_equal_channel_ranges():
    m = model(8)
    out, n = equalize(m)
    assert n == 1
    x = rng.normal(0, 1, (1, 8, 8, 8)).astype(np.float32)
    before, after = session(m, threads=1).run(None, {"x": x})[0], session(out, threads=1).run(None, {"x": x})[0]
    np.testing.assert_allclose(after, before, rtol=1e-4, atol=1e-4)
    w = weights(out)
    r1 = np.abs(w["w1"]).reshape(8, -1).max(1)
    r2 = np.abs(w["w2"]).transpose(1, 0, 2, 3).reshape(8, -1).max(1)
    np.testing.assert_allclose(r1, r2, rtol=1e-5)
    spread = lambda a: a.max() / a.min()  # noqa: E731
    assert spread(r1) < spread(np.abs(weights(m)["w1"]).reshape(8, -1).max(1)) / 4  # about its square root


def test_a_chain_through_a_non_homogeneous_activation_is_not_touched():
    m = model(8, act="Sigmoid")
    assert chains(m) == []
    out, n = equalize(m)
    assert n == 0
    assert all(np.array_equal(a, weights(m)[k]) for k, a in weights(out).items())
