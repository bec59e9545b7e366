"""What an int8 model quantizes and how, for the two purposes of the ort backend (quantize.emulate):

bpu  — predict the RDK X5 board's accuracy: every op the BPU runs in int8 is int8 here (all convolutions, grouped
       and depthwise included), signed int8 activations (symmetric unless the search picks asymmetric), int8
       per-channel weights, int16 where node_info or set_all_nodes_int16 ask (fake-quant Q/DQ pairs), and float only
       for what the X5 runs on its CPU (X5_CPU_OPS below) or the recipe sends there.
host — the fastest int8 on this machine: uint8 asymmetric activations (what ORT's x86 kernels fuse), and which op
       types stay float is measured per model (calibration/host_speed.py).

The scheme travels with the quantized model (summary.json), so sensitivity and tune rebuild exactly the same kind."""

from typing import Dict, List, Tuple

import onnx

from zooforge.quant.qdq import HOST_SCHEME

# Ops the X5 toolchain places on the ARM CPU, i.e. kept float when emulating the board. Sources:
#  - D-Robotics, "Supported Operator Lists and Restrictions" (rdk_doc, toolchain_development/intermediate/
#    supported_op_list): Cast, Constant, Dropout, Reshape, Squeeze, Unsqueeze, Shape cannot run on the BPU (they are
#    constant-folded where possible, else run on the CPU);
#  - the `ON` column of the makertbin logs in shared/fixtures/horizon/logs/ (8 X5 builds, 1,927 nodes): every
#    compute node (Conv, Mul, Sigmoid, Softmax, MatMul, Gemm, Resize, ...) ran on the BPU; the only CPU nodes were
#    the Reshape after each classifier Gemm.
# Data-movement ops compute nothing, so keeping them float changes no number; the list matters for ops that do.
X5_CPU_OPS = ("Cast", "Constant", "Dropout", "Reshape", "Squeeze", "Unsqueeze", "Shape")

SEARCH_PERCENTILE = 0.99995  # the percentile hb_mapper's default search tries (max_percentile: [0.99995, 1.0])


def scheme_for(q: Dict, model: onnx.ModelProto) -> Dict:
    """The quantization scheme of this recipe: activation type and symmetry, int16 tensors, the float op types."""
    if q["emulate"] == "host":
        return dict(HOST_SCHEME)
    return {
        "emulate": "bpu",
        "activations": "int8",
        "symmetric": True,
        "int16_tensors": int16_tensors(model, q["node_info"]),
        "all_int16": "set_all_nodes_int16" in q["optimization"],
    }


def int16_tensors(model: onnx.ModelProto, node_info: Dict) -> List[str]:
    """The activation tensors node_info asks int16 for: InputType/OutputType name all of a node's inputs/outputs,
    InputTypeN/OutputTypeN the N-th (hb_mapper's keys). Weights stay int8 either way."""
    inits = {i.name for i in model.graph.initializer}
    nodes = {n.name: n for n in model.graph.node}
    out: List[str] = []
    for name, info in node_info.items():
        node = nodes.get(name)
        if node is None or info.get("ON") == "CPU":
            continue
        for key, value in info.items():
            if value != "int16" or key == "ON":
                continue
            side = list(node.input) if key.startswith("InputType") else list(node.output)
            index = key[len("InputType") :] if key.startswith("InputType") else key[len("OutputType") :]
            picked = side if index == "" else side[int(index) : int(index) + 1] if index.isdigit() else []
            out += [t for t in picked if t and t not in inits and t not in out]
    return out


def bpu_kept_float(model: onnx.ModelProto) -> List[str]:
    return [n.name for n in model.graph.node if n.op_type in X5_CPU_OPS]


def candidates(q: Dict) -> List[Tuple[str, bool, bool]]:
    """(method, per_channel, asymmetric) to try. bpu + default: hb_mapper's X5 grid, calibration_type [max, kl] x
    max_percentile [0.99995, 1.0] x per_channel [True, False] x asymmetric [True, False] (max at 1.0 is plain max;
    kl takes no percentile: 3 methods x 2 x 2 = 12). host + default: {max, max_percentile, kl} x per_channel, uint8
    asymmetric. A named method runs alone (bpu: symmetric)."""
    per_channel = [True, False] if q["per_channel"] == "auto" else [bool(q["per_channel"])]
    bpu = q["emulate"] == "bpu"
    if q["calibration_type"] == "default":
        asym = [False, True] if bpu else [True]
        return [(m, pc, a) for m in ("max", "max_percentile", "kl") for pc in per_channel for a in asym]
    method = (
        "max_percentile"
        if q["calibration_type"] == "max" and (q.get("max_percentile") or 1) < 1
        else q["calibration_type"]
    )
    return [(method, per_channel[0], not bpu)]


def hb_words(method: str, per_channel: bool, asymmetric: bool, percentile: float, emulate: str) -> str:
    """The choice as hb_mapper logs it: "Select max-percentile:percentile=0.99995,per_channel method."."""
    label = {"max": "max", "kl": "kl", "max_percentile": f"max-percentile:percentile={percentile:g}"}[method]
    extras = (",per_channel" if per_channel else "") + (",asymmetric" if asymmetric and emulate == "bpu" else "")
    return f"Select {label}{extras} method."


def widen_int16(
    ranges: Dict[str, Tuple[float, float]], full: Dict[str, Tuple[float, float]], scheme: Dict
) -> Dict[str, Tuple[float, float]]:
    """Tensors made int16 one by one (node_info, tune) take their whole observed range: a clipped range would keep
    the very error int16 is asked to remove. Under set_all_nodes_int16 every tensor keeps the calibration method's
    range, or the method (and its search) would mean nothing."""
    return {**ranges, **{t: full[t] for t in scheme["int16_tensors"] if t in full and t in ranges}}
