"""bench:calibration worker: one calibration + QDQ write in this process; prints time and peak RSS.
Usage: calib_run.py ours|ours-max|ort-minmax|ort-percentile MODEL CALIB_NPY N OUT.onnx
ours = streaming histograms + max_percentile; ours-max = in-graph min/max (like ORT MinMax)."""

import json
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))  # the zooforge package's import root
import onnx  # noqa: E402

mode, model_path, calib_path, n, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
method = {"ours": "max_percentile", "ours-max": "max"}.get(mode)
from zooforge.calibration.npy_rows import NpyRows  # noqa: E402

rows = NpyRows(calib_path).subset(0, n)
start = time.perf_counter()
if method:
    import contextlib
    import io
    from pathlib import Path

    from onnxruntime.quantization.quant_utils import load_model_with_shape_infer

    from zooforge.calibration.search import calibrate
    from zooforge.quant.qdq import build_qdq, float_tensors

    model = load_model_with_shape_infer(Path(model_path))  # as the quantize worker does
    names = float_tensors(model)
    with contextlib.redirect_stdout(io.StringIO()):  # progress lines
        cal = calibrate(model_path, names, rows, need_hist=method != "max")
    onnx.save(build_qdq(model, cal.ranges(method, 0.99995), True, []), out)
else:
    from onnxruntime.quantization import CalibrationMethod
    from ort_static import ort_quantize_static

    method = CalibrationMethod.MinMax if mode == "ort-minmax" else CalibrationMethod.Percentile
    ort_quantize_static(model_path, out, rows, method)
seconds = time.perf_counter() - start
print(
    json.dumps(
        {
            "mode": mode,
            "n": n,
            "seconds": seconds,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )
)
