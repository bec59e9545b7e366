"""Write a QDQ model with ONNX Runtime's quantizer, fed with our own tensor ranges, in the layout ORT's
x86 kernels fuse completely: uint8 asymmetric activations, int8 symmetric (per-channel) weights, int32 bias."""

import copy
from typing import Dict, Iterable, List, Set, Tuple

import numpy as np
import onnx
from onnxruntime.quantization import QuantType
from onnxruntime.quantization.calibrate import CalibrationMethod, TensorData, TensorsData
from onnxruntime.quantization.qdq_quantizer import QDQQuantizer
from onnxruntime.quantization.registry import QDQRegistry, QLinearOpsRegistry

from .bias_correction import correct_biases
from .graph_edit import conv_group, unshared

# What quantize_static quantizes by default; an empty list would mean "quantize nothing".
DEFAULT_OP_TYPES = sorted(set(QLinearOpsRegistry) | set(QDQRegistry))

FLOAT = onnx.TensorProto.FLOAT


def float_tensors(model: onnx.ModelProto) -> List[str]:
    """Activations worth calibrating: float inputs/outputs of nodes, minus initializers (weights)."""
    inits = {i.name for i in model.graph.initializer}
    typed = {
        v.name: v.type.tensor_type.elem_type
        for v in list(model.graph.value_info) + list(model.graph.input) + list(model.graph.output)
    }
    names: List[str] = []
    seen: Set[str] = set()
    for node in model.graph.node:
        for t in list(node.input) + list(node.output):
            if t and t not in inits and t not in seen and typed.get(t) == FLOAT:
                seen.add(t)
                names.append(t)
    return names


def with_outputs(model: onnx.ModelProto, names: Iterable[str], in_place: bool = False) -> onnx.ModelProto:
    """The model (a copy unless in_place) whose graph also outputs `names` (ORT can only fetch graph outputs)."""
    m = model if in_place else copy.deepcopy(model)
    existing = {o.name for o in m.graph.output}
    for n in names:
        if n not in existing:
            m.graph.output.append(onnx.helper.make_tensor_value_info(n, FLOAT, None))
    return m


def is_grouped_conv(node: onnx.NodeProto) -> bool:
    """A Conv with group > 1 (depthwise included): what quantize.float_op_types calls GroupedConv."""
    return node.op_type == "Conv" and conv_group(node) > 1


def nodes_kept_float(
    model: onnx.ModelProto, run_on_cpu: List[str], node_info: Dict, float_op_types: List[str], int16_runs: bool = False
) -> Tuple[List[str], List[str]]:
    """Node names to exclude from quantization, and warnings for what we cannot honour. int16_runs: node_info int16
    is emulated (bpu), not kept float."""
    names = {n.name for n in model.graph.node}
    keep, warnings = set(), []
    for n in run_on_cpu:
        (keep.add(n) if n in names else warnings.append(f"run_on_cpu names {n}, which is not a node of the model"))
    for n, info in node_info.items():
        if n not in names:
            warnings.append(f"node_info names {n}, which is not a node of the model")
        elif info.get("ON") == "CPU":
            keep.add(n)
        elif "int16" in [v for k, v in info.items() if k != "ON"] and not int16_runs:
            keep.add(n)
            warnings.append(
                f"node_info asks int16 for {n}: emulate host keeps it float instead (int16 QDQ is not fused by ORT's CPU kernels; emulate bpu runs it int16)"
            )
    for node in model.graph.node:
        if node.op_type in float_op_types or ("GroupedConv" in float_op_types and is_grouped_conv(node)):
            keep.add(node.name)
    return sorted(keep), warnings


_TYPES = {"uint8": QuantType.QUInt8, "int8": QuantType.QInt8, "int16": QuantType.QInt16}


def activation_type(scheme: Dict) -> str:
    """The integer type every activation is written in (node_info's int16 tensors aside)."""
    return "int16" if scheme["all_int16"] else scheme["activations"]


HOST_SCHEME = {"emulate": "host", "activations": "uint8", "symmetric": False, "int16_tensors": [], "all_int16": False}


def build_qdq(
    model: onnx.ModelProto,
    ranges: Dict[str, Tuple[float, float]],
    per_channel: bool,
    exclude: List[str],
    only: List[str] = None,
    scheme: Dict = None,
    asymmetric: bool = None,
    input_means: Dict = None,
) -> onnx.ModelProto:
    """only: quantize just these nodes (per-layer sensitivity); default every quantizable node. scheme
    (calibration/scheme.py): activation type and symmetry, int16 tensors; default the host scheme. asymmetric
    overrides the scheme's symmetry (the bpu search tries both). input_means (optimization: bias_correction):
    per-channel means of the Conv/Gemm inputs; the model is built, its biases corrected, and built again."""
    if input_means:
        first = build_qdq(model, ranges, per_channel, exclude, only, scheme, asymmetric)
        return build_qdq(
            correct_biases(model, first, input_means), ranges, per_channel, exclude, only, scheme, asymmetric
        )
    scheme = scheme or HOST_SCHEME
    symmetric = scheme["symmetric"] if asymmetric is None else not asymmetric
    act = activation_type(scheme)
    int16 = [t for t in scheme["int16_tensors"] if t in ranges]
    options = {"ActivationSymmetric": symmetric, "WeightSymmetric": True}
    if act == "int16" or int16:
        # int16 Q/DQ exist from opset 21; the com.microsoft ones run at any opset (fake-quant: accuracy, not speed)
        options["UseQDQContribOps"] = True
        options["TensorQuantOverrides"] = {t: [{"quant_type": QuantType.QInt16}] for t in int16}
    data = {
        n: TensorData(lowest=np.array(lo, dtype=np.float32), highest=np.array(hi, dtype=np.float32))
        for n, (lo, hi) in ranges.items()
    }
    q = QDQQuantizer(
        unshared(model),
        per_channel,
        False,
        QuantType.QInt8,
        _TYPES[act],
        TensorsData(CalibrationMethod.MinMax, data),
        only or [],
        exclude,
        DEFAULT_OP_TYPES,
        options,
    )
    out = keep_float_in_graph(q.quantize_model(), exclude)
    out.producer_name, out.producer_version = "zooforge (onnxruntime.quantization)", "0.1.0"
    return out


_REQUANTIZED = ("Conv", "ConvTranspose", "Gemm")


def keep_float_in_graph(model: onnx.ModelProto, exclude: List[str]) -> onnx.ModelProto:
    """Make "kept float" a property of the file, not of our session options. ONNX Runtime's WeightBiasQuantization
    optimizer (on by default) quantizes the float weights of any Conv/ConvTranspose/Gemm whose input comes straight
    from a DequantizeLinear, so a plain session would run our float-kept convs in int8 (and report other numbers).
    A one-input Sum (an identity ORT does not remove) between the DequantizeLinear and the node keeps it float."""
    producers = {o: n for n in model.graph.node for o in n.output}
    nodes = list(model.graph.node)
    for node in nodes:
        if node.name not in exclude or node.op_type not in _REQUANTIZED or not node.input:
            continue
        source = producers.get(node.input[0])
        if source is None or source.op_type != "DequantizeLinear":
            continue
        held = f"{node.input[0]}__zf_float_{node.name}"
        model.graph.node.insert(
            list(model.graph.node).index(node), onnx.helper.make_node("Sum", [node.input[0]], [held], name=held)
        )
        node.input[0] = held
    return model


_QTYPES = {
    onnx.TensorProto.INT8: "int8",
    onnx.TensorProto.UINT8: "uint8",
    onnx.TensorProto.INT16: "int16",
    onnx.TensorProto.UINT16: "uint16",
}


def written_types(model: onnx.ModelProto) -> Dict[str, str]:
    """Tensor -> the integer type its QuantizeLinear writes (read from the zero point's type)."""
    zps = {i.name: i.data_type for i in model.graph.initializer}
    return {
        n.input[0]: _QTYPES.get(zps.get(n.input[2]), "other")
        for n in model.graph.node
        if n.op_type == "QuantizeLinear" and len(n.input) >= 3
    }


def qdq_precisions(model: onnx.ModelProto) -> Dict[str, int]:
    """How many QuantizeLinear nodes write each integer type (int8, uint8, int16): what the model really holds."""
    out: Dict[str, int] = {}
    for t in written_types(model).values():
        out[t] = out.get(t, 0) + 1
    return out


def quant_params(model: onnx.ModelProto) -> Dict[str, Tuple[float, int]]:
    """Activation tensor -> (scale, zero point) read back from the written QDQ model."""
    inits = {i.name: onnx.numpy_helper.to_array(i) for i in model.graph.initializer}
    out = {}
    for node in model.graph.node:
        if node.op_type == "QuantizeLinear" and len(node.input) >= 3:
            scale, zp = inits.get(node.input[1]), inits.get(node.input[2])
            if scale is not None and zp is not None and scale.size == 1:
                out[node.input[0]] = (float(scale), int(zp))
    return out


def count_qdq(model: onnx.ModelProto) -> Dict[str, int]:
    ops = [n.op_type for n in model.graph.node]
    return {"QuantizeLinear": ops.count("QuantizeLinear"), "DequantizeLinear": ops.count("DequantizeLinear")}


def with_minmax_outputs(model: onnx.ModelProto, names: Iterable[str], in_place: bool = False) -> onnx.ModelProto:
    """A copy that outputs ReduceMin/ReduceMax of each tensor: what the max method needs, without copying
    whole activations out of ORT (the way ORT's own MinMax calibrator augments the graph)."""
    m = model if in_place else copy.deepcopy(model)
    for n in names:
        for op in ("ReduceMin", "ReduceMax"):
            out = f"{n}__zf_{op}"
            # keepdims=0 with no axes reduces everything to a scalar (before and after opset 18 moved axes to an input).
            m.graph.node.append(onnx.helper.make_node(op, [n], [out], keepdims=0, name=out))
            m.graph.output.append(onnx.helper.make_tensor_value_info(out, FLOAT, None))
    return m


# Data movement: runs on uint8 as it is. Everything else that is not an integer kernel computes in float.
_NEUTRAL = {
    "QuantizeLinear",
    "DequantizeLinear",
    "Flatten",
    "Reshape",
    "Transpose",
    "MaxPool",
    "Squeeze",
    "Unsqueeze",
    "Identity",
    "Shape",
    "Gather",
    "Concat",
    "Cast",
    "Constant",
    "Slice",
    "Split",
    "Pad",
}
_INTEGER = {"QGemm", "ConvInteger", "MatMulInteger", "MatMulIntegerToFloat", "DynamicQuantizeMatMul", "QAttention"}


def float_compute_ops(qmodel: onnx.ModelProto, excluded_types: Dict[str, int]) -> Dict[str, int]:
    """Op type -> count of nodes that still compute in float in the graph ONNX Runtime actually runs (after its
    QDQ fusions), minus the nodes kept float on request. A DQ -> Sin -> Q sandwich is float, whatever the QDQ says."""
    import os
    import tempfile

    import onnxruntime as ort

    with tempfile.TemporaryDirectory() as tmp:
        so = ort.SessionOptions()
        so.log_severity_level = 3
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.optimized_model_filepath = os.path.join(tmp, "optimized.onnx")
        ort.InferenceSession(qmodel.SerializeToString(), so, providers=["CPUExecutionProvider"])
        optimized = onnx.load(so.optimized_model_filepath)
    out: Dict[str, int] = {}
    for n in optimized.graph.node:
        if "__zf_float_" in n.name:
            continue  # keep_float_in_graph's identity: not a computation
        op = "Conv" if n.op_type in ("FusedConv", "NhwcConv") else n.op_type
        if (
            op in _NEUTRAL
            or op in _INTEGER
            or op.startswith("QLinear")
            or n.domain == "com.microsoft.nchwc"
            and op in ("ReorderInput", "ReorderOutput")
        ):
            continue
        out[op] = out.get(op, 0) + 1
    for op, k in excluded_types.items():
        if op in out:
            out[op] -= k
            if out[op] <= 0:
                del out[op]
    return out
