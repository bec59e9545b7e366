"""hb_mapper's calibration method search on our statistics: `default` tries the candidates of calibration/scheme.py
(bpu: hb_mapper's X5 grid of method x per-channel x asymmetric) and keeps the best output cosine on a slice of the
calibration set; a named method runs alone. Ranges come from every calibration image (as hb_mapper's do); the
scoring slice is the last `search_samples` of them. One streaming pass gathers what every candidate needs."""

from concurrent.futures import ThreadPoolExecutor
from typing import Callable

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


# The race (search): every candidate is scored on the first RACE_MIN_IMAGES search images; after each image a
# candidate leaves once its mean per-image cosine deficit to the leader exceeds RACE_STANDARD_ERRORS standard errors
# of that paired difference. Those that stay are scored on every search image and the best of them wins. On the
# three bench:quantize models the exhaustive search's winner stays in the race and wins it (issue 25.1).
RACE_MIN_IMAGES = 4
RACE_STANDARD_ERRORS = 3.0


def search(q, model, prep, cal, score_set, exclude, scheme, means=None):
    """Quantize with each candidate (method x per-channel [x asymmetric]) and race them on `score_set` by output
    cosine to the float model. Returns the winner (its ranges, model and hb_mapper's words for it) and every
    candidate's row (its mean cosine over the images it was scored on, and how many)."""
    inputs = [score_set.row(i) for i in range(len(score_set))]
    count = len(candidates(q))
    race = Race(count, len(inputs)) if count > 1 and inputs else None
    first = min(RACE_MIN_IMAGES, len(inputs))
    built, scoring = [], []
    # ONNX Runtime releases the GIL: the float reference, then each candidate's first images, run on the scorer
    # thread while the main thread builds the next candidate (Python). Candidates are scored there on one core (ORT's
    # int8 outputs do not depend on its thread count); the float reference keeps its two threads.
    with ThreadPoolExecutor(max_workers=1) as scorer:
        reference = scorer.submit(_float_reference, prep, inputs)
        for b in _candidate_builds(q, model, cal, exclude, scheme, means):
            built.append(b)
            if race:
                scoring.append(scorer.submit(_cosines, b["model"], reference, inputs[:first], threads=1))
        fsess, ref = reference.result()
        for k, done in enumerate(scoring):
            for value in done.result():
                race.add(k, value)
    if race:
        race_on(race, _survivor_scores([b["model"] for b in built], ref, inputs))
    winner = race.leader() if race else 0  # after the race, the leader of those scored on every image
    best = {**built[winner], "score": race.mean(winner) if race else 0.0}
    return best, [_row(b, race, k) for k, b in enumerate(built)], fsess


def _float_reference(prep, inputs):
    """The float model's session and its outputs on the search images."""
    fsess = session(prep, threads=2)
    return fsess, [run_one(fsess, x) for x in inputs]


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
            yield {
                "method": method,
                "per_channel": pc,
                "asymmetric": not symmetric,
                "ranges": ranges,
                "model": qmodel,
                "selected": words,
            }


def _cosines(qmodel, reference, inputs, threads):
    """The int8 model's output cosine to the float model's outputs (`reference`, computed before it on the same
    thread), image by image."""
    _, ref = reference.result()
    qsess = session(qmodel, threads=threads)
    return [cosine(r, run_one(qsess, x)) for r, x in zip(ref, inputs)]


class Race:
    """Per-image output cosines of candidates scored image by image; which are still in, and who leads."""

    def __init__(self, candidates: int, images: int):
        self.cosines = [[] for _ in range(candidates)]
        self.images = images
        self.active = list(range(candidates))

    def add(self, candidate: int, cosine_value: float) -> None:
        self.cosines[candidate].append(cosine_value)

    def mean(self, candidate: int):
        return float(np.mean(self.cosines[candidate])) if self.cosines[candidate] else None

    def _rank(self, candidate: int):
        mean = self.mean(candidate)
        return (mean if mean is not None and np.isfinite(mean) else -np.inf, -candidate)

    def scored_on(self, candidate: int) -> int:
        return len(self.cosines[candidate])

    def leader(self) -> int:
        """The active candidate with the best mean; the first in candidate order on a tie."""
        return max(self.active, key=self._rank)

    def eliminate(self) -> None:
        """Drop every active candidate clearly behind the leader on the images all of them were scored on."""
        n = min(len(self.cosines[c]) for c in self.active)
        if n < RACE_MIN_IMAGES:
            return
        lead = np.array(self.cosines[self.leader()][:n])
        kept = []
        for c in self.active:
            deficit = lead - np.array(self.cosines[c][:n])
            behind = deficit.mean() > 0 and deficit.mean() > RACE_STANDARD_ERRORS * deficit.std(ddof=1) / np.sqrt(n)
            if not behind:
                kept.append(c)
        self.active = kept


def race_on(race: Race, score: Callable[[int, int], float]) -> None:
    """After every candidate's first images: the survivors, image by image (score(candidate, image) is its
    output cosine on that image), until all images are scored."""
    race.eliminate()
    for i in range(race.scored_on(race.leader()), race.images):
        for c in race.active:
            race.add(c, score(c, i))
        race.eliminate()
        progress(f"racing {len(race.active)} of {len(race.cosines)} candidates", i + 1, race.images)


def _survivor_scores(models, ref, inputs) -> Callable[[int, int], float]:
    """score(candidate, image) for the race's survivors, one session each, opened once."""
    sessions = {}

    def score(c: int, i: int) -> float:
        if c not in sessions:
            sessions[c] = session(models[c], threads=2)
        return cosine(ref[i], run_one(sessions[c], inputs[i]))

    return score
