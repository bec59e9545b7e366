"""The one preprocessing record: how an image becomes the network's input tensor.

raw tensor  = resize(shorter side -> size/crop_pct) -> center crop -> colour order -> CHW float32 0..255
              (exactly what hb_mapper wants as calibration data: it applies mean/scale itself)
input       = (raw/255 - mean) / std     (what the float ONNX model consumes)
"""
import math
from typing import Any, Dict

import numpy as np
from PIL import Image

_FILTERS = {"bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC, "nearest": Image.NEAREST}


_SAID_16BIT = []


def to_8bit(image: Any) -> Any:
    """16-bit grayscale (PNG 'I;16', or 'I' holding 0..65535) scaled to 0..255 as x/257: PIL's own convert('L')
    clips instead, turning nearly every pixel white."""
    if image.mode not in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        return image
    arr = np.asarray(image).astype(np.float64)
    if image.mode == "I" and (arr.min() < 0 or arr.max() > 65535):
        raise ValueError(f"32-bit integer image with values {arr.min():.0f}..{arr.max():.0f}: not a 16-bit image")
    if not _SAID_16BIT:
        from .protocol import warn
        warn("16-bit grayscale images are scaled to 8 bits (value / 257) before preprocessing")
        _SAID_16BIT.append(True)
    return Image.fromarray(np.clip(np.rint(arr / 257.0), 0, 255).astype(np.uint8), mode="L")


def raw_tensor(image: Any, rec: Dict[str, Any]) -> np.ndarray:
    """PIL image or uint8 array (HxW or HxWx3, RGB) -> float32 CxHxW in 0..255 following the record."""
    h, w = rec["size"]
    gray = rec["colour"] == "gray"
    if isinstance(image, np.ndarray) and image.shape[:2] == (h, w) and image.ndim == (2 if gray else 3):
        # Already at network size in the right channel count: no resize, so no PIL round trip (same pixels).
        arr = image.astype(np.float32)
        if gray:
            return arr[None, :, :]
        arr = arr.transpose(2, 0, 1)
        return arr[::-1].copy() if rec["colour"] == "bgr" else arr
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    image = to_8bit(image).convert("L" if gray else "RGB")
    if image.size != (w, h):
        scale = 1.0 / rec["crop_pct"]
        target_h, target_w = math.floor(h * scale), math.floor(w * scale)
        # Resize the shorter side to size/crop_pct (timm's eval transform), keep aspect, then center-crop.
        ratio = max(target_h / image.size[1], target_w / image.size[0])
        new_size = (max(w, round(image.size[0] * ratio)), max(h, round(image.size[1] * ratio)))
        image = image.resize(new_size, _FILTERS[rec["interpolation"]])
        left, top = (new_size[0] - w) // 2, (new_size[1] - h) // 2
        image = image.crop((left, top, left + w, top + h))
    arr = np.asarray(image, dtype=np.float32)
    if gray:
        return arr[None, :, :]
    arr = arr.transpose(2, 0, 1)
    return arr[::-1].copy() if rec["colour"] == "bgr" else arr


def normalize(raw: np.ndarray, rec: Dict[str, Any]) -> np.ndarray:
    """raw (N)CHW 0..255 -> network input."""
    mean = np.asarray(rec["mean"], dtype=np.float32).reshape(-1, 1, 1)
    std = np.asarray(rec["std"], dtype=np.float32).reshape(-1, 1, 1)
    return ((raw / 255.0 - mean) / std).astype(np.float32)
