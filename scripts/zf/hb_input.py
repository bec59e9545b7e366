"""Inputs of a Horizon *_quantized_model.onnx, built from raw pixels of the one preprocessing record.

nv12 runtime input: RGB -> NV12 (BT.601 full range, input_space_and_range: regular; UV averaged over 2x2) ->
YUV444 (UV upsampled nearest, as the board's pyramid does) -> minus 128 as int8, NHWC (reference §4).
gray: Y - 128; rgb/bgr: pixel - 128 in that order; all NHWC int8. featuremap: the normalized float tensor."""

from typing import Any, Dict

import numpy as np


def rgb_to_nv12(rgb: np.ndarray) -> np.ndarray:
    """HxWx3 uint8 RGB (H, W even) -> flat NV12: H*W luma bytes, then H/2*W/2 interleaved (U, V)."""
    h, w, _ = rgb.shape
    f = rgb.astype(np.float64)
    y = 0.299 * f[..., 0] + 0.587 * f[..., 1] + 0.114 * f[..., 2]
    u = (f[..., 2] - y) * 0.564 + 128.0
    v = (f[..., 0] - y) * 0.713 + 128.0
    sub = lambda c: c.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))  # noqa: E731
    uv = np.stack([sub(u), sub(v)], axis=-1)
    to8 = lambda c: np.clip(np.round(c), 0, 255).astype(np.uint8)  # noqa: E731
    return np.concatenate([to8(y).ravel(), to8(uv).ravel()])


def nv12_to_yuv444(nv12: np.ndarray, h: int, w: int) -> np.ndarray:
    y = nv12[: h * w].reshape(h, w)
    uv = nv12[h * w :].reshape(h // 2, w // 2, 2).repeat(2, axis=0).repeat(2, axis=1)
    return np.concatenate([y[..., None], uv], axis=-1)


def hb_input(raw: np.ndarray, rec: Dict[str, Any], rt_type: str) -> np.ndarray:
    """raw: N x C x H x W float32 0..255 in the record's colour order -> the quantized model's input."""
    from .preprocess import normalize

    if rt_type == "featuremap":
        return normalize(raw, rec)
    pix = np.clip(np.round(raw), 0, 255).astype(np.uint8).transpose(0, 2, 3, 1)  # NHWC uint8
    if rt_type == "gray":
        out = pix[..., :1]
    elif rt_type in ("rgb", "bgr"):
        out = pix if (rt_type == "rgb") == (rec["colour"] != "bgr") else pix[..., ::-1]
    elif rt_type in ("nv12", "yuv444"):
        rgb = pix[..., ::-1] if rec["colour"] == "bgr" else pix
        h, w = rgb.shape[1:3]
        out = np.stack([nv12_to_yuv444(rgb_to_nv12(img), h, w) for img in rgb])
    else:
        raise ValueError(f"input_type_rt {rt_type} is not supported by hb_evaluate")
    return (out.astype(np.int16) - 128).astype(np.int8)
