"""zooforge/quant/qdq.py build_qdq: a float-kept node never reads a tensor through a DequantizeLinear only because it shared an
initializer with a quantized node (onnxsim merges equal initializers, e.g. zero biases)."""

import numpy as np
import onnx
from onnx import helper, numpy_helper

from zooforge.quant.qdq import build_qdq


def test_a_bias_shared_with_a_quantized_conv_stays_a_float_initializer_of_the_kept_conv():
    w1 = numpy_helper.from_array(np.random.default_rng(0).normal(0, 1, (4, 4, 3, 3)).astype(np.float32), "w1")
    w2 = numpy_helper.from_array(np.random.default_rng(1).normal(0, 1, (4, 1, 3, 3)).astype(np.float32), "w2")
    zero = numpy_helper.from_array(np.zeros(4, np.float32), "zero_bias")  # one tensor, two consumers
    nodes = [
        helper.make_node("Conv", ["x", "w1", "zero_bias"], ["a"], name="quantized", pads=[1, 1, 1, 1]),
        helper.make_node("Conv", ["a", "w2", "zero_bias"], ["y"], name="kept", group=4, pads=[1, 1, 1, 1]),
    ]
    g = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 4, 8, 8])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 4, 8, 8])],
        [w1, w2, zero],
    )
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    q = build_qdq(model, {"x": (-1.0, 1.0), "a": (-5.0, 5.0), "y": (-5.0, 5.0)}, True, ["kept"])
    inits = {i.name for i in q.graph.initializer}
    kept = next(n for n in q.graph.node if n.name == "kept")
    assert kept.input[1] in inits and kept.input[2] in inits, list(kept.input)
    assert [i.name for i in model.graph.initializer] == ["w1", "w2", "zero_bias"]  # the caller's model is not touched
