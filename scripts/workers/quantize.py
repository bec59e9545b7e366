"""Worker, backend ort: the calibration package's streaming statistics and method search (calibration/), then
ONNX Runtime's QDQ writer fed with the chosen ranges, and what the report shows of the result."""
import os
from collections import Counter

import numpy as np  # noqa: E402
import onnx  # noqa: E402

from calibration.npy_rows import NpyRows
from calibration.search import METHOD_LABEL, calibrate, candidates, search
from zf.checks import similarity  # noqa: E402
from zf.node_table import node_table  # noqa: E402
from zf.prepare import prepare  # noqa: E402
from zf.ort_session import run_one, session  # noqa: E402
from zf.protocol import ZfError, progress, quiet_onnxruntime, run_worker, warn, write_json  # noqa: E402
from zf.qdq import count_qdq, float_compute_ops, float_tensors, nodes_kept_float, quant_params  # noqa: E402

def worst_histograms(cal, nodes, ranges, count=6, bins=64):
    """|x| histograms (coarsened to `bins`) of the worst nodes' outputs, with the chosen clip range, for the report."""
    out = []
    for row in sorted(nodes, key=lambda r: r["cosine"]):
        name = row.get("tensor")
        st = cal.stats.get(name)
        if st is None or st.hist is None:
            continue
        out.append({"node": row["node"], "tensor": name, "cosine": row["cosine"], "abs_max": st.hist_max,
                    "counts": st.hist.reshape(bins, -1).sum(1).tolist(), "range": list(ranges.get(name, (st.lo, st.hi)))})
        if len(out) == count:
            break
    return out


def describe(work, model, qmodel, cal, ranges, method, calib, exclude, fsess):
    """What the report shows: calibration table, per-node table, worst histograms, output similarity, float ops."""
    params = quant_params(qmodel)
    table = {n: {"method": method, "min": float(cal.stats[n].lo), "max": float(cal.stats[n].hi), "range": list(r),
                 "scale": params.get(n, (None, None))[0], "zero_point": params.get(n, (None, None))[1]} for n, r in ranges.items()}
    write_json(os.path.join(work, "calibration_table.json"), table)
    progress("per-node similarity")
    first = [calib.row(i) for i in range(min(4, len(calib)))]
    nodes = node_table(model, qmodel, first, ranges, exclude)
    write_json(os.path.join(work, "nodes.json"), nodes)
    write_json(os.path.join(work, "histograms.json"), worst_histograms(cal, nodes, ranges))
    fused = session(qmodel, threads=2)
    outs = [(run_one(fsess, x), run_one(fused, x)) for x in first]
    output_sim = similarity(np.concatenate([a for a, _ in outs]), np.concatenate([b for _, b in outs]))
    kinds = {n.name: n.op_type for n in model.graph.node}
    unquantized = float_compute_ops(qmodel, dict(Counter(kinds.get(name, "?") for name in exclude)))
    return nodes, output_sim, unquantized


def main(p):
    quiet_onnxruntime()
    q, work = p["quantize"], p["work_dir"]
    progress("pre-processing (shape inference, ORT basic optimizations)")
    prep = os.path.join(work, ".prepared.onnx")
    model, opset_note = prepare(p["model"], prep)
    calib = NpyRows(p["calibration"])
    if len(calib) == 0:
        raise ZfError("the calibration set has zero usable images")
    cands = candidates(q)
    held = min(q["search_samples"], max(1, len(calib) // 4)) if len(cands) > 1 else 0
    stats_set, held_set = calib.subset(0, len(calib) - held), calib.subset(len(calib) - held, len(calib))
    cal = calibrate(prep, float_tensors(model), stats_set, need_hist=any(m != "max" for m, _ in cands))
    exclude, warnings = nodes_kept_float(model, q["run_on_cpu"], q["node_info"], q["float_op_types"])
    for w in warnings:
        warn(w)
    best, results, fsess = search(q, model, prep, cal, held_set, exclude)
    method, pc, ranges, qmodel = best["method"], best["per_channel"], best["ranges"], best["model"]
    qdq = count_qdq(qmodel)
    if qdq["QuantizeLinear"] == 0:
        raise ZfError("the quantizer inserted no QuantizeLinear node: nothing in this model was quantized")
    selected = f"Select {METHOD_LABEL[method]}{', per_channel' if pc else ''} method."
    progress(selected)
    onnx.save(qmodel, os.path.join(work, "model_int8.onnx"))
    nodes, output_sim, unquantized = describe(work, model, qmodel, cal, ranges, method, calib, exclude, fsess)
    if unquantized:
        warnings.append(f"kept float, ONNX Runtime cannot run them in int8: {', '.join(f'{k} ({v})' for k, v in unquantized.items())}")
        warn(warnings[-1])
    summary = {"method": method, "per_channel": pc, "selected": selected, "search": results, "held_out": held,
               "opset_note": opset_note, "calibrated_on": len(stats_set), "tensors": len(ranges), "qdq_nodes": qdq, "excluded_nodes": exclude,
               "warnings": warnings, "unquantized_ops": unquantized, "output_similarity": output_sim,
               "worst_nodes": sorted(nodes, key=lambda r: r["cosine"])[:5]}
    # The choices later stages rebuild the model with (per_channel, excluded_nodes) as a keyed file, not run data.
    write_json(os.path.join(work, "summary.json"), summary)
    return {**summary, "outputs": {"model": "model_int8.onnx", "calibration_table": "calibration_table.json", "nodes": "nodes.json",
                                   "histograms": "histograms.json", "summary": "summary.json"}}


if __name__ == "__main__":
    run_worker("quantize", main)
