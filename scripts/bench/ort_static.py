"""The benchmarks' baseline: ONNX Runtime's quantize_static (QDQ, per-channel int8 weights) fed the calibration rows
the pipeline used, one row per get_next."""

import onnx
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static


class Rows(CalibrationDataReader):
    def __init__(self, model_path, rows):
        self.rows, self.next = rows, 0
        self.name = onnx.load(model_path, load_external_data=False).graph.input[0].name

    def get_next(self):
        if self.next >= len(self.rows):
            return None
        self.next += 1
        return {self.name: self.rows.row(self.next - 1)}


def ort_quantize_static(model_path, out, rows, method, activation_type=QuantType.QUInt8):
    quantize_static(
        model_path,
        out,
        Rows(model_path, rows),
        quant_format=QuantFormat.QDQ,
        per_channel=True,
        activation_type=activation_type,
        weight_type=QuantType.QInt8,
        calibrate_method=method,
    )
