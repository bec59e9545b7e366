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

# What quantize_static quantizes by default; an empty list would mean "quantize nothing".
DEFAULT_OP_TYPES = sorted(set(QLinearOpsRegistry) | set(QDQRegistry))

FLOAT = onnx.TensorProto.FLOAT


def float_tensors(model: onnx.ModelProto) -> List[str]:
    """Activations worth calibrating: float inputs/outputs of nodes, minus initializers (weights)."""
    inits = {i.name for i in model.graph.initializer}
    typed = {v.name: v.type.tensor_type.elem_type for v in list(model.graph.value_info) + list(model.graph.input) + list(model.graph.output)}
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


def nodes_kept_float(model: onnx.ModelProto, run_on_cpu: List[str], node_info: Dict, float_op_types: List[str]) -> Tuple[List[str], List[str]]:
    """Node names to exclude from quantization, and warnings for what we cannot honour."""
    names = {n.name for n in model.graph.node}
    keep, warnings = set(), []
    for n in run_on_cpu:
        (keep.add(n) if n in names else warnings.append(f"run_on_cpu names {n}, which is not a node of the model"))
    for n, info in node_info.items():
        if n not in names:
            warnings.append(f"node_info names {n}, which is not a node of the model")
        elif info.get("ON") == "CPU":
            keep.add(n)
        elif "int16" in [v for k, v in info.items() if k != "ON"]:
            keep.add(n)
            warnings.append(f"node_info asks int16 for {n}: the ort backend keeps it float instead (int16 QDQ is not fused by ORT's CPU kernels)")
    for node in model.graph.node:
        group = next((a.i for a in node.attribute if a.name == "group"), 1)
        if node.op_type in float_op_types or ("GroupedConv" in float_op_types and node.op_type == "Conv" and group > 1):
            keep.add(node.name)
    return sorted(keep), warnings


def build_qdq(model: onnx.ModelProto, ranges: Dict[str, Tuple[float, float]], per_channel: bool, exclude: List[str],
              only: List[str] = None) -> onnx.ModelProto:
    """only: quantize just these nodes (per-layer sensitivity); default every quantizable node."""
    data = {n: TensorData(lowest=np.array(lo, dtype=np.float32), highest=np.array(hi, dtype=np.float32)) for n, (lo, hi) in ranges.items()}
    q = QDQQuantizer(copy.deepcopy(model), per_channel, False, QuantType.QInt8, QuantType.QUInt8,
                     TensorsData(CalibrationMethod.MinMax, data), only or [], exclude, DEFAULT_OP_TYPES,
                     {"ActivationSymmetric": False, "WeightSymmetric": True})
    out = q.quantize_model()
    out.producer_name, out.producer_version = "zooforge (onnxruntime.quantization)", "0.1.0"
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
_NEUTRAL = {"QuantizeLinear", "DequantizeLinear", "Flatten", "Reshape", "Transpose", "MaxPool", "Squeeze", "Unsqueeze",
            "Identity", "Shape", "Gather", "Concat", "Cast", "Constant", "Slice", "Split", "Pad"}
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
        so.add_session_config_entry("optimization.disable_specified_optimizers", "WeightBiasQuantization")
        so.optimized_model_filepath = os.path.join(tmp, "optimized.onnx")
        ort.InferenceSession(qmodel.SerializeToString(), so, providers=["CPUExecutionProvider"])
        optimized = onnx.load(so.optimized_model_filepath)
    out: Dict[str, int] = {}
    for n in optimized.graph.node:
        op = "Conv" if n.op_type in ("FusedConv", "NhwcConv") else n.op_type
        if op in _NEUTRAL or op in _INTEGER or op.startswith("QLinear") or n.domain == "com.microsoft.nchwc" and op in ("ReorderInput", "ReorderOutput"):
            continue
        out[op] = out.get(op, 0) + 1
    for op, k in excluded_types.items():
        if op in out:
            out[op] -= k
            if out[op] <= 0:
                del out[op]
    return out
