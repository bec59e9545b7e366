"""bench:ptq-accuracy baseline: PyTorch FX post-training quantization (qnnpack) of a Fashion-MNIST net of
models/ (the deployed form: re-parameterizable blocks fused first, as our export does), calibrated on exactly
the images our calibration stage chose, evaluated on the 10k test set.
Usage: fx_ptq.py RUN_DIR CHECKPOINT MODEL -> JSON {fx_int8_top1, torch_float_top1, calibration_images}"""

import copy
import importlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "src"), os.path.join(HERE, "..", "..", "models")]  # zooforge; the nets
import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch.ao.quantization import get_default_qconfig_mapping  # noqa: E402
from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx  # noqa: E402

from zooforge.data.idx import load_fashion_mnist  # noqa: E402
from zooforge.data.preprocess import normalize, raw_tensor  # noqa: E402

run_dir, checkpoint, name = sys.argv[1], sys.argv[2], sys.argv[3]
with open(os.path.join(run_dir, "preprocess", "preprocess.json")) as f:
    rec = json.load(f)
with open(os.path.join(run_dir, "calibration", "selection.json")) as f:
    chosen = [s["index"] for s in json.load(f)["samples"]]
train_x, _ = load_fashion_mnist("train")
test_x, test_y = load_fashion_mnist("test")
prep = lambda imgs: torch.from_numpy(np.stack([normalize(raw_tensor(i, rec), rec) for i in imgs]))  # noqa: E731

model = getattr(importlib.import_module(name), name)()
model.load_state_dict(torch.load(checkpoint, map_location="cpu"))
model.eval()
for block in [m for m in model.modules() if hasattr(m, "reparameterize")]:
    block.reparameterize()
torch.backends.quantized.engine = "qnnpack"
prepared = prepare_fx(copy.deepcopy(model), get_default_qconfig_mapping("qnnpack"), (torch.zeros(1, 1, 28, 28),))
with torch.no_grad():
    for i in range(0, len(chosen), 16):
        prepared(prep(train_x[chosen[i : i + 16]]))
quantized = convert_fx(prepared)


def top1(m) -> float:
    correct = 0
    with torch.no_grad():
        for i in range(0, len(test_x), 500):
            correct += int((m(prep(test_x[i : i + 500])).argmax(1).numpy() == test_y[i : i + 500]).sum())
    return 100.0 * correct / len(test_x)


print(json.dumps({"fx_int8_top1": top1(quantized), "torch_float_top1": top1(model), "calibration_images": len(chosen)}))
