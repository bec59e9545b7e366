"""Worker: per-layer sensitivity. For every quantized node: Top-1 and output cosine/SQNR on a validation
subset when ONLY that node is quantized ("single"), next to its cumulative cosine in the fully quantized
model ("entire"). Ranked by Top-1 drop, then cosine. Bounded by a time budget (unmeasured nodes are named)."""

import os
import time

from zooforge.calibration.quant_setup import QuantSetup
from zooforge.protocol.worker import progress, quiet_onnxruntime, run_worker, write_json


def main(p):
    quiet_onnxruntime()
    start = time.time()
    progress("preparing the validation subset")
    q = QuantSetup(p)
    full = q.score(q.build())
    nodes = q.quantized_nodes()
    rows, unmeasured = [], []
    for k, n in enumerate(nodes):
        if time.time() - start > p["budget_s"]:
            unmeasured.append(n["node"])
            continue
        s = q.score(q.build(only=[n["node"]]))
        rows.append(
            {
                "node": n["node"],
                "type": n["type"],
                "single_top1_drop": s["drop"],
                "single_cosine": s["cosine"],
                "single_sqnr_db": s["sqnr_db"],
                "entire_cosine": n["cosine"],
            }
        )
        progress("quantizing one node at a time", k + 1, len(nodes))
    rows.sort(key=lambda r: (-round(r["single_top1_drop"], 9), r["single_cosine"], r["node"]))
    for rank, r in enumerate(rows, 1):
        r["rank"] = rank
    write_json(os.path.join(p["work_dir"], "sensitivity.json"), rows)
    return {
        "subset": len(q.subset.indices),
        "float_top1": q.float_top1,
        "int8_top1": full["top1"],
        "int8_drop": full["drop"],
        "measured": len(rows),
        "unmeasured": unmeasured,
        "seconds": round(time.time() - start, 1),
        "top": rows[:10],
        "outputs": {"sensitivity": "sensitivity.json"},
    }


if __name__ == "__main__":
    run_worker("sensitivity", main)
