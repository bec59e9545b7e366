"""optimization: bias_correction (zooforge/quant/bias_correction.py): the corrected int8 model's mean output error per channel is
smaller than the uncorrected one's, for plain, grouped and depthwise convolutions and for Gemm."""

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper

from zooforge.quant.bias_correction import channel_mean, correct_biases
from zooforge.quant.qdq import build_qdq
from zooforge.runtime.ort_session import session

rng = np.random.default_rng(0)


def conv_model(groups: int, bias: bool):
    cin, cout = 8, 8
    w = rng.normal(0, 1, (cout, cin // groups, 3, 3)).astype(np.float32)
    w.flat[0] = 12.0  # one outlier widens the per-tensor weight scale: coarse rounding everywhere else
    inits = [numpy_helper.from_array(w, "w")] + (
        [numpy_helper.from_array(rng.normal(0, 1, cout).astype(np.float32), "b")] if bias else []
    )
    node = helper.make_node(
        "Conv", ["x", "w"] + (["b"] if bias else []), ["y"], name="conv", group=groups, pads=[1, 1, 1, 1]
    )
    g = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, cin, 16, 16])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, cout, 16, 16])],
        inits,
    )
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), [1, cin, 16, 16]


def gemm_model():
    w = rng.normal(0, 1, (6, 32)).astype(np.float32)
    w.flat[0] = 12.0
    node = helper.make_node("Gemm", ["x", "w", "b"], ["y"], name="fc", transB=1)
    g = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 32])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 6])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(np.zeros(6, np.float32), "b")],
    )
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), [1, 32]


def mean_error(model, qmodel, xs):
    f, q = session(model, threads=1), session(qmodel, threads=1)
    diffs = [q.run(None, {"x": x})[0] - f.run(None, {"x": x})[0] for x in xs]
    return np.abs(np.mean([channel_mean(d) for d in diffs], axis=0))


@pytest.mark.parametrize(
    "make",
    [lambda: conv_model(1, True), lambda: conv_model(2, True), lambda: conv_model(8, False), gemm_model],
    ids=["conv", "grouped", "depthwise-no-bias", "gemm"],
)
def test_the_corrected_model_has_a_smaller_mean_output_error(make):
    model, shape = make()
    # inputs far from zero mean (as after ReLU): where rounding weights shifts the output mean most
    xs = [rng.uniform(0.5, 3.0, shape).astype(np.float32) for _ in range(64)]
    ranges = {"x": (0.0, 3.0), "y": (-60.0, 60.0)}
    means = {"x": np.mean([channel_mean(x) for x in xs], axis=0).tolist()}
    plain = build_qdq(model, ranges, False, [], scheme=None)  # per-tensor weights: the larger rounding error
    corrected = build_qdq(model, ranges, False, [], input_means=means)
    before, after = mean_error(model, plain, xs), mean_error(model, corrected, xs)
    assert after.mean() < 0.5 * before.mean(), (before, after)


def test_a_node_without_a_bias_gets_one_and_the_float_model_is_not_changed():
    model, _ = conv_model(8, False)
    q = build_qdq(model, {"x": (0.0, 3.0), "y": (-60.0, 60.0)}, False, [])
    out = correct_biases(model, q, {"x": [1.0] * 8})
    assert len(out.graph.node[0].input) == 3 and len(model.graph.node[0].input) == 2
    assert np.abs(numpy_helper.to_array(out.graph.initializer[-1])).max() > 0


def test_a_bias_onnxsim_merged_between_two_convs_is_corrected_for_each_of_them():
    w = [
        numpy_helper.from_array(rng.normal(0, 1, (4, 4, 1, 1)).astype(np.float32) * np.float32(s), f"w{i}")
        for i, s in ((1, 1.0), (2, 3.0))
    ]
    for t in w:
        a = numpy_helper.to_array(t).copy()
        a.flat[0] = 12.0
        t.CopyFrom(numpy_helper.from_array(a, t.name))
    zero = numpy_helper.from_array(np.zeros(4, np.float32), "zero_bias")
    nodes = [
        helper.make_node("Conv", ["x", "w1", "zero_bias"], ["a"], name="c1"),
        helper.make_node("Conv", ["a", "w2", "zero_bias"], ["y"], name="c2"),
    ]
    g = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 4, 4, 4])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 4, 4, 4])],
        [*w, zero],
    )
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    q = build_qdq(model, {"x": (0.0, 3.0), "a": (-60.0, 60.0), "y": (-600.0, 600.0)}, False, [])
    out = correct_biases(model, q, {"x": [1.0, 2.0, 1.5, 0.5], "a": [3.0, -1.0, 2.0, 0.0]})
    inits = {i.name: numpy_helper.to_array(i) for i in out.graph.initializer}
    b1, b2 = (inits[n.input[2]] for n in out.graph.node)
    assert out.graph.node[0].input[2] != out.graph.node[1].input[2]
    assert np.abs(b1).max() > 0 and np.abs(b2).max() > 0 and not np.allclose(b1, b2)
