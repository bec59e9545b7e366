"""emulate host: what stays float is measured per model, so that int8 is as fast as this machine allows.
Candidates are whole op types kept float, and sets of dense nodes chosen by how much int8 pays for each one timed
alone; each candidate is built with the same (max) ranges and timed 1-thread beside the fp32 model; the fastest wins."""

from typing import Dict, List, Tuple

import numpy as np
import onnx
from onnx import helper, numpy_helper

from zf.protocol import progress
from zf.qdq import HOST_SCHEME, build_qdq, is_grouped_conv, nodes_kept_float
from zf.regroup import group_options, regroup
from zf.timing import latency

DENSE = ("Conv", "MatMul", "Gemm")
# A dense node timed alone (with its own Q and DQ) is made int8 only if that takes at most this share of its fp32
# time: ORT's fp32 kernels (NCHWc, fused activations) are fast enough on small layers that int8 plus the conversions
# around it loses; each threshold is one candidate, all timed.
PAYS = (0.5, 0.7, 0.85)


def has_grouped(model: onnx.ModelProto) -> bool:
    return any(is_grouped_conv(n) for n in model.graph.node)


def _dims(info: onnx.ValueInfoProto) -> List[int]:
    return [d.dim_value if d.dim_value > 0 else 1 for d in info.type.tensor_type.shape.dim]


def node_speedups(model: onnx.ModelProto, ranges: Dict, runs: int = 20) -> Tuple[Dict[str, float], Dict[str, int]]:
    """(dense node -> int8 time / fp32 time, each node timed alone as a one-node model: int8 with the Q before and
    the DQ after it, what it costs beside float neighbours; narrow grouped conv -> the group count it runs fastest
    with in int8, when widening its groups (zf/regroup.py) beats its own). Nodes whose shapes are unknown are left out."""
    # the prepared model (zf/prepare.py) is shape-inferred already
    infos = {v.name: v for v in list(model.graph.value_info) + list(model.graph.input) + list(model.graph.output)}
    weights = {i.name: i for i in model.graph.initializer}
    dense = [
        n
        for n in model.graph.node
        if n.op_type in DENSE
        and n.input[0] in infos
        and n.output[0] in infos
        and n.input[0] in ranges
        and n.output[0] in ranges
        and all(i in weights for i in n.input[1:] if i)
    ]
    ratios, regroups = {}, {}
    for k, node in enumerate(dense):
        progress(f"timing {node.op_type} nodes alone, fp32 vs int8", k + 1, len(dense))
        shape = _dims(infos[node.input[0]])
        graph = helper.make_graph(
            [node],
            "one",
            [helper.make_tensor_value_info(node.input[0], onnx.TensorProto.FLOAT, shape)],
            [helper.make_tensor_value_info(node.output[0], onnx.TensorProto.FLOAT, _dims(infos[node.output[0]]))],
            [weights[i] for i in node.input[1:] if i],
        )
        one = helper.make_model(graph, opset_imports=model.opset_import, ir_version=model.ir_version)
        lo, hi = ranges[node.input[0]]
        x = np.random.default_rng(0).uniform(lo, hi, shape).astype(np.float32)
        own = {t: ranges[t] for t in (node.input[0], node.output[0])}
        fp32 = latency(one, x, runs)["median_ms"]
        int8 = latency(build_qdq(one, own, True, []), x, runs)["median_ms"]
        options = group_options(node, numpy_helper.to_array(weights[node.input[1]]))
        if options:
            timed = {
                g: latency(build_qdq(regroup(one, {node.name: g}), own, True, []), x, runs)["median_ms"]
                for g in options
            }
            best = min(timed, key=timed.get)
            if timed[best] < int8:
                regroups[node.name], int8 = best, timed[best]
        ratios[node.name] = int8 / fp32
    return ratios, regroups


def candidates(model: onnx.ModelProto, speedups: Dict[str, float], regroups: Dict[str, int]) -> List[Dict]:
    """What may stay float, cheapest change first: nothing; grouped (incl. depthwise) convolutions, where ORT's x86
    int8 kernels lose to fp32; everything but the dense nodes (where the many Q/DQ conversions around float
    activations, SE gates and adds cost more than int8 saves); the dense nodes int8 does not pay for alone, with the
    other op types float or int8. Where narrow grouped convs run faster in int8 with wider groups, the candidates
    that make them int8 also come (or only come) with them widened."""
    grouped = ["GroupedConv"] if has_grouped(model) else []
    others = sorted({n.op_type for n in model.graph.node} - set(DENSE))
    widen = f", {len(regroups)} narrow grouped convolution(s) widened" if regroups else ""
    out = [{"label": "everything", "float_op_types": [], "float_nodes": [], "regroup": {}}]
    if regroups:
        out.append({"label": f"everything{widen}", "float_op_types": [], "float_nodes": [], "regroup": regroups})
    if grouped:
        out.append(
            {"label": "all but the grouped convolutions", "float_op_types": grouped, "float_nodes": [], "regroup": {}}
        )
    if others:
        out.append(
            {
                "label": "the dense nodes only" + (", grouped convolutions excepted" if grouped else ""),
                "float_op_types": grouped + others,
                "float_nodes": [],
                "regroup": {},
            }
        )
        if regroups:
            out.append(
                {
                    "label": f"the dense nodes only{widen}",
                    "float_op_types": others,
                    "float_nodes": [],
                    "regroup": regroups,
                }
            )
    dense = [n.name for n in model.graph.node if n.op_type in DENSE]
    for pays in PAYS:
        slow = [n for n in dense if speedups.get(n, 1.0) > pays]
        if not 0 < len(slow) < len(dense) or any(c["float_nodes"] == slow for c in out):
            continue
        fast = {n: g for n, g in regroups.items() if n not in slow}
        picked = (
            f"the {len(dense) - len(slow)} dense nodes whose int8 takes at most {pays:g}x their fp32 time alone"  # labels: what is int8
            + (f" ({len(fast)} grouped widened)" if fast else "")
        )
        # with the other op types float (few conversions around each int8 node) and int8 (long int8 runs)
        out.append({"label": f"only {picked}", "float_op_types": others, "float_nodes": slow, "regroup": fast})
        if others:
            out.append(
                {
                    "label": f"{picked}, and every other op type",
                    "float_op_types": [],
                    "float_nodes": slow,
                    "regroup": fast,
                }
            )
    return out


def build_placed(
    q: Dict,
    model: onnx.ModelProto,
    ranges,
    float_op_types: List[str],
    float_nodes: List[str],
    regrouped: Dict[str, int],
    per_channel: bool = True,
    input_means: Dict = None,
) -> onnx.ModelProto:
    """The emulate host QDQ model for one placement: these op types (and run_on_cpu / node_info) and dense nodes kept
    float, these grouped convs widened."""
    exclude, _ = nodes_kept_float(model, q["run_on_cpu"], q["node_info"], float_op_types)
    return build_qdq(
        regroup(model, regrouped),
        ranges,
        per_channel,
        sorted(set(exclude) | set(float_nodes)),
        scheme=HOST_SCHEME,
        input_means=input_means,
    )


def choose_float_types(q: Dict, model: onnx.ModelProto, ranges, x: np.ndarray, runs: int = 30) -> Dict:
    """{chosen, float_nodes, regrouped, label, fp32_ms, int8_ms, tried: [{label, float_op_types, float_nodes, regrouped,
    int8_ms}]}: regrouped maps a grouped conv to the group count the int8 model gives it (zf/regroup.py)."""
    speedups, regroups = node_speedups(model, ranges)
    cands = candidates(model, speedups, regroups)
    progress("timing fp32 (1 thread) for emulate host")
    fp32 = latency(model, x, runs)["median_ms"]
    tried = []
    for k, c in enumerate(cands):
        progress(f"timing int8 on {c['label']}", k + 1, len(cands))
        qmodel = build_placed(q, model, ranges, c["float_op_types"], c["float_nodes"], c["regroup"])
        tried.append({**c, "int8_ms": latency(qmodel, x, runs)["median_ms"]})
    best = min(tried, key=lambda t: t["int8_ms"])
    return {
        "chosen": best["float_op_types"],
        "float_nodes": best["float_nodes"],
        "regrouped": best["regroup"],
        "label": best["label"],
        "fp32_ms": fp32,
        "int8_ms": best["int8_ms"],
        "tried": [
            {
                "label": t["label"],
                "float_op_types": t["float_op_types"],
                "float_nodes": len(t["float_nodes"]),
                "regrouped": len(t["regroup"]),
                "int8_ms": t["int8_ms"],
            }
            for t in tried
        ],
    }
