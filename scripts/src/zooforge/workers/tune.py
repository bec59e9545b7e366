"""Worker: greedy accuracy-budget search. Starting from the fully quantized model, move the most sensitive
nodes (sensitivity ranking) to higher precision one at a time (int16 under emulate bpu, as hb_mapper's node_info
would; float under emulate host) until the Top-1 drop on the validation subset is within max_drop; every step is
measured (drop, host latency)."""

import json
import os

from zooforge.calibration.quant_setup import QuantSetup
from zooforge.protocol.worker import progress, quiet_onnxruntime, run_worker, write_json
from zooforge.quant.qdq_memo import quick_qdq_writer
from zooforge.runtime.timing import latency


def measured_step(q, qmodel, kept):
    """One step of the search: the model built once, scored on the subset and timed."""
    s = q.score(qmodel)
    return {
        "nodes_changed": len(kept),
        "node": kept[-1] if kept else None,
        "top1": s["top1"],
        "drop": s["drop"],
        "latency_ms": latency(qmodel)["median_ms"],
    }


def main(p):
    quiet_onnxruntime()
    with open(p["sensitivity"]) as f:
        ranking = [r["node"] for r in json.load(f)]
    q = QuantSetup(p)
    kept, steps = [], []
    higher = q.higher_precision()
    limit = min(len(ranking), p["max_nodes"])
    with quick_qdq_writer():  # every step rebuilds the model from the same weights
        while True:
            qmodel = q.build(extra_int16=kept) if higher == "int16" else q.build(extra_float=kept)
            steps.append(measured_step(q, qmodel, kept))
            progress(f"{len(kept)} nodes at {higher}: drop {steps[-1]['drop']:.2f} points", len(kept), limit)
            if steps[-1]["drop"] <= p["max_drop"] or len(kept) >= limit:
                break
            kept.append(ranking[len(kept)])
    met = steps[-1]["drop"] <= p["max_drop"]
    best = min(steps, key=lambda r: (r["drop"], r["nodes_changed"]))
    write_json(os.path.join(p["work_dir"], "tune.json"), steps)
    return {
        "met": met,
        "max_drop": p["max_drop"],
        "precision": higher,
        "quantized_nodes": len(q.quantized_nodes()),
        "nodes": kept if met else ranking[: best["nodes_changed"]],
        "float_top1": q.float_top1,
        "subset": len(q.subset.indices),
        "steps": steps,
        "best": best,
        "outputs": {"steps": "tune.json"},
    }


if __name__ == "__main__":
    run_worker("tune", main)
