"""hb_mapper's calibration method search on our statistics: `default` tries the candidates of calibration/scheme.py
(bpu: hb_mapper's X5 grid of method x per-channel x asymmetric) and keeps the best output cosine on a slice of the
calibration set; a named method runs alone. Ranges come from every calibration image (as hb_mapper's do); the
scoring slice is the last `search_samples` of them. One streaming pass gathers what every candidate needs."""

import numpy as np
import onnx

from zooforge.evaluation.checks import cosine
from zooforge.protocol.worker import progress
from zooforge.quant.bias_correction import channel_mean
from zooforge.quant.qdq import build_qdq, with_minmax_outputs, with_outputs
from zooforge.quant.qdq_memo import reused_weight_quantization
from zooforge.runtime.ort_session import run_one, session

from .calibrator import StreamingCalibrator
from .scheme import SEARCH_PERCENTILE, candidates, hb_words, widen_int16


def calibrate(model_path, names, calib, need_hist, mean_of=()):
    """One pass over `calib` (NpyRows); only the current image's activations are held. mean_of: tensors whose
    per-channel mean over the pass is also kept (`cal.channel_means`, for optimization: bias_correction)."""
    model = onnx.load(model_path)
    if need_hist:
        with_outputs(model, list(dict.fromkeys([*names, *mean_of])), in_place=True)
    else:
        with_outputs(with_minmax_outputs(model, names, in_place=True), mean_of, in_place=True)
    data = model.SerializeToString()
    del model  # no second proto held
    sess = session(data, threads=2, optimize=False, arena=False)
    del data
    in_name, out_names = sess.get_inputs()[0].name, [o.name for o in sess.get_outputs()]
    wanted = set(names)
    cal = StreamingCalibrator(names, with_hist=need_hist)
    sums = {}
    for i in range(len(calib)):
        x = calib.row(i)
        values = dict(zip(out_names, sess.run(None, {in_name: x})))
        if need_hist:
            cal.update({n: v for n, v in values.items() if n in wanted})
        else:
            for n in names:
                cal.update_minmax(n, float(values[f"{n}__zf_ReduceMin"]), float(values[f"{n}__zf_ReduceMax"]))
        for n in mean_of:
            sums[n] = sums.get(n, 0.0) + channel_mean(values[n])
        progress("calibrating", i + 1, len(calib))
    cal.channel_means = {n: (v / len(calib)).tolist() for n, v in sums.items()}
    return cal


def search(q, model, prep, cal, score_set, exclude, scheme, means=None):
    """Quantize with each candidate (method x per-channel [x asymmetric]); keep the best output cosine on
    `score_set`. Returns the winner (its ranges, model and hb_mapper's words for it) and every candidate's score."""
    fsess = session(prep, threads=2)
    score_inputs = [score_set.row(i) for i in range(len(score_set))]
    ref = [run_one(fsess, x) for x in score_inputs]
    cands = candidates(q)
    results, best = [], None
    inputs = {i.name for i in model.graph.input}
    full = cal.ranges("max", 1.0)
    by_method = {}  # ranges depend on (method, symmetric), not on per-channel weights: each computed once
    with reused_weight_quantization():  # every candidate quantizes the same weights: once per layout, not 12 times
        for k, (method, pc, asym) in enumerate(cands):
            percentile = (q.get("max_percentile") if q["calibration_type"] == "max" else SEARCH_PERCENTILE) or 1.0
            words = hb_words(method, pc, asym, percentile, scheme["emulate"])
            progress(f"quantizing ({words[len('Select ') : -len(' method.')]})", k + 1, len(cands))
            symmetric = scheme["symmetric"] and not asym
            if (method, symmetric) not in by_method:
                by_method[method, symmetric] = cal.ranges(method, percentile, full_range=inputs, symmetric=symmetric)
            ranges = widen_int16(by_method[method, symmetric], full, scheme)
            qmodel = build_qdq(model, ranges, pc, exclude, scheme=scheme, asymmetric=not symmetric, input_means=means)
            score = _output_cosine(qmodel, ref, score_inputs) if len(cands) > 1 else None
            results.append({"method": method, "per_channel": pc, "asymmetric": not symmetric, "output_cosine": score})
            if best is None or (score is not None and score > best["score"]):
                best = {
                    "score": score if score is not None else 0.0,
                    "method": method,
                    "per_channel": pc,
                    "asymmetric": not symmetric,
                    "ranges": ranges,
                    "model": qmodel,
                    "selected": words,
                }
    return best, results, fsess


def _output_cosine(qmodel, ref, inputs):
    """The candidate's mean output cosine to the float model's outputs `ref` on `inputs` (None: nothing to score)."""
    if not ref:
        return None
    qsess = session(qmodel, threads=2)
    return float(np.mean([cosine(r, run_one(qsess, x)) for r, x in zip(ref, inputs)]))
