"""zooforge.quant.per_channel: all channels at once give ORT's per-channel loops' parameters and bytes exactly."""

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnxruntime.quantization import qdq_quantizer, quant_utils

from zooforge.quant.per_channel import all_channels_at_once, channel_scale_zero_point, quantized_per_channel
from zooforge.quant.qdq import build_qdq


def hostile_channels(rng, count=24, width=18):
    """Per-channel rows with the cases ORT's scalar code branches on: all zero, subnormal, one-signed, huge, ties."""
    rows = rng.normal(0, 0.1, (count, width)).astype(np.float32)
    rows[0] = 0.0
    rows[1] = np.float32(1e-42)
    rows[2] = -np.abs(rows[2])
    rows[3] = np.abs(rows[3])
    rows[4] *= np.float32(1e30)
    rows[5] = np.float32(0.5)
    rows[6, 0] = -rows[6].max()  # |min| == max
    return rows


@pytest.mark.parametrize("qtype", [TensorProto.INT8, TensorProto.UINT8, TensorProto.INT16, TensorProto.UINT16])
@pytest.mark.parametrize("symmetric", [True, False])
@pytest.mark.parametrize("reduce_range", [False, True])
@pytest.mark.parametrize("min_real_range", [None, 1e-4])
def test_channel_scale_and_zero_point_are_ort_compute_scale_zp_per_channel(
    qtype, symmetric, reduce_range, min_real_range
):
    rows = hostile_channels(np.random.default_rng(0))
    qmin, qmax = quant_utils.get_qmin_qmax_for_qType(qtype, reduce_range, symmetric=symmetric)
    theirs = [
        quant_utils.compute_scale_zp(
            np.array(r.min(), np.float32), np.array(r.max(), np.float32), qmin, qmax, symmetric, min_real_range
        )
        for r in rows
    ]
    zero_point, scale = channel_scale_zero_point(
        rows.min(axis=1), rows.max(axis=1), qmin, qmax, symmetric, min_real_range
    )
    assert zero_point.dtype == np.asarray([z for z, _ in theirs]).dtype
    assert scale.dtype == np.asarray([s for _, s in theirs]).dtype == np.float32
    assert zero_point.tobytes() == np.asarray([z for z, _ in theirs]).tobytes()
    assert scale.tobytes() == np.asarray([s for _, s in theirs]).tobytes()


@pytest.mark.parametrize("axis", [0, 1])
def test_a_weight_quantized_in_one_pass_has_the_bytes_of_the_channel_loop(axis):
    rows = hostile_channels(np.random.default_rng(1))[:, :16]
    weight = numpy_helper.from_array(np.moveaxis(rows.reshape(24, 4, 2, 2), 0, axis).copy(), "w")
    scale = np.asarray([max(abs(r.min()), abs(r.max())) / 127 or 1.0 for r in rows], np.float32)
    zero_point = np.zeros(24, np.int8)
    ours = quantized_per_channel(quant_utils.quantize_onnx_initializer)(
        weight, TensorProto.INT8, zero_point, scale, axis
    )
    theirs = quant_utils.quantize_onnx_initializer(weight, TensorProto.INT8, zero_point, scale, axis)
    assert ours.SerializeToString() == theirs.SerializeToString()


def conv_then_gemm(rng) -> onnx.ModelProto:
    """A Conv whose weight has the hostile channels, then a Gemm: the per-channel layouts of both op kinds."""
    conv_w = hostile_channels(rng)[:, :18].reshape(24, 2, 3, 3)
    nodes = [
        helper.make_node("Conv", ["x", "cw", "cb"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("Flatten", ["r"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "gw", "gb"], ["y"], name="gemm", transB=1),
    ]
    inits = [
        numpy_helper.from_array(conv_w, "cw"),
        numpy_helper.from_array(rng.normal(0, 0.1, 24).astype(np.float32), "cb"),
        numpy_helper.from_array(rng.normal(0, 0.05, (10, 24 * 16)).astype(np.float32), "gw"),
        numpy_helper.from_array(np.zeros(10, np.float32), "gb"),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def test_a_whole_per_channel_build_is_byte_identical_to_ort_s_loops():
    model = conv_then_gemm(np.random.default_rng(2))
    ranges = {"x": (-1.0, 1.0), "c": (-2.0, 3.0), "r": (0.0, 3.0), "f": (0.0, 3.0), "y": (-4.0, 4.0)}
    theirs = build_qdq(model, ranges, True, [])
    calc, quantize = qdq_quantizer.QDQQuantizer._calc_initializer_quant_params, qdq_quantizer.quantize_onnx_initializer
    qdq_quantizer.QDQQuantizer._calc_initializer_quant_params = all_channels_at_once(calc)
    qdq_quantizer.quantize_onnx_initializer = quantized_per_channel(quantize)
    try:
        ours = build_qdq(model, ranges, True, [])
    finally:
        qdq_quantizer.QDQQuantizer._calc_initializer_quant_params = calc
        qdq_quantizer.quantize_onnx_initializer = quantize
    assert ours.SerializeToString() == theirs.SerializeToString()
    assert sum(n.op_type == "DequantizeLinear" for n in ours.graph.node) >= 4  # both weights went through it
