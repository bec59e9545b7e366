"""bench:int8-speed helper: single-thread ORT latency (median) of each model given, interleaved rounds.
Usage: int8_latency.py ROUNDS RUNS name=model.onnx ... -> JSON {name: median_ms}"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
import numpy as np

from zooforge.runtime.ort_session import session

rounds, runs = int(sys.argv[1]), int(sys.argv[2])
models = dict(a.split("=", 1) for a in sys.argv[3:])
sessions = {k: session(v, threads=1) for k, v in models.items()}
x = np.random.RandomState(0).rand(1, 3, 224, 224).astype(np.float32)
times = {k: [] for k in models}
for s in sessions.values():  # warm-up
    for _ in range(3):
        s.run(None, {s.get_inputs()[0].name: x})
for _ in range(rounds):  # interleaved so a noisy neighbour hits every model alike
    for k, s in sessions.items():
        name = s.get_inputs()[0].name
        for _ in range(runs):
            t0 = time.perf_counter()
            s.run(None, {name: x})
            times[k].append((time.perf_counter() - t0) * 1000)
print(json.dumps({k: float(np.median(v)) for k, v in times.items()}))
