"""The int8 model a run wrote, as anyone else would load it: onnxruntime.InferenceSession(path) with default session
options (no zooforge setting), one image at a time, on the Fashion-MNIST test set with the run's preprocessing
record. Usage: plain_ort_top1.py RUN_DIR [N] -> JSON {top1, n} over the first N test images (all by default: the
run's evaluate.limit with sampling first)."""

import json
import os
import sys

import numpy as np
import onnxruntime as ort

from zooforge.data.idx import load_fashion_mnist
from zooforge.data.preprocess import normalize, raw_tensor

run_dir = sys.argv[1]
with open(os.path.join(run_dir, "preprocess", "preprocess.json")) as f:
    rec = json.load(f)
images, labels = load_fashion_mnist("test")
if len(sys.argv) > 2:
    images, labels = images[: int(sys.argv[2])], labels[: int(sys.argv[2])]
sess = ort.InferenceSession(os.path.join(run_dir, "quantize", "model_int8.onnx"), providers=["CPUExecutionProvider"])
name = sess.get_inputs()[0].name
right = sum(
    int(np.argmax(sess.run(None, {name: normalize(raw_tensor(im, rec), rec)[None]})[0]) == int(y))
    for im, y in zip(images, labels)
)
print(json.dumps({"top1": 100.0 * right / len(labels), "n": len(labels)}))
