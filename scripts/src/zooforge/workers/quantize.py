"""Worker, backend ort: the calibration package's streaming statistics and method search (calibration/), then
ONNX Runtime's QDQ writer fed with the chosen ranges, in the scheme of quantize.emulate (calibration/scheme.py),
and what the report shows of the result."""

import contextlib
import json
import os
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import numpy as np
import onnx

from zooforge.calibration.host_speed import build_placed, choose_float_types
from zooforge.calibration.npy_rows import MappedRows, NpyRows
from zooforge.calibration.race import RaceScorer
from zooforge.calibration.scheme import bpu_kept_float, candidates, scheme_for
from zooforge.calibration.search import calibrate, search
from zooforge.data.hb_input import board_pixels
from zooforge.data.preprocess import denormalize, normalize
from zooforge.evaluation.checks import similarity
from zooforge.protocol.worker import ZfError, progress, quiet_onnxruntime, run_worker, warn, write_json
from zooforge.quant.bias_correction import corrected_inputs
from zooforge.quant.equalize import equalize
from zooforge.quant.node_table import node_table
from zooforge.quant.prepare import prepare
from zooforge.quant.qdq import (
    activation_type,
    count_qdq,
    float_compute_ops,
    float_tensors,
    nodes_kept_float,
    qdq_precisions,
    quant_params,
    written_types,
)
from zooforge.quant.regroup import regroup
from zooforge.runtime.ort_session import run_one, session


def worst_histograms(cal, nodes, ranges, count=6, bins=64):
    """|x| histograms (coarsened to `bins`) of the worst nodes' outputs, with the chosen clip range, for the report."""
    out = []
    for row in sorted(nodes, key=lambda r: r["cosine"]):
        name = row.get("tensor")
        st = cal.stats.get(name)
        if st is None or st.hist is None:
            continue
        out.append(
            {
                "node": row["node"],
                "tensor": name,
                "cosine": row["cosine"],
                "abs_max": st.hist_max,
                "counts": st.hist.reshape(bins, -1).sum(1).tolist(),
                "range": list(ranges.get(name, (st.lo, st.hi))),
            }
        )
        if len(out) == count:
            break
    return out


def describe(work, model, best, cal, calib, exclude, scheme):
    """What the report shows of the search's winner: calibration table, per-node table, worst histograms, output
    similarity, float ops."""
    qmodel, method, ranges = best["model"], best["method"], best["ranges"]
    params = quant_params(qmodel)
    table = {
        n: {
            "method": method,
            "min": float(cal.stats[n].lo),
            "max": float(cal.stats[n].hi),
            "range": list(r),
            "scale": params.get(n, (None, None))[0],
            "zero_point": params.get(n, (None, None))[1],
        }
        for n, r in ranges.items()
    }
    write_json(os.path.join(work, "calibration_table.json"), table)
    progress("per-node similarity")
    first = [calib.row(i) for i in summary_rows(len(calib))]
    nodes = node_table(model, qmodel, first, ranges, exclude, activation_type(scheme), set(scheme["int16_tensors"]))
    write_json(os.path.join(work, "nodes.json"), nodes)
    write_json(os.path.join(work, "histograms.json"), worst_histograms(cal, nodes, ranges))
    fused = session(qmodel, threads=2)
    outs = [(cal.outputs[i], run_one(fused, calib.row(i))) for i in summary_rows(len(calib))]
    output_sim = similarity(np.concatenate([a for a, _ in outs]), np.concatenate([b for _, b in outs]))
    kinds = {n.name: n.op_type for n in model.graph.node}
    unquantized = float_compute_ops(qmodel, dict(Counter(kinds.get(name, "?") for name in exclude)))
    return nodes, output_sim, unquantized


def kept_float(q, model, scheme, float_types):
    """The nodes left float, and warnings: bpu keeps what the X5 runs on its CPU; host keeps `float_types`."""
    bpu = scheme["emulate"] == "bpu"
    exclude, warnings = nodes_kept_float(model, q["run_on_cpu"], q["node_info"], float_types, int16_runs=bpu)
    if bpu and q["float_op_types"]:
        warnings.append(
            f"quantize.float_op_types {q['float_op_types']} keeps op types float that the X5 BPU runs in int8: "
            "the accuracy is no longer the board's"
        )
    if bpu:
        exclude = sorted(set(exclude) | set(bpu_kept_float(model)))
    return exclude, warnings


def measured_host_placement(q, model, ranges, x):
    """emulate host's float placement, measured (calibration/host_speed.py); warns when none beats fp32."""
    host_speed = choose_float_types(q, model, ranges, x)
    if host_speed["int8_ms"] > host_speed["fp32_ms"]:
        warn(
            f"emulate host: int8 is slower than fp32 here with every configuration tried "
            f"({host_speed['int8_ms']:.2f} vs {host_speed['fp32_ms']:.2f} ms, 1 thread)"
        )
    return host_speed


def host_model_beside(q, model, ranges, per_channel, x, means, path):
    """quantize.host_model under emulate bpu: the emulate host model from the same calibration pass (the bpu
    method's ranges), its float placement measured unless float_op_types says; returns its host_speed record."""
    progress("building the emulate host model beside the bpu one")
    host_speed = measured_host_placement(q, model, ranges, x) if q["float_op_types"] is None else None
    placed = (
        (host_speed["chosen"], host_speed["float_nodes"], host_speed["regrouped"])
        if host_speed
        else (q["float_op_types"], [], {})
    )
    onnx.save(build_placed(q, model, ranges, *placed, per_channel=per_channel, input_means=means), path)
    return host_speed


def prepared(p, q, work):
    """The float model ready to calibrate (shape-inferred, ORT-optimized, equalized when asked), saved at .prepared.onnx."""
    progress("pre-processing (shape inference, ORT basic optimizations)")
    prep = os.path.join(work, ".prepared.onnx")
    model, opset_note = prepare(p["model"], prep)
    equalized = None
    if q["equalize"]:  # before calibration: the ranges are measured on the equalized weights
        model, equalized = equalize(model)
        onnx.save(model, prep)
        progress(f"cross-layer equalization: {equalized} Conv -> Relu -> Conv chain(s)")
    return model, prep, opset_note, equalized


def float_placement(q, model, prep, scheme, cal, calib):
    """What stays float: the recipe's op types, else (emulate host) what measured int8 does not pay for. Returns the
    (possibly regrouped) model, the excluded nodes, the float op types, the host-speed record and the warnings."""
    host_speed = None
    if scheme["emulate"] == "host" and q["float_op_types"] is None:  # measured: int8 as fast as this machine allows
        host_speed = measured_host_placement(q, model, cal.ranges("max", 1.0), calib.row(0))
        if host_speed["regrouped"]:  # the same values, faster int8 kernels; ranges stay valid (no tensor changes)
            model = regroup(model, host_speed["regrouped"])
            onnx.save(model, prep)
    float_types = q["float_op_types"] if q["float_op_types"] is not None else host_speed["chosen"] if host_speed else []
    exclude, warnings = kept_float(q, model, scheme, float_types)
    if host_speed:  # the dense nodes the measurement found int8 does not pay for
        exclude = sorted(set(exclude) | set(host_speed["float_nodes"]))
    missing16 = [t for t in scheme["int16_tensors"] if t not in cal.stats]
    if missing16:
        warnings.append(f"node_info asks int16 for tensors that are not float activations here: {', '.join(missing16)}")
    return model, exclude, float_types, host_speed, warnings


def checked_winner(best, scheme, cal, warnings):
    """The search's winner, refused when nothing was quantized; int16 requests ORT left float are warned."""
    qmodel = best["model"]
    qdq = count_qdq(qmodel)
    if qdq["QuantizeLinear"] == 0:
        raise ZfError("the quantizer inserted no QuantizeLinear node: nothing in this model was quantized")
    progress(best["selected"])
    written = written_types(qmodel)
    left_float = [t for t in scheme["int16_tensors"] if t in cal.stats and written.get(t) != "int16"]
    if left_float:  # not silently: these stay more precise than the board's int16
        warnings.append(
            f"node_info int16 names tensors that ONNX Runtime's quantizer leaves float here (their ops, e.g. "
            f"Pow/ReduceMean, have no Q/DQ form): {', '.join(left_float)}"
        )
        warn(warnings[-1])
    return qdq


def board_view(calib, p):
    """Under emulate bpu, what hb_mapper calibrates and scores on: each (normalized) calibration row passed through
    the board's input path (input_type_rt: nv12 subsamples chroma), as the tool converts its calibration data."""
    rt = p["input_type_rt"]
    if rt is None:
        return calib
    with open(p["preprocess"]) as f:
        rec = json.load(f)
    return MappedRows(calib, lambda x: normalize(board_pixels(denormalize(x, rec), rec, rt), rec))


def summary_rows(count: int) -> range:
    """The calibration rows the summary's per-node table and output similarity are measured on: the first four."""
    return range(min(4, count))


OUTPUTS = {
    "model": "model_int8.onnx",
    "calibration_table": "calibration_table.json",
    "nodes": "nodes.json",
    "histograms": "histograms.json",
    "summary": "summary.json",
}


@dataclass
class Searched:
    """The calibration pass, the float placement and the method search, and what the summary says of them."""

    model: onnx.ModelProto
    cal: Any
    exclude: List[str]
    float_types: List[str]
    host_speed: Optional[Dict]
    warnings: List[str]
    means: Optional[Dict]
    best: Dict
    results: List[Dict]
    scored: int
    seconds: float


def calibrate_and_search(q, model, prep, scheme, calib) -> Searched:
    """One calibration pass over every image (ranges as hb_mapper's, and the float outputs the search and the summary
    compare with), the float placement, then the method search, which scores its candidates on the last
    `search_samples` images."""
    cands = candidates(q)
    racing = len(cands) > 1
    scored = min(q["search_samples"], len(calib)) if racing else 0
    score_rows = range(len(calib) - scored, len(calib))
    bias_correction = "bias_correction" in q["optimization"]
    started = time.perf_counter()
    # the race's scoring process starts now: its imports overlap the calibration pass
    with RaceScorer() if racing else contextlib.nullcontext() as scorer:
        cal = calibrate(
            prep,
            float_tensors(model),
            calib,
            need_hist=any(m != "max" for m, _, _ in cands),
            mean_of=corrected_inputs(model) if bias_correction else (),
            keep_outputs=[*score_rows, *summary_rows(len(calib))],
        )
        model, exclude, float_types, host_speed, warnings = float_placement(q, model, prep, scheme, cal, calib)
        for w in warnings:
            warn(w)
        means = cal.channel_means if bias_correction else None
        inputs, reference = [calib.row(i) for i in score_rows], [cal.outputs[i] for i in score_rows]
        best, results = search(q, model, cal, inputs, reference, exclude, scheme, means, scorer)
    seconds = round(time.perf_counter() - started, 3)
    return Searched(model, cal, exclude, float_types, host_speed, warnings, means, best, results, scored, seconds)


def main(p):
    quiet_onnxruntime()
    q, work = p["quantize"], p["work_dir"]
    model, prep, opset_note, equalized = prepared(p, q, work)
    calib = board_view(NpyRows(p["calibration"]), p)
    if len(calib) == 0:
        raise ZfError("the calibration set has zero usable images")
    scheme = scheme_for(q, model)
    s = calibrate_and_search(q, model, prep, scheme, calib)
    warnings = list(s.warnings)
    best, model = s.best, s.model
    method, pc, ranges, qmodel = best["method"], best["per_channel"], best["ranges"], best["model"]
    qdq = checked_winner(best, scheme, s.cal, warnings)
    onnx.save(qmodel, os.path.join(work, OUTPUTS["model"]))
    host_model = scheme["emulate"] == "bpu" and q["host_model"]
    host_speed = s.host_speed
    if host_model:
        host_speed = host_model_beside(
            q, model, ranges, pc, calib.row(0), s.means, os.path.join(work, "model_int8_host.onnx")
        )
    nodes, output_sim, unquantized = describe(work, model, best, s.cal, calib, s.exclude, scheme)
    if unquantized and scheme["emulate"] == "host":  # under bpu the Q/DQ pairs still fix every value to the int8 grid
        warnings.append(
            f"kept float, ONNX Runtime cannot run them in int8: {', '.join(f'{k} ({v})' for k, v in unquantized.items())}"
        )
        warn(warnings[-1])
    summary = {
        "emulate": scheme["emulate"],
        "method": method,
        "per_channel": pc,
        "asymmetric": best["asymmetric"],
        "selected": best["selected"],
        "search": s.results,
        "scored_on": s.scored,
        "search_seconds": s.seconds,
        "bias_corrected": s.means is not None,
        "equalized": equalized,
        "host_model": host_model,
        "opset_note": opset_note,
        "calibrated_on": len(calib),
        "tensors": len(ranges),
        "qdq_nodes": qdq,
        "precisions": qdq_precisions(qmodel),
        "float_op_types": s.float_types,
        "host_speed": host_speed,
        "scheme": {**scheme, "symmetric": not best["asymmetric"]},
        "excluded_nodes": s.exclude,
        "warnings": warnings,
        "unquantized_ops": unquantized,
        "output_similarity": output_sim,
        "worst_nodes": sorted(nodes, key=lambda r: r["cosine"])[:5],
    }
    # The choices sensitivity and tune rebuild the model with (per_channel, scheme, excluded_nodes) as a keyed file.
    write_json(os.path.join(work, OUTPUTS["summary"]), {**summary, "input_means": s.means})
    return {**summary, "outputs": {**OUTPUTS, **({"host_model": "model_int8_host.onnx"} if host_model else {})}}


if __name__ == "__main__":
    run_worker("quantize", main)
