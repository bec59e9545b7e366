"""Baseline for bench:params: the seed's Python loop (onnx.load + product of dims), timed in-process.
Usage: python_param_count.py MODEL REPEATS -> JSON {total, initializers, times_ms}"""

import json
import sys
import time

import numpy as np
import onnx

path, repeats = sys.argv[1], int(sys.argv[2])
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    model = onnx.load(path)
    total = 0
    for init in model.graph.initializer:
        total += int(np.prod(init.dims))
    times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"total": total, "initializers": len(model.graph.initializer), "times_ms": times}))
