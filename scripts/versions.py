"""Print the versions of the tools zooforge's workers use, as JSON (null when not installed).

Reads package metadata instead of importing (importing torch costs seconds on every run)."""
import json
import platform
from importlib import metadata

DISTRIBUTIONS = {"torch": "torch", "torchvision": "torchvision", "timm": "timm", "onnx": "onnx", "onnxsim": "onnxsim",
                 "onnxruntime": "onnxruntime", "numpy": "numpy", "pillow": "pillow"}

versions = {"python": platform.python_version()}
for name, dist in DISTRIBUTIONS.items():
    try:
        versions[name] = metadata.version(dist)
    except metadata.PackageNotFoundError:
        versions[name] = None
print(json.dumps(versions))
