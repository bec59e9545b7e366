"""hb_mapper's `optimization: bias_correction` on the ort backend: each Conv/Gemm bias absorbs the mean error that
rounding its weights to int8 adds to its output, b -= (W_q - W) . E[x] (the bias correction of Nagel et al.,
"Data-Free Quantization", with E[x] measured per input channel on the calibration images). W_q is read back from
the QDQ model ONNX Runtime wrote, so the correction uses exactly the weights the int8 model holds."""

from typing import Dict, List

import numpy as np
import onnx
from onnx import numpy_helper

from .graph_edit import editable_copy

CORRECTED = ("Conv", "Gemm")


def corrected_inputs(model: onnx.ModelProto) -> List[str]:
    """The tensors whose per-channel mean the correction needs: the data input of every Conv and Gemm."""
    return sorted({n.input[0] for n in model.graph.node if n.op_type in CORRECTED})


def channel_mean(a: np.ndarray) -> np.ndarray:
    """Mean per channel (axis 1) of an NCHW or NC activation."""
    return a.mean(axis=tuple(i for i in range(a.ndim) if i != 1)) if a.ndim >= 2 else a


def _dequantized(qmodel: onnx.ModelProto) -> Dict[str, np.ndarray]:
    """Node name -> its int8 weights dequantized, for the Conv/Gemm nodes whose weight input comes from a
    DequantizeLinear of an initializer."""
    inits = {i.name: i for i in qmodel.graph.initializer}
    producers = {o: n for n in qmodel.graph.node for o in n.output}
    out = {}
    for node in qmodel.graph.node:
        dq = producers.get(node.input[1]) if node.op_type in CORRECTED and len(node.input) > 1 else None
        if dq is None or dq.op_type != "DequantizeLinear" or dq.input[0] not in inits:
            continue
        q = numpy_helper.to_array(inits[dq.input[0]]).astype(np.float64)
        scale = numpy_helper.to_array(inits[dq.input[1]]).astype(np.float64)
        zp = (
            numpy_helper.to_array(inits[dq.input[2]]).astype(np.float64)
            if len(dq.input) > 2 and dq.input[2]
            else np.zeros_like(scale)
        )
        axis = next((a.i for a in dq.attribute if a.name == "axis"), 1)
        shape = [1] * q.ndim
        if scale.size > 1:
            shape[axis] = scale.size
        out[node.name] = (q - zp.reshape(shape)) * scale.reshape(shape)
    return out


def _shift(node: onnx.NodeProto, dw: np.ndarray, mean: np.ndarray):
    """The mean output error (W_q - W) . E[x] of one node, per output channel; None where it does not apply."""
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    if node.op_type == "Conv":
        groups = attrs.get("group", 1)
        per_group = dw.shape[1]
        if mean.size != groups * per_group:
            return None
        m = mean.reshape(groups, per_group)[np.arange(dw.shape[0]) // (dw.shape[0] // groups)]
        return (dw.reshape(dw.shape[0], per_group, -1).sum(2) * m).sum(1)
    if attrs.get("alpha", 1.0) != 1.0 or attrs.get("beta", 1.0) != 1.0 or attrs.get("transA", 0):
        return None
    w = dw if attrs.get("transB", 0) else dw.T  # [N, K]
    return w @ mean if mean.size == w.shape[1] else None


def correct_biases(model: onnx.ModelProto, qmodel: onnx.ModelProto, means: Dict[str, List[float]]) -> onnx.ModelProto:
    """A copy of the float `model` whose Conv/Gemm biases absorb the weight rounding error of `qmodel` (built from
    it); a node without a bias gets one. Each node owns its weights in the copy, so a bias onnxsim merged with
    another node's is corrected for this node alone."""
    out, inits = editable_copy(model)
    weights, quantized = {n.name: n for n in model.graph.node}, _dequantized(qmodel)
    for node in out.graph.node:
        wq = quantized.get(node.name)
        if wq is None or node.input[0] not in means or node.input[1] not in inits:
            continue
        w = numpy_helper.to_array(inits[node.input[1]]).astype(np.float64)
        shift = _shift(weights[node.name], wq - w, np.asarray(means[node.input[0]], dtype=np.float64))
        if shift is None:
            continue
        if len(node.input) > 2 and node.input[2]:
            b = inits.get(node.input[2])
            if b is None:
                continue
            old = numpy_helper.to_array(b)
            b.CopyFrom(numpy_helper.from_array((old - shift.reshape(old.shape)).astype(old.dtype), b.name))
        else:
            name = f"{node.name}__zf_bias"
            out.graph.initializer.append(numpy_helper.from_array((-shift).astype(np.float32), name))
            del node.input[2:]
            node.input.append(name)
    return out
