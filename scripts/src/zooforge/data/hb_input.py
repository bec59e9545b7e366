"""Inputs of a Horizon *_quantized_model.onnx, built from raw pixels of the one preprocessing record.

nv12 runtime input: RGB -> NV12 (BT.601 full range, input_space_and_range: regular; UV averaged over 2x2) ->
YUV444 (UV upsampled nearest, as the board's pyramid does) -> minus 128 as int8, NHWC (reference §4).
gray: Y - 128; rgb/bgr: pixel - 128 in that order; all NHWC int8. featuremap: the normalized float tensor.

board_pixels: the same path seen from the model's side, for the embedded backend's emulate bpu: the pixels the
board's model computes from its runtime input (YUV444 back to the training colour inside the model), as raw 0..255."""

from typing import Any, Dict

import numpy as np


def _rgb_to_yuv(rgb: np.ndarray):
    """HxWx3 RGB -> float Y, U, V planes (BT.601 full range, input_space_and_range: regular)."""
    f = rgb.astype(np.float64)
    y = 0.299 * f[..., 0] + 0.587 * f[..., 1] + 0.114 * f[..., 2]
    return y, (f[..., 2] - y) * 0.564 + 128.0, (f[..., 0] - y) * 0.713 + 128.0


def rgb_to_nv12(rgb: np.ndarray) -> np.ndarray:
    """HxWx3 uint8 RGB (H, W even) -> flat NV12: H*W luma bytes, then H/2*W/2 interleaved (U, V)."""
    h, w, _ = rgb.shape
    y, u, v = _rgb_to_yuv(rgb)
    sub = lambda c: c.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))  # noqa: E731
    uv = np.stack([sub(u), sub(v)], axis=-1)
    to8 = lambda c: np.clip(np.round(c), 0, 255).astype(np.uint8)  # noqa: E731
    return np.concatenate([to8(y).ravel(), to8(uv).ravel()])


def nv12_to_yuv444(nv12: np.ndarray, h: int, w: int) -> np.ndarray:
    y = nv12[: h * w].reshape(h, w)
    uv = nv12[h * w :].reshape(h // 2, w // 2, 2).repeat(2, axis=0).repeat(2, axis=1)
    return np.concatenate([y[..., None], uv], axis=-1)


def yuv444_to_rgb(yuv: np.ndarray) -> np.ndarray:
    """HxWx3 YUV (BT.601 full range) -> float RGB, the inverse of rgb_to_nv12's matrix; not clipped (the model's own
    conversion is a linear layer)."""
    y, u, v = (yuv[..., k].astype(np.float64) for k in range(3))
    r = y + (v - 128.0) / 0.713
    b = y + (u - 128.0) / 0.564
    g = (y - 0.299 * r - 0.114 * b) / 0.587
    return np.stack([r, g, b], axis=-1)


def _yuv444(rgb: np.ndarray) -> np.ndarray:
    """HxWx3 uint8 RGB -> uint8 YUV444 with no chroma subsampling (input_type_rt: yuv444)."""
    return np.clip(np.round(np.stack(_rgb_to_yuv(rgb), axis=-1)), 0, 255).astype(np.uint8)


# The runtime inputs whose path loses information beyond uint8 rounding: chroma subsampling and YUV rounding.
LOSSY_PATHS = ("nv12", "yuv444")


def board_pixels(raw: np.ndarray, rec: Dict[str, Any], rt_type: str) -> np.ndarray:
    """raw: N x C x H x W float32 0..255 in the record's colour order -> the pixels the board's model sees after its
    runtime input is converted back to the training colour (same shape, order and scale). nv12: chroma averaged over
    2x2 and every YUV value rounded to a byte; yuv444: rounded only; rgb/bgr/gray: bytes as they are; featuremap: raw."""
    if rt_type == "featuremap":
        return raw
    pix = np.clip(np.round(raw), 0, 255).astype(np.uint8)
    if rt_type not in LOSSY_PATHS:
        if rt_type not in ("gray", "rgb", "bgr"):
            raise ValueError(f"input_type_rt {rt_type} is not emulated (nv12, yuv444, rgb, bgr, gray, featuremap are)")
        return pix.astype(np.float32)
    hwc = pix.transpose(0, 2, 3, 1)
    rgb = hwc[..., ::-1] if rec["colour"] == "bgr" else hwc
    h, w = rgb.shape[1:3]
    if rt_type == "nv12":
        yuv = [nv12_to_yuv444(rgb_to_nv12(img), h, w) for img in rgb]
    else:
        yuv = [_yuv444(img) for img in rgb]
    back = np.stack([yuv444_to_rgb(img) for img in yuv])
    back = back[..., ::-1] if rec["colour"] == "bgr" else back
    return np.ascontiguousarray(back.transpose(0, 3, 1, 2)).astype(np.float32)


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
    elif rt_type in ("nv12", "yuv444"):  # yuv444 keeps every pixel's chroma: only nv12 averages it over 2x2
        rgb = pix[..., ::-1] if rec["colour"] == "bgr" else pix
        h, w = rgb.shape[1:3]
        yuv = (lambda img: nv12_to_yuv444(rgb_to_nv12(img), h, w)) if rt_type == "nv12" else _yuv444
        out = np.stack([yuv(img) for img in rgb])
    else:
        raise ValueError(f"input_type_rt {rt_type} is not supported by hb_evaluate")
    return (out.astype(np.int16) - 128).astype(np.int8)
