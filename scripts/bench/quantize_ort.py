"""bench:quantize baseline: ONNX Runtime's quantize_static (MinMax, QDQ, per-channel int8 weights, int8 activations)
on the float model and calibration rows the quantize stage used, timed in this process (imports excluded, like the
stage's own search_seconds). Usage: quantize_ort.py MODEL CALIB_NPY OUT.onnx"""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, ".."), os.path.join(HERE, "..", "..")]  # zf (scripts/) and calibration
import onnx  # noqa: E402
from onnxruntime.quantization import (  # noqa: E402
    CalibrationDataReader,
    CalibrationMethod,
    QuantFormat,
    QuantType,
    quantize_static,
)

from calibration.npy_rows import NpyRows  # noqa: E402

model_path, calib_path, out = sys.argv[1], sys.argv[2], sys.argv[3]
rows = NpyRows(calib_path)
input_name = onnx.load(model_path, load_external_data=False).graph.input[0].name


class Rows(CalibrationDataReader):
    def __init__(self):
        self.next = 0

    def get_next(self):
        if self.next >= len(rows):
            return None
        self.next += 1
        return {input_name: rows.row(self.next - 1)}


start = time.perf_counter()
quantize_static(
    model_path,
    out,
    Rows(),
    quant_format=QuantFormat.QDQ,
    per_channel=True,
    activation_type=QuantType.QInt8,
    weight_type=QuantType.QInt8,
    calibrate_method=CalibrationMethod.MinMax,
)
print(json.dumps({"seconds": time.perf_counter() - start, "images": len(rows)}))
