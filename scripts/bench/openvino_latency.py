"""bench:int8-openvino helper (runs in the bench's own OpenVINO venv, scripts/bench/setup-openvino.sh): 1-thread,
batch-1 median latency of one model's float ONNX and zooforge's emulate host int8 ONNX in ONNX Runtime, the same two
files in OpenVINO, and OpenVINO's own int8 (NNCF post-training quantization of the float model on the same
calibration rows). Rounds are interleaved so a noisy moment hits every variant alike; the input is the first
calibration row. Usage: openvino_latency.py FLOAT.onnx INT8.onnx CALIB.npy ROUNDS RUNS -> JSON {variant: median_ms}"""

import json
import sys
import time

import nncf
import numpy as np
import onnxruntime as ort
import openvino as ov

float_path, int8_path, calib_path = sys.argv[1:4]
rounds, runs = int(sys.argv[4]), int(sys.argv[5])
rows = np.load(calib_path)
x = rows[:1].astype(np.float32)


def ort_runner(path):
    so = ort.SessionOptions()
    so.intra_op_num_threads, so.inter_op_num_threads, so.log_severity_level = 1, 1, 3
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    feed = {sess.get_inputs()[0].name: x}
    return lambda: sess.run(None, feed)


core = ov.Core()
ONE_THREAD = {"INFERENCE_NUM_THREADS": 1, "NUM_STREAMS": 1, "PERFORMANCE_HINT": "LATENCY"}


def ov_runner(model):
    request = core.compile_model(model, "CPU", ONE_THREAD).create_infer_request()
    return lambda: request.infer([x])


nncf_int8 = nncf.quantize(core.read_model(float_path), nncf.Dataset([r[None] for r in rows]), subset_size=len(rows))
runners = {
    "ort_fp32": ort_runner(float_path),
    "ort_zooforge_int8": ort_runner(int8_path),
    "openvino_fp32": ov_runner(core.read_model(float_path)),
    "openvino_zooforge_int8": ov_runner(core.read_model(int8_path)),
    "openvino_nncf_int8": ov_runner(nncf_int8),
}
times = {k: [] for k in runners}
for run in runners.values():  # warm-up
    for _ in range(3):
        run()
for _ in range(rounds):
    for name, run in runners.items():
        for _ in range(runs):
            t0 = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - t0) * 1000)
versions = {"openvino": ov.__version__, "nncf": nncf.__version__, "onnxruntime": ort.__version__}
print(json.dumps({"median_ms": {k: float(np.median(v)) for k, v in times.items()}, "versions": versions}))
