"""TEST DOUBLE for horizon_tc_ui (closed source, part of the OpenExplorer toolchain): HB_ONNXRuntime for the
*_quantized_model.onnx written by the hb_mapper double, which is the float model plus the HzPreprocess
parameters in a sidecar file. Like the real HzPreprocess node it takes NHWC int8 (pixel - 128), converts
YUV444 back to RGB for nv12/yuv444 inputs (BT.601 full range), and applies (x - mean_value) * scale_value.
The YUV -> RGB step is Pillow's YCbCr -> RGB (JPEG's BT.601 full range, integer arithmetic in C, saturated to
0..255), not an inverse of zooforge's own formula (zooforge/data/hb_input.py): the board-input path is checked against an
implementation it was not written from (test/python/zooforge/test_hb_double.py)."""

import json

import numpy as np
import onnxruntime as ort
from PIL import Image


class HB_ONNXRuntime:
    def __init__(self, model_file: str) -> None:
        so = ort.SessionOptions()
        so.log_severity_level = 3
        self._sess = ort.InferenceSession(model_file, so, providers=["CPUExecutionProvider"])
        with open(model_file + ".hzpreprocess.json") as f:
            self._pre = json.load(f)
        self.input_names = [i.name for i in self._sess.get_inputs()]
        self.output_names = [o.name for o in self._sess.get_outputs()]

    def _numbers(self, key: str):
        text = self._pre.get(key, "").replace(",", " ").split()
        return np.asarray([float(v) for v in text] or [0.0], dtype=np.float32).reshape(1, -1, 1, 1)

    def run(self, output_names, feeds):
        x = next(iter(feeds.values()))
        if x.dtype != np.int8 or x.ndim != 4:
            raise ValueError(f"HB_ONNXRuntime double: expected NHWC int8 input, got {x.dtype} {x.shape}")
        t = x.astype(np.float32) + 128.0
        if self._pre["input_type_rt"] in ("nv12", "yuv444"):
            t = np.stack([_ycbcr_to_rgb(image) for image in t.astype(np.uint8)]).astype(np.float32)
        t = t.transpose(0, 3, 1, 2)
        norm = self._pre.get("norm_type", "data_mean_and_scale")
        if "mean" in norm:
            t = t - self._numbers("mean_value")
        if "scale" in norm:
            t = t * self._numbers("scale_value")
        return self._sess.run(output_names, {self.input_names[0]: t.astype(np.float32)})


def _ycbcr_to_rgb(image: np.ndarray) -> np.ndarray:
    height, width, _ = image.shape
    return np.asarray(Image.frombytes("YCbCr", (width, height), image.tobytes()).convert("RGB"))
