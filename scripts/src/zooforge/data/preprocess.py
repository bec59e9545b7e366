"""The one preprocessing record: how an image becomes the network's input tensor.

raw tensor  = resize(shorter side -> size/crop_pct) -> center crop -> colour order -> CHW float32 0..255
              (exactly what hb_mapper wants as calibration data: it applies mean/scale itself)
input       = (raw/255 - mean) / std     (what the float ONNX model consumes)
"""

import hashlib
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
        from zooforge.protocol.worker import warn

        warn("16-bit grayscale images are scaled to 8 bits (value / 257) before preprocessing")
        _SAID_16BIT.append(True)
    return Image.fromarray(np.clip(np.rint(arr / 257.0), 0, 255).astype(np.uint8), mode="L")


def resized(image: Any, rec: Dict[str, Any]) -> Any:
    """timm's eval resize, bit for bit (transforms_imagenet_eval): scale = floor(size / crop_pct); `center` mode
    resizes the shorter side to it (square target: torchvision Resize(int), long side int(scale * long / short);
    otherwise timm's ResizeKeepRatio: round(side / min ratio)); `squash` resizes both sides to it."""
    h, w = rec["size"]
    pct = rec["crop_pct"]
    scale_h, scale_w = math.floor(h / pct), math.floor(w / pct)
    img_w, img_h = image.size
    if rec.get("crop_mode", "center") == "squash":
        size = (scale_w, scale_h)
    elif scale_h == scale_w:
        short, long = (img_w, img_h) if img_w <= img_h else (img_h, img_w)
        new_short, new_long = scale_h, int(scale_h * long / short)
        size = (new_short, new_long) if img_w <= img_h else (new_long, new_short)
    else:
        ratio = min(img_h / scale_h, img_w / scale_w)
        size = (round(img_w / ratio), round(img_h / ratio))
    return image if size == image.size else image.resize(size, _FILTERS[rec["interpolation"]])


def center_crop(image: Any, h: int, w: int) -> Any:
    """torchvision's CenterCrop: offsets int(round((side - crop) / 2.0)) (Python's round: half to even); an image
    smaller than the crop is padded with zeros on both sides first, as torchvision pads."""
    img_w, img_h = image.size
    if img_w < w or img_h < h:
        pad_l, pad_t = (w - img_w) // 2 if img_w < w else 0, (h - img_h) // 2 if img_h < h else 0
        canvas = Image.new(image.mode, (max(w, img_w), max(h, img_h)))
        canvas.paste(image, (pad_l, pad_t))
        image, (img_w, img_h) = canvas, canvas.size
    top, left = int(round((img_h - h) / 2.0)), int(round((img_w - w) / 2.0))
    return image.crop((left, top, left + w, top + h))


def raw_tensor(image: Any, rec: Dict[str, Any]) -> np.ndarray:
    """PIL image or uint8 array (HxW or HxWx3, RGB) -> float32 CxHxW in 0..255 following the record."""
    h, w = rec["size"]
    gray = rec["colour"] == "gray"
    if (
        isinstance(image, np.ndarray)
        and image.shape[:2] == (h, w)
        and image.ndim == (2 if gray else 3)
        and rec["crop_pct"] == 1.0
    ):
        # Already at network size in the right channel count: no resize, so no PIL round trip (same pixels).
        arr = image.astype(np.float32)
        if gray:
            return arr[None, :, :]
        arr = arr.transpose(2, 0, 1)
        return arr[::-1].copy() if rec["colour"] == "bgr" else arr
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    image = to_8bit(image).convert("L" if gray else "RGB")
    # even an image already at network size is resized when crop_pct < 1: timm's transform does
    image = center_crop(resized(image, rec), h, w)
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


def denormalize(x: np.ndarray, rec: Dict[str, Any]) -> np.ndarray:
    """network input -> raw (N)CHW 0..255: the inverse of normalize (for tensors stored normalized, e.g. calib.npy)."""
    mean = np.asarray(rec["mean"], dtype=np.float32).reshape(-1, 1, 1)
    std = np.asarray(rec["std"], dtype=np.float32).reshape(-1, 1, 1)
    return ((x * std + mean) * 255.0).astype(np.float32)


def pixels_digest(raw: np.ndarray) -> str:
    """Identity of a preprocessed image by content: two files that give the same pixels are the same sample."""
    return hashlib.sha256(np.ascontiguousarray(raw).tobytes()).hexdigest()
