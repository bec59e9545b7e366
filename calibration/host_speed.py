"""emulate host: which op types stay float is measured per model, so that int8 is as fast as this machine allows.
Each candidate is built with the same (max) ranges and timed 1-thread beside the fp32 model; the fastest wins."""
from typing import Dict, List

import numpy as np
import onnx

from zf.protocol import progress
from zf.qdq import HOST_SCHEME, build_qdq, is_grouped_conv, nodes_kept_float
from zf.timing import latency

DENSE = ("Conv", "MatMul", "Gemm")


def has_grouped(model: onnx.ModelProto) -> bool:
    return any(is_grouped_conv(n) for n in model.graph.node)


def candidate_sets(model: onnx.ModelProto) -> List[List[str]]:
    """What may stay float, cheapest change first: nothing; grouped (incl. depthwise) convolutions, where ORT's x86
    int8 kernels lose to fp32; everything but the dense convolutions and matrix products (where the many Q/DQ
    conversions around float activations, SE gates and adds cost more than int8 saves)."""
    sets = [[]]
    if has_grouped(model):
        sets.append(["GroupedConv"])
    others = sorted({n.op_type for n in model.graph.node} - set(DENSE))
    if others:
        sets.append((["GroupedConv"] if has_grouped(model) else []) + others)
    return sets


def choose_float_types(q: Dict, model: onnx.ModelProto, ranges, x: np.ndarray, runs: int = 30) -> Dict:
    """{chosen, fp32_ms, int8_ms, tried: [{float_op_types, int8_ms}]}."""
    cands = candidate_sets(model)
    progress("timing fp32 (1 thread) for emulate host")
    fp32 = latency(model, x, runs)["median_ms"]
    tried = []
    for k, types in enumerate(cands):
        progress(f"timing int8 with {', '.join(types) or 'nothing'} kept float", k + 1, len(cands))
        exclude, _ = nodes_kept_float(model, q["run_on_cpu"], q["node_info"], types)
        qmodel = build_qdq(model, ranges, True, exclude, scheme=HOST_SCHEME)
        tried.append({"float_op_types": types, "int8_ms": latency(qmodel, x, runs)["median_ms"]})
    best = min(tried, key=lambda t: t["int8_ms"])
    return {"chosen": best["float_op_types"], "fp32_ms": fp32, "int8_ms": best["int8_ms"], "tried": tried}
