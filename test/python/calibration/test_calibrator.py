"""The streaming calibrator (calibration/calibrator.py) against whole-array numpy on the same activations."""

import numpy as np

from calibration.calibrator import StreamingCalibrator


def activations(seed=0, n=20):
    rng = np.random.RandomState(seed)
    # ReLU-like outputs with a long tail: where max and percentile/kl must differ
    return [np.maximum(rng.standard_normal((1, 8, 6, 6)).astype(np.float32) * 2, 0) ** 1.5 for _ in range(n)]


def test_streaming_max_is_the_min_and_max_over_every_image():
    acts = activations()
    cal = StreamingCalibrator(["t"], with_hist=True)
    for a in acts:
        cal.update({"t": a})
    lo, hi = cal.ranges("max", 1.0)["t"]
    assert lo == 0.0 and hi == float(np.max(acts))


def test_percentile_and_kl_clip_inside_the_max_and_keep_zero():
    acts = activations(n=400)  # enough values to fill hb_mapper's 16384-bin histogram
    cal = StreamingCalibrator(["t"], with_hist=True)
    for a in acts:
        cal.update({"t": a})
    top = float(np.max(acts))
    for method in ("max_percentile", "kl"):
        lo, hi = cal.ranges(method, 0.999)["t"]
        assert lo <= 0.0 < hi < top, method
    # the percentile threshold sits near numpy's on the same data (histogram resolution aside)
    _, p_hi = cal.ranges("max_percentile", 0.999)["t"]
    assert abs(p_hi - float(np.quantile(np.abs(np.concatenate([a.ravel() for a in acts])), 0.999))) < top / 64


def test_graph_inputs_keep_their_full_range():
    cal = StreamingCalibrator(["x"], with_hist=True)
    for a in activations():
        cal.update({"x": a})
    assert cal.ranges("kl", 0.99, full_range={"x"})["x"] == cal.ranges("max", 1.0)["x"]
