"""Single-thread ONNX Runtime latency, measured the same way everywhere (warm-up, then the median)."""

import time
from typing import Dict

import numpy as np

from .ort_session import session


def latency(model, x: np.ndarray = None, runs: int = 30) -> Dict[str, float]:
    """model: path, bytes or ModelProto. x defaults to zeros of the input shape."""
    sess = session(model, threads=1)
    inp = sess.get_inputs()[0]
    if x is None:
        x = np.zeros([d if isinstance(d, int) else 1 for d in inp.shape], np.float32)
    for _ in range(max(3, runs // 10)):
        sess.run(None, {inp.name: x})
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        sess.run(None, {inp.name: x})
        times.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": float(np.median(times)), "p90_ms": float(np.percentile(times, 90)), "runs": runs}
