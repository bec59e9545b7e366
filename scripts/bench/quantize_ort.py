"""bench:quantize baseline: ONNX Runtime's quantize_static (MinMax, QDQ, per-channel int8 weights, int8 activations)
on the float model and calibration rows the quantize stage used, timed in this process (imports excluded, like the
stage's own search_seconds). Usage: quantize_ort.py MODEL CALIB_NPY OUT.onnx"""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))  # the zooforge package's import root
from onnxruntime.quantization import CalibrationMethod, QuantType  # noqa: E402
from ort_static import ort_quantize_static  # noqa: E402

from zooforge.calibration.npy_rows import NpyRows  # noqa: E402

model_path, calib_path, out = sys.argv[1], sys.argv[2], sys.argv[3]
rows = NpyRows(calib_path)
start = time.perf_counter()
ort_quantize_static(model_path, out, rows, CalibrationMethod.MinMax, activation_type=QuantType.QInt8)
print(json.dumps({"seconds": time.perf_counter() - start, "images": len(rows)}))
