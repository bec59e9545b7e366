"""Worker: onnxsim, then our own equivalence check on real images (onnxsim's allclose check false-alarms
on float noise, onnxsim #110 and #50), with node counts and op histograms before/after."""

import json
import os
import sys

import onnx

from zooforge.data.check_inputs import check_inputs
from zooforge.evaluation.checks import compare_outputs
from zooforge.model.graph_stats import op_histogram
from zooforge.protocol.lean_import import import_skipping_init
from zooforge.protocol.worker import ZfError, progress, quiet_onnxruntime, run_worker
from zooforge.runtime.ort_session import run_one, session


def main(p):
    quiet_onnxruntime()
    try:  # onnxsim's __init__ imports torch and every quantizer it ships; its simplifier needs neither (nor sympy)
        onnxsim = import_skipping_init("onnxsim", "onnx_simplifier", absent=("sympy",))
    except ImportError:
        raise ZfError(
            f"onnxsim is not importable by {sys.executable}: run scripts/setup.sh (it pip-installs the pinned onnxsim)"
        )
    s = p["simplify"]
    with open(p["preprocess"]) as f:
        rec = json.load(f)
    model = onnx.load(p["model"])
    progress("onnxsim")
    kwargs = dict(check_n=0, perform_optimization=not s["skip_optimization"], skip_fuse_bn=s["skip_fuse_bn"])
    if s["overwrite_input_shape"]:
        kwargs["overwrite_input_shapes"] = {rec["input_name"]: rec["input_shape"]}
    simplified, _ = onnxsim.simplify(model, **kwargs)
    out = os.path.join(p["work_dir"], "model.onnx")
    onnx.save(simplified, out)
    progress("checking before vs after")
    inputs, described = check_inputs(p.get("check_dataset"), rec, s["check_samples"], 0)
    before, after = session(p["model"], threads=2), session(out, threads=2)
    check = compare_outputs([run_one(before, x) for x in inputs], [run_one(after, x) for x in inputs])
    check["inputs"] = described
    if check["min_cosine"] < s["min_cosine"] or check["top1_agreement"] < 1.0:
        raise ZfError(
            f"simplified model disagrees with the exported one: min cosine {check['min_cosine']:.6f} "
            f"(limit {s['min_cosine']}), Top-1 agreement {check['top1_agreement']:.3f}, max |delta| {check['max_abs_diff']:.3g}. "
            "Try simplify.skip_optimization: true, or simplify.tool: none"
        )
    return {
        "check": check,
        "nodes_before": len(model.graph.node),
        "nodes_after": len(simplified.graph.node),
        "ops_before": op_histogram(model),
        "ops_after": op_histogram(simplified),
        "outputs": {"model": "model.onnx"},
    }


if __name__ == "__main__":
    run_worker("simplify", main)
