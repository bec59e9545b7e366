"""Single-thread latency, measured the same way everywhere (warm-up, then the median), in ONNX Runtime or OpenVINO."""

import time
from typing import Dict

import numpy as np
import onnx

from .runners import runner


def latency(model, x: np.ndarray = None, runs: int = 30, runtime: str = "ort") -> Dict[str, float]:
    """model: path, bytes or ModelProto; x defaults to zeros of a ModelProto's input shape."""
    if x is None:
        x = zeros_input(model)
    run = runner(model, runtime, threads=1)
    for _ in range(max(3, runs // 10)):
        run(x)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        run(x)
        times.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": float(np.median(times)), "p90_ms": float(np.percentile(times, 90)), "runs": runs}


def zeros_input(model: onnx.ModelProto) -> np.ndarray:
    """Zeros of the model's first input (a symbolic dimension taken as 1)."""
    dims = model.graph.input[0].type.tensor_type.shape.dim
    return np.zeros([d.dim_value or 1 for d in dims], np.float32)
