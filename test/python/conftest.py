"""The Python package's tests (pytest, run by `npm test`; pyproject.toml puts scripts/src, the one import root, on
sys.path, as the workers' PYTHONPATH does)."""

import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PYTHON_ROOT = os.path.join(ROOT, "scripts", "src")  # what a test's child Python gets as PYTHONPATH


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
