"""hb_mapper's calibration method search on our statistics: `default` tries the candidates of calibration/scheme.py
(bpu: hb_mapper's X5 grid of method x per-channel x asymmetric) and keeps the best output cosine on a slice of the
calibration set; a named method runs alone. Ranges come from every calibration image (as hb_mapper's do); the
scoring slice is the last `search_samples` of them. One streaming pass gathers what every candidate needs, the float
model's outputs the candidates are compared with included."""

import onnx

from zooforge.protocol.worker import progress
from zooforge.quant.bias_correction import channel_mean
from zooforge.quant.qdq import build_qdq, with_minmax_outputs, with_outputs
from zooforge.quant.qdq_memo import quick_qdq_writer
from zooforge.runtime.ort_session import session

from .calibrator import StreamingCalibrator
from .scheme import SEARCH_PERCENTILE, candidates, hb_words, widen_int16


def calibrate(model_path, names, calib, need_hist, mean_of=(), keep_outputs=()):
    """One pass over `calib` (NpyRows); only the current image's activations are held. mean_of: tensors whose
    per-channel mean over the pass is also kept (`cal.channel_means`, for optimization: bias_correction).
    keep_outputs: rows whose float model output is kept (`cal.outputs[row]`): the reference the search and the
    summary compare int8 outputs with, so that no second float session runs them again."""
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
    wanted, keep = set(names), set(keep_outputs)
    cal = StreamingCalibrator(names, with_hist=need_hist)
    sums = {}
    for i in range(len(calib)):
        outputs = sess.run(None, {in_name: calib.row(i)})
        if i in keep:  # the model's own first output (added outputs come after it), as run_one returns it
            cal.outputs[i] = outputs[0]
        values = dict(zip(out_names, outputs))
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


def search(q, model, cal, inputs, reference, exclude, scheme, means=None, scorer=None):
    """Quantize with each candidate (method x per-channel [x asymmetric]) and, given a started RaceScorer (more than
    one candidate), race them (calibration/race.py) on `inputs` by output cosine to the float model's outputs on them
    (`reference`). Returns the winner (its ranges, model and hb_mapper's words for it) and every candidate's row (its
    mean cosine over the images it was scored on, and how many)."""
    if scorer is None:  # one candidate: nothing to race
        built = list(_candidate_builds(q, model, cal, exclude, scheme, means))
        return {**built[0], "score": 0.0}, [_row(b, None, 0) for b in built]
    built = []
    scorer.start(len(candidates(q)), inputs, reference)
    for b in _candidate_builds(q, model, cal, exclude, scheme, means):
        built.append(b)
        scorer.candidate(len(built) - 1, b["model"].SerializeToString())
    race = scorer.result()
    winner = race.leader()  # after the race, the leader of those scored on every image
    return {**built[winner], "score": race.mean(winner)}, [_row(b, race, k) for k, b in enumerate(built)]


def _row(built, race, k):
    """What the summary says of candidate k: its layout, mean output cosine and the images it was scored on."""
    return {
        "method": built["method"],
        "per_channel": built["per_channel"],
        "asymmetric": built["asymmetric"],
        "output_cosine": race.mean(k) if race else None,
        "scored_on": race.scored_on(k) if race else 0,
    }


def _candidate_builds(q, model, cal, exclude, scheme, means):
    """One QDQ model per candidate, in candidate order, with what the summary says of it."""
    cands = candidates(q)
    inputs = {i.name for i in model.graph.input}
    full = cal.ranges("max", 1.0)
    by_method = {}  # ranges depend on (method, symmetric), not on per-channel weights: each computed once
    with quick_qdq_writer():  # every candidate quantizes the same weights: once per layout, not 12 times
        for k, (method, pc, asym) in enumerate(cands):
            percentile = (q.get("max_percentile") if q["calibration_type"] == "max" else SEARCH_PERCENTILE) or 1.0
            words = hb_words(method, pc, asym, percentile, scheme["emulate"])
            progress(f"quantizing ({words[len('Select ') : -len(' method.')]})", k + 1, len(cands))
            symmetric = scheme["symmetric"] and not asym
            if (method, symmetric) not in by_method:
                by_method[method, symmetric] = cal.ranges(method, percentile, full_range=inputs, symmetric=symmetric)
            ranges = widen_int16(by_method[method, symmetric], full, scheme)
            qmodel = build_qdq(model, ranges, pc, exclude, scheme=scheme, asymmetric=not symmetric, input_means=means)
            yield {
                "method": method,
                "per_channel": pc,
                "asymmetric": not symmetric,
                "ranges": ranges,
                "model": qmodel,
                "selected": words,
            }
