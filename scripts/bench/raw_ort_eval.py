"""bench:eval baseline: raw ONNX Runtime inference of the float and int8 models on tensors decoded and
preprocessed beforehand (not timed), same batches and sessions as the evaluate worker.
Usage: raw_ort_eval.py RUN_DIR BATCH -> JSON {images_per_s, n}"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
import numpy as np

from zooforge.data.idx import load_fashion_mnist
from zooforge.data.preprocess import normalize, raw_tensor
from zooforge.runtime.batching import batched_session

run_dir, batch = sys.argv[1], int(sys.argv[2])
with open(os.path.join(run_dir, "preprocess", "preprocess.json")) as f:
    rec = json.load(f)
images, _ = load_fashion_mnist("test")
x = np.stack([normalize(raw_tensor(im, rec), rec) for im in images])  # decoded up front, outside the timing
runs = [
    batched_session(os.path.join(run_dir, "simplify", "model.onnx"), batch),
    batched_session(os.path.join(run_dir, "quantize", "model_int8.onnx"), batch),
]
start = time.perf_counter()
for i in range(0, len(x), batch):
    for run in runs:
        run(x[i : i + batch])
seconds = time.perf_counter() - start
print(json.dumps({"n": len(x), "seconds": seconds, "images_per_s": len(x) / seconds}))
