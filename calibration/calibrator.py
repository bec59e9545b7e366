"""Streaming calibration: one pass over the images; per tensor a running min/max and a histogram of |x|
whose range doubles (merging bin pairs) as larger values arrive. Memory is tensors x bins, whatever the
image count; only the current image's activations are ever held.

Thresholds use hb_mapper's method names: max, max_percentile, kl."""

from concurrent.futures import ThreadPoolExecutor
from typing import Dict, Tuple

import numpy as np

BINS = 16384  # hb_mapper's max_num_bin: its kl searches thresholds from num_bin=1024 of them up
PARALLEL_ELEMENTS = 1 << 20  # below this many activation values per image, two threads cost more than they save


class TensorStats:
    __slots__ = ("lo", "hi", "hist", "hist_max")

    def __init__(self) -> None:
        self.lo, self.hi = np.inf, -np.inf
        self.hist = None
        self.hist_max = 0.0

    def update(self, a: np.ndarray, with_hist: bool, lo: float = None, hi: float = None) -> None:
        a = a.ravel()
        if lo is None:
            lo, hi = float(a.min()), float(a.max())
        self.lo, self.hi = min(self.lo, lo), max(self.hi, hi)
        if not with_hist:
            return
        absmax = max(-lo, hi)
        if self.hist is None:
            self.hist, self.hist_max = np.zeros(BINS, dtype=np.int64), max(absmax, 1e-12)
        while absmax > self.hist_max:  # double the range: bin pairs merge exactly, nothing is re-read
            self.hist = np.concatenate([self.hist.reshape(-1, 2).sum(1), np.zeros(BINS // 2, dtype=np.int64)])
            self.hist_max *= 2
        scaled = np.abs(a)
        scaled *= BINS / self.hist_max
        counts = np.bincount(scaled.astype(np.intp), minlength=BINS + 1)
        counts[BINS - 1] += counts[BINS:].sum()  # |x| == hist_max lands one past the end
        self.hist += counts[:BINS]


class StreamingCalibrator:
    def __init__(self, names, with_hist: bool) -> None:
        self.stats: Dict[str, TensorStats] = {n: TensorStats() for n in names}
        self.with_hist = with_hist
        self.samples = 0
        self.channel_means: Dict[str, list] = {}  # per-channel means of the tensors calibrate() was asked for
        self.outputs: Dict[int, np.ndarray] = {}  # the float model's output on the rows calibrate() was asked for

    def update(self, values: Dict[str, np.ndarray]) -> None:
        arrays = [(n, a) for n, a in values.items() if a.size]
        if sum(a.size for _, a in arrays) < PARALLEL_ELEMENTS:
            for name, arr in arrays:
                self.stats[name].update(arr, self.with_hist)
        else:  # numpy's passes (min/max, abs, bincount) release the GIL: a large image's tensors are read on two threads
            with ThreadPoolExecutor(max_workers=2) as pool:
                list(pool.map(lambda item: self.stats[item[0]].update(item[1], self.with_hist), arrays))
        self.samples += 1

    def update_minmax(self, name: str, lo: float, hi: float) -> None:
        """From in-graph ReduceMin/ReduceMax (no histogram needed): two floats per tensor per image."""
        st = self.stats[name]
        st.lo, st.hi = min(st.lo, lo), max(st.hi, hi)

    def ranges(
        self, method: str, percentile: float, full_range=(), symmetric: bool = False
    ) -> Dict[str, Tuple[float, float]]:
        """`full_range`: tensors never clipped (model inputs: pixels, like hb_mapper's fixed preprocess threshold).
        `symmetric`: signed symmetric activations (bpu), which give |x| 128 levels even where x >= 0."""
        return {
            n: tensor_range(s, "max" if n in full_range else method, percentile, symmetric)
            for n, s in self.stats.items()
            if np.isfinite(s.lo)
        }


def _percentile_threshold(s: TensorStats, p: float) -> float:
    cdf = np.cumsum(s.hist)
    idx = int(np.searchsorted(cdf, p * cdf[-1]))
    return (idx + 1) * s.hist_max / BINS


def _kl_threshold(s: TensorStats, levels: int) -> float:
    """Entropy calibration: the |x| clip threshold whose `levels`-bin quantized distribution is closest (KL)
    to the clipped reference, searched over every candidate bin count (strided for speed)."""
    hist = s.hist.astype(np.float64)
    hist[0] = 0  # ReLU zeros (and near-zeros) quantize exactly at any scale; their spike would swamp the tail
    nz = np.nonzero(hist)[0]
    if len(nz) == 0 or nz[-1] < levels:
        return (nz[-1] + 1 if len(nz) else BINS) * s.hist_max / BINS
    start = max(levels, BINS // 16)  # hb_mapper: num_bin=1024 of max_num_bin=16384, i.e. at least 1/16 of the range
    stride = max(1, (BINS - start) // 512)
    ends = np.arange(start, BINS + 1, stride)
    kl = kl_divergences(hist, ends, levels)
    # the first of (numerically) equal minima, as a loop with a strict `<` would keep
    first = int(np.argmax(kl <= kl.min() + 1e-12 * max(1.0, abs(kl.min()))))
    return int(ends[first]) * s.hist_max / BINS


def kl_divergences(hist: np.ndarray, ends: np.ndarray, levels: int) -> np.ndarray:
    """KL(P_i || Q_i) for each clip bin count i in `ends`, all at once from prefix sums. P_i: the first i bins, the
    tail folded into bin i-1; Q_i: those bins merged into `levels` equal groups, each group's mass spread evenly
    over its non-empty bins. Per i this costs O(levels), not O(i): KL = sum p log p - sum p log q, where both sums
    are taken per group."""
    total = hist.sum()
    mass = np.concatenate([[0.0], np.cumsum(hist)])  # mass[k]: sum of the first k bins
    filled = np.concatenate([[0], np.cumsum(hist > 0)])  # non-empty bins among the first k
    safe = np.where(hist > 0, hist, 1.0)
    plogp = np.concatenate([[0.0], np.cumsum(hist * np.log(safe))])
    i = ends[:, None]
    bounds = (np.arange(levels + 1)[None, :] * i + levels - 1) // levels  # group g spans bins [bounds_g, bounds_g+1)
    gsum = np.diff(mass[bounds], axis=1)
    gcnt = np.diff(filled[bounds], axis=1)
    kept = mass[ends]  # sum of Q's unnormalized mass: the first i bins
    last = hist[ends - 1]
    folded = total - mass[ends - 1]  # bin i-1 with the tail folded in
    with np.errstate(divide="ignore", invalid="ignore"):
        q_group = np.maximum(gsum / np.maximum(gcnt, 1) / kept[:, None], 1e-12)
        weight = gsum.copy()
        weight[:, -1] -= last  # bin i-1 is counted on its own below (P holds the folded tail there)
        cross = np.where(weight > 0, weight * np.log(q_group), 0.0).sum(1)
        q_last = np.where(last > 0, q_group[:, -1], 1e-12)
        cross += np.where(folded > 0, folded * np.log(q_last), 0.0)
        self_term = plogp[ends - 1] + np.where(folded > 0, folded * np.log(np.maximum(folded, 1.0)), 0.0)
    # sum p log p - sum p log q, with p = counts / total
    return (self_term - cross) / total - np.log(total) * (mass[ends - 1] + folded) / total


def tensor_range(s: TensorStats, method: str, percentile: float, symmetric: bool = False) -> Tuple[float, float]:
    """The [rmin, rmax] handed to the quantizer; always contains 0."""
    lo, hi = min(s.lo, 0.0), max(s.hi, 0.0)
    if method == "max" or s.hist is None:
        return lo, hi
    if method == "max_percentile":
        t = _percentile_threshold(s, percentile)
    elif method == "kl":
        t = _kl_threshold(s, 256 if lo >= 0 and not symmetric else 128)
    else:
        raise ValueError(f"unknown calibration method {method}")
    return max(lo, -t), min(hi, t)
