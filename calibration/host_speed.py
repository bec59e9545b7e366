"""emulate host: what stays float is measured per model, so that int8 is as fast as this machine allows.
Candidates are whole op types kept float, and sets of dense nodes chosen by how much int8 pays for each one timed
alone; each candidate is built with the same (max) ranges and timed 1-thread beside the fp32 model; the fastest wins."""

from typing import Dict, List, Tuple

import numpy as np
import onnx
from onnx import helper, numpy_helper

from zooforge.protocol.worker import ZfError, progress
from zooforge.quant.qdq import HOST_SCHEME, build_qdq, is_grouped_conv, nodes_kept_float
from zooforge.quant.regroup import group_options, regroup
from zooforge.runtime.runners import runtime_name
from zooforge.runtime.timing import latency

DENSE = ("Conv", "MatMul", "Gemm")
# A dense node timed alone (with its own Q and DQ) is made int8 only if that takes at most this share of its fp32
# time: ORT's fp32 kernels (NCHWc, fused activations) are fast enough on small layers that int8 plus the conversions
# around it loses; each threshold is one candidate, all timed.
PAYS = (0.5, 0.7, 0.85)


def has_grouped(model: onnx.ModelProto) -> bool:
    return any(is_grouped_conv(n) for n in model.graph.node)


def _dims(info: onnx.ValueInfoProto) -> List[int]:
    return [d.dim_value if d.dim_value > 0 else 1 for d in info.type.tensor_type.shape.dim]


def node_speedups(
    model: onnx.ModelProto, ranges: Dict, runs: int = 20, runtime: str = "ort"
) -> Tuple[Dict[str, float], Dict[str, int]]:
    """(dense node -> int8 time / fp32 time, each node timed alone as a one-node model: int8 with the Q before and
    the DQ after it, what it costs beside float neighbours; narrow grouped conv -> the group count it runs fastest
    with in int8, when widening its groups (zooforge/quant/regroup.py) beats its own). Nodes whose shapes are unknown are left out."""
    # the prepared model (zooforge/quant/prepare.py) is shape-inferred already
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
        fp32 = latency(one, x, runs, runtime)["median_ms"]
        int8 = latency(build_qdq(one, own, True, []), x, runs, runtime)["median_ms"]
        options = group_options(node, numpy_helper.to_array(weights[node.input[1]]))
        if options:
            timed = {
                g: latency(build_qdq(regroup(one, {node.name: g}), own, True, []), x, runs, runtime)["median_ms"]
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


# Timings this close are one speed (a tiny model's 0.1 ms, a busy machine): within it the order decides, not noise.
CLOSE = 0.10
FIRST_WITHIN = f"the first placement (in the candidates' order) within {CLOSE:.0%} of the fastest"


def decide(fp32_ms: float, tried: List[Dict]) -> Tuple[int, str]:
    """(index into `tried`, why): the placement kept. Timing decides only on a clear margin: the first placement, in
    the candidates' order (cheapest change first), within CLOSE of the fastest. When no placement beats fp32 by CLOSE,
    int8 buys no clear speed here (tiny or busy models) and the differences between placements are noise: every op
    stays int8 (the first candidate), whatever the timings ranked first."""
    times = [t["int8_ms"] for t in tried]
    if min(times) > fp32_ms * (1 - CLOSE):
        return (
            0,
            f"no placement beats fp32 by {CLOSE:.0%}, so timing decides nothing: every op int8 (the first candidate)",
        )
    k = next(i for i, t in enumerate(times) if t <= min(times) * (1 + CLOSE))
    return k, "the fastest placement" if times[k] == min(times) else FIRST_WITHIN


def pinned(q: Dict, model: onnx.ModelProto, ranges, x: np.ndarray, runs: int = 30) -> Dict:
    """quantize.host_placement: the recipe's placement, timed once beside fp32 for the report, chosen by nothing."""
    pin, runtime = q["host_placement"], q["host_runtime"]
    names = {n.name for n in model.graph.node}
    missing = [n for n in [*pin["float_nodes"], *pin["regrouped"]] if n not in names]
    if missing:
        raise ZfError(
            f"quantize.host_placement names nodes that are not in this model: {', '.join(missing[:5])}"
            f"{' ...' if len(missing) > 5 else ''} (a placement measured on another model or export?)"
        )
    choice = {
        "label": "the pinned placement (quantize.host_placement)",
        "float_op_types": pin["float_op_types"],
        "float_nodes": pin["float_nodes"],
        "regroup": pin["regrouped"],
    }
    fp32 = latency(model, x, runs, runtime)["median_ms"]
    qmodel = build_placed(q, model, ranges, pin["float_op_types"], pin["float_nodes"], pin["regrouped"])
    timed = [{**choice, "int8_ms": latency(qmodel, x, runs, runtime)["median_ms"]}]
    return {**record(fp32, timed, 0, "quantize.host_placement"), "runtime": runtime_name(runtime)}


def choose_float_types(q: Dict, model: onnx.ModelProto, ranges, x: np.ndarray, runs: int = 30) -> Dict:
    """The placement record (see record()); quantize.host_placement, when set, instead of timing one."""
    if q.get("host_placement"):
        return pinned(q, model, ranges, x, runs)
    runtime = q["host_runtime"]  # the placement is timed in the runtime that will run it
    speedups, regroups = node_speedups(model, ranges, runtime=runtime)
    cands = candidates(model, speedups, regroups)
    progress("timing fp32 (1 thread) for emulate host")
    fp32 = latency(model, x, runs, runtime)["median_ms"]
    tried, built = [], []
    for k, c in enumerate(cands):
        progress(f"timing int8 on {c['label']}", k + 1, len(cands))
        built.append(build_placed(q, model, ranges, c["float_op_types"], c["float_nodes"], c["regroup"]))
        tried.append({**c, "int8_ms": latency(built[-1], x, runs, runtime)["median_ms"]})
    fp32 = retime(model, built, tried, fp32, x, runs, runtime)
    return {**record(fp32, tried, *decide(fp32, tried)), "runtime": runtime_name(runtime)}


def retime(model, built, tried, fp32: float, x: np.ndarray, runs: int, runtime: str, rounds: int = 2) -> float:
    """A busy moment only ever slows a run down: fp32 and every placement that could be kept (within 25 % of the
    fastest) are timed `rounds` more times, interleaved, and keep their least median. Updates `tried`; returns fp32."""
    fastest = min(t["int8_ms"] for t in tried)
    contenders = [i for i, t in enumerate(tried) if t["int8_ms"] <= 1.25 * fastest]
    for r in range(rounds):
        progress("timing again the placements that could be kept", r + 1, rounds)
        fp32 = min(fp32, latency(model, x, runs, runtime)["median_ms"])
        for i in contenders:
            tried[i]["int8_ms"] = min(tried[i]["int8_ms"], latency(built[i], x, runs, runtime)["median_ms"])
    return fp32


def record(fp32: float, tried: List[Dict], k: int, why: str) -> Dict:
    """{chosen, float_nodes, regrouped, label, fp32_ms, int8_ms, decided_by, close, tried: [{label,
    float_op_types, float_nodes, regrouped, int8_ms}]}: regrouped maps a grouped conv to the group count the int8
    model gives it (zooforge/quant/regroup.py); close lists the other placements within CLOSE of the kept one's time."""
    kept = tried[k]
    return {
        "chosen": kept["float_op_types"],
        "float_nodes": kept["float_nodes"],
        "regrouped": kept["regroup"],
        "label": kept["label"],
        "fp32_ms": fp32,
        "int8_ms": kept["int8_ms"],
        "decided_by": why,
        "margin": CLOSE,
        "close": [
            t["label"]
            for i, t in enumerate(tried)
            if i != k and abs(t["int8_ms"] - kept["int8_ms"]) <= CLOSE * kept["int8_ms"]
        ],
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
