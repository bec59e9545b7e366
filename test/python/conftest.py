"""The Python package's tests (pytest, run by `npm test`; pyproject.toml puts scripts/src, the one import root, on
sys.path, as the workers' PYTHONPATH does)."""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PYTHON_ROOT = os.path.join(ROOT, "scripts", "src")  # what a test's child Python gets as PYTHONPATH


def run_python(*args: str, env: dict = None) -> str:
    """A child Python with the package on its path (for what must start from fresh imports) and `env` added; its
    stdout."""
    env = {**os.environ, **(env or {}), "PYTHONPATH": PYTHON_ROOT}
    return subprocess.run([sys.executable, *args], env=env, check=True, capture_output=True, text=True).stdout


def conv_bn(path) -> str:
    """A Conv + BatchNormalization model (opset 13, input 1x3x8x8) saved at `path`: graph tools fold the BN."""
    rng = np.random.default_rng(0)
    inits = [
        numpy_helper.from_array(rng.normal(0, 1, (4, 3, 3, 3)).astype(np.float32), "w"),
        *(numpy_helper.from_array(rng.uniform(0.5, 1.5, 4).astype(np.float32), n) for n in ("g", "b", "m", "v")),
    ]
    graph = helper.make_graph(
        [
            helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
            helper.make_node("BatchNormalization", ["c", "g", "b", "m", "v"], ["y"], name="bn"),
        ],
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 4, 8, 8])],
        inits,
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), str(path))
    return str(path)


# The preprocessing record of the Python tests' small RGB images (8x8, no resize).
RGB8_RECORD = {
    "input_shape": [1, 3, 8, 8],
    "size": [8, 8],
    "crop_pct": 1.0,
    "interpolation": "bilinear",
    "mean": [0.5] * 3,
    "std": [0.25] * 3,
    "colour": "rgb",
    "layout": "NCHW",
}


def folder_spec(root, max_pixels: int = 40_000_000) -> dict:
    """A folder dataset as the workers receive it: with the listing (TypeScript's cache/listing.ts makes it in a run;
    here plain regular files and folders, which is all these tests' folders hold) and a pixel limit (the recipe's
    default comes from the TypeScript schema; these tests name their own)."""
    root = str(root)
    files, dirs = [], []
    for here, subdirs, names in os.walk(root):
        rel = os.path.relpath(here, root)
        dirs += [os.path.normpath(os.path.join(rel, d)) for d in subdirs]
        files += [os.path.normpath(os.path.join(rel, n)) for n in names]
    return {"folder": {"path": root, "files": sorted(files), "dirs": sorted(dirs), "max_pixels": max_pixels}}


def flat_folder(tmp_path, names):
    """A flat folder of small grey PNG images with these names (labels come from a labels file, or none)."""
    import numpy as np
    from PIL import Image

    root = tmp_path / "flat"
    root.mkdir()
    for n in names:
        Image.fromarray(np.full((10, 12, 3), 90, np.uint8)).save(root / n)
    return root
