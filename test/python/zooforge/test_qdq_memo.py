"""zooforge/quant/qdq_memo.py: inside quick_qdq_writer the search's candidate builds write exactly the files an
uncached build writes, for every layout the bpu grid tries, and its weight functions really are reused."""

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper
from onnxruntime.quantization import qdq_quantizer

from zooforge.calibration.scheme import scheme_for
from zooforge.quant import initializer_index
from zooforge.quant.qdq import build_qdq
from zooforge.quant.qdq_memo import _same_tensor, quick_qdq_writer


def two_convs() -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    w1 = numpy_helper.from_array(rng.normal(0, 1, (6, 3, 3, 3)).astype(np.float32), "w1")
    b1 = numpy_helper.from_array(rng.normal(0, 0.1, 6).astype(np.float32), "b1")
    w2 = numpy_helper.from_array(rng.normal(0, 1, (6, 1, 3, 3)).astype(np.float32), "w2")
    # an elementwise op's constant: an initializer ORT quantizes with the activations' type and symmetry
    k = numpy_helper.from_array(rng.normal(0, 1, (1, 6, 1, 1)).astype(np.float32), "k")
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["a"], name="c1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["a"], ["r"], name="relu"),
        helper.make_node("Conv", ["r", "w2"], ["c"], name="c2", group=6, pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["c", "k"], ["y"], name="add"),
    ]
    g = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 6, 8, 8])],
        [w1, b1, w2, k],
    )
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])


def candidate_builds(model, scheme):
    """The search's layouts (per-channel x asymmetric) over two range sets, as the search builds them."""
    wide = {"x": (-1.0, 1.0), "a": (-6.0, 5.0), "r": (0.0, 5.0), "c": (-7.0, 7.0), "y": (-8.0, 8.0)}
    clipped = {k: (lo / 2, hi / 2) for k, (lo, hi) in wide.items()}
    return [
        build_qdq(model, ranges, pc, [], scheme=scheme, asymmetric=asym).SerializeToString()
        for ranges in (wide, clipped)
        for pc in (True, False)
        for asym in (False, True)
    ]


@pytest.mark.parametrize("emulate", ["bpu", "host"])
def test_builds_inside_the_block_are_byte_identical_to_uncached_builds(emulate, monkeypatch):
    monkeypatch.setattr(initializer_index, "VERIFY", True)  # every indexed lookup is also walked for, and must agree
    model = two_convs()
    scheme = scheme_for({"emulate": emulate, "node_info": {}, "optimization": []}, model)
    plain = candidate_builds(model, scheme)
    with quick_qdq_writer():
        reused = candidate_builds(model, scheme)
    assert len(set(plain)) == len(plain)  # the eight candidates differ from each other
    assert reused == plain


def test_a_weight_with_other_bytes_under_the_same_name_is_quantized_again():
    model, other = two_convs(), two_convs()
    w1 = next(i for i in other.graph.initializer if i.name == "w1")
    w1.raw_data = (numpy_helper.to_array(w1) * 2).astype(np.float32).tobytes()
    scheme = scheme_for({"emulate": "bpu", "node_info": {}, "optimization": []}, model)
    ranges = {"x": (-1.0, 1.0), "a": (-6.0, 5.0), "r": (0.0, 5.0), "c": (-7.0, 7.0), "y": (-8.0, 8.0)}
    with quick_qdq_writer():
        first = build_qdq(model, ranges, True, [], scheme=scheme).SerializeToString()
        second = build_qdq(other, ranges, True, [], scheme=scheme).SerializeToString()
    assert second == build_qdq(other, ranges, True, [], scheme=scheme).SerializeToString()
    assert second != first


def test_the_weight_functions_are_reused_inside_the_block_and_restored_after_it():
    model = two_convs()
    scheme = scheme_for({"emulate": "bpu", "node_info": {}, "optimization": []}, model)
    original = qdq_quantizer.quantize_onnx_initializer
    calls = []

    def counting(*args, **kwargs):
        calls.append(args[0].name)
        return original(*args, **kwargs)

    qdq_quantizer.quantize_onnx_initializer = counting
    try:
        with quick_qdq_writer():
            candidate_builds(model, scheme)
        # 8 builds x 3 initializers, but each weight reaches ORT's function once, for the per-tensor layout (the
        # per-channel one is quantized by per_channel.py, once too), and the Add's constant once per activation symmetry
        assert sorted(calls) == ["k", "k", "w1", "w2"]
    finally:
        qdq_quantizer.quantize_onnx_initializer = original
    assert qdq_quantizer.quantize_onnx_initializer is original


def test_tensors_are_the_same_only_byte_for_byte():
    zero, negative_zero = (numpy_helper.from_array(np.array([v, 1.0], np.float32), "w") for v in (0.0, -0.0))
    assert _same_tensor(zero, numpy_helper.from_array(np.array([0.0, 1.0], np.float32), "w"))
    assert not _same_tensor(zero, negative_zero)  # equal as floats, not as bytes
    typed = onnx.helper.make_tensor("w", onnx.TensorProto.FLOAT, [2], [-0.0, 1.0])  # float_data, no raw_data
    assert not _same_tensor(zero, typed) and _same_tensor(typed, onnx.helper.make_tensor("w", 1, [2], [-0.0, 1.0]))
