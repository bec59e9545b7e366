"""Horizon quantized-model inputs (zf/hb_input.py): what the board's pyramid/NV12 path hands the model."""

import numpy as np

from zf.hb_input import hb_input, rgb_to_nv12


def test_rgb_to_nv12_to_yuv444_minus_128_is_bt601_full_range_nhwc_int8():
    raw = np.zeros((1, 3, 4, 6), np.float32)
    raw[0, 0], raw[0, 1], raw[0, 2] = 200, 100, 50
    x = hb_input(raw, {"colour": "rgb"}, "nv12")
    assert x.shape == (1, 4, 6, 3) and x.dtype == np.int8
    # Y = .299*200+.587*100+.114*50 = 124.2; U = (50-Y)*.564+128 = 86.2; V = (200-Y)*.713+128 = 182.0; minus 128
    assert x[0, 0, 0].tolist() == [124 - 128, 86 - 128, 182 - 128]
    assert len(rgb_to_nv12(np.zeros((4, 6, 3), np.uint8))) == 36


def test_chroma_is_averaged_over_2x2_blocks_and_luma_kept_per_pixel():
    raw = np.zeros((1, 3, 2, 2), np.float32)
    raw[0, :, 0, 0] = 255  # one white pixel in a black 2x2 block
    x = hb_input(raw, {"colour": "rgb"}, "nv12").astype(int) + 128
    assert x[0, :, :, 0].tolist() == [[255, 0], [0, 0]]
    assert {tuple(p) for p in x[0, :, :, 1:].reshape(-1, 2).tolist()} == {(128, 128)}


def test_gray_rgb_and_bgr_runtime_inputs_are_pixel_minus_128_in_runtime_order():
    g = hb_input(np.full((1, 1, 2, 2), 200, np.float32), {"colour": "gray"}, "gray")
    assert g.shape == (1, 2, 2, 1) and int(g[0, 0, 0, 0]) == 72
    raw = np.zeros((1, 3, 2, 2), np.float32)
    raw[0, 0], raw[0, 2] = 10, 250
    assert hb_input(raw, {"colour": "rgb"}, "rgb")[0, 0, 0].tolist() == [10 - 128, -128, 250 - 128]
    assert hb_input(raw, {"colour": "rgb"}, "bgr")[0, 0, 0].tolist() == [250 - 128, -128, 10 - 128]
