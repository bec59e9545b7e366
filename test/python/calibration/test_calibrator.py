"""The streaming calibrator (calibration/calibrator.py) against whole-array numpy on the same activations."""

import numpy as np

from zooforge.calibration.calibrator import BINS, StreamingCalibrator, kl_divergences


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


def kl_by_definition(hist: np.ndarray, i: int, levels: int) -> float:
    """KL(P || Q) for one clip bin count, written out bin by bin: the definition the prefix-sum form must equal."""
    ref = hist[:i].copy()
    ref[-1] += hist[i:].sum()
    groups = np.minimum((np.arange(i) * levels) // i, levels - 1)
    nonempty = (hist[:i] > 0).astype(np.float64)
    gsum = np.bincount(groups, weights=hist[:i], minlength=levels)
    gcnt = np.bincount(groups, weights=nonempty, minlength=levels)
    q = np.where(nonempty > 0, gsum[groups] / np.maximum(gcnt[groups], 1), 0.0)
    p, q = ref / ref.sum(), q / max(q.sum(), 1e-300)
    mask = p > 0
    return float(np.sum(p[mask] * np.log(p[mask] / np.maximum(q[mask], 1e-12))))


def test_kl_divergences_equal_the_bin_by_bin_definition():
    rng = np.random.RandomState(3)
    shapes = {
        "normal": np.abs(rng.standard_normal(20000)),
        "heavy tail": np.abs(rng.standard_cauchy(5000)),
        "sparse": rng.randint(0, 5, 300).astype(np.float64),
        "mostly zero": np.abs(rng.laplace(size=20000)) * (rng.rand(20000) < 0.1),
    }
    for name, values in shapes.items():
        hist = np.bincount((values / values.max() * (BINS - 1)).astype(int), minlength=BINS).astype(np.float64)
        hist[0] = 0
        ends = np.arange(BINS // 16, BINS + 1, 733)
        for levels in (128, 256):
            fast = kl_divergences(hist, ends, levels)
            slow = [kl_by_definition(hist, int(i), levels) for i in ends]
            np.testing.assert_allclose(fast, slow, rtol=1e-9, atol=1e-12, err_msg=f"{name}, {levels} levels")
