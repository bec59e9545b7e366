"""hb_mapper's calibration method search on our statistics: `default` tries {max, max_percentile, kl} x
{per-channel on/off} and keeps the best output cosine on a held-out slice of the calibration set; a named method
runs alone. One streaming pass gathers what every candidate needs."""
import numpy as np
import onnx

from zf.checks import cosine
from zf.ort_session import run_one, session
from zf.protocol import progress
from zf.qdq import build_qdq, with_minmax_outputs, with_outputs

from .calibrator import StreamingCalibrator

METHOD_LABEL = {"max": "max", "max_percentile": "max-percentile", "kl": "kl"}


def candidates(q):
    per_channel = [True, False] if q["per_channel"] == "auto" else [bool(q["per_channel"])]
    if q["calibration_type"] == "default":
        return [(m, pc) for m in ("max", "max_percentile", "kl") for pc in per_channel]
    method = "max_percentile" if q["calibration_type"] == "max" and (q.get("max_percentile") or 1) < 1 else q["calibration_type"]
    return [(method, per_channel[0])]


SEARCH_PERCENTILE = 0.99995  # what hb_mapper's default search tries


def calibrate(model_path, names, calib, need_hist):
    """One pass over `calib` (NpyRows); only the current image's activations are held."""
    augment = with_outputs if need_hist else with_minmax_outputs
    data = augment(onnx.load(model_path), names, in_place=True).SerializeToString()  # no second proto held
    sess = session(data, threads=2, optimize=False, arena=False)
    del data
    in_name, out_names = sess.get_inputs()[0].name, [o.name for o in sess.get_outputs()]
    wanted = set(names)
    cal = StreamingCalibrator(names, with_hist=need_hist)
    for i in range(len(calib)):
        x = calib.row(i)
        values = dict(zip(out_names, sess.run(None, {in_name: x})))
        if need_hist:
            cal.update({n: v for n, v in values.items() if n in wanted})
        else:
            for n in names:
                cal.update_minmax(n, float(values[f"{n}__zf_ReduceMin"]), float(values[f"{n}__zf_ReduceMax"]))
        progress("calibrating", i + 1, len(calib))
    return cal


def search(q, model, prep, cal, held_set, exclude):
    """Quantize with each candidate (method x per-channel); keep the best output cosine on the held-out images."""
    fsess = session(prep, threads=2)
    score_inputs = [held_set.row(i) for i in range(len(held_set))]
    ref = [run_one(fsess, x) for x in score_inputs]
    cands = candidates(q)
    results, best = [], None
    for k, (method, pc) in enumerate(cands):
        progress(f"quantizing ({METHOD_LABEL[method]}{', per_channel' if pc else ''})", k + 1, len(cands))
        percentile = q.get("max_percentile") if q["calibration_type"] == "max" else SEARCH_PERCENTILE
        ranges = cal.ranges(method, percentile or 1.0, full_range={i.name for i in model.graph.input})
        qmodel = build_qdq(model, ranges, pc, exclude)
        score = None
        if ref:
            qsess = session(qmodel, threads=2)
            score = float(np.mean([cosine(r, run_one(qsess, x)) for r, x in zip(ref, score_inputs)]))
        results.append({"method": method, "per_channel": pc, "output_cosine": score})
        if best is None or (score is not None and score > best["score"]):
            best = {"score": score if score is not None else 0.0, "method": method, "per_channel": pc, "ranges": ranges, "model": qmodel}
    return best, results, fsess
