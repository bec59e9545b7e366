"""Horizon quantized-model inputs (zooforge/data/hb_input.py): what the board's pyramid/NV12 path hands the model."""

import numpy as np

from zooforge.data.hb_input import board_pixels, hb_input, rgb_to_nv12


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


def test_board_pixels_nv12_keeps_a_flat_colour_and_averages_chroma_over_2x2():
    flat = np.zeros((1, 3, 4, 4), np.float32)
    flat[0, 0], flat[0, 1], flat[0, 2] = 200, 100, 50
    back = board_pixels(flat, {"colour": "rgb"}, "nv12")
    assert back.shape == flat.shape and np.abs(back - flat).max() < 1.0  # only byte rounding of Y, U, V
    # a red/blue checkerboard: each 2x2 block's chroma is averaged, so the colours bleed into each other; luma stays
    board = np.zeros((1, 3, 2, 2), np.float32)
    board[0, 0, 0, 0] = board[0, 0, 1, 1] = 255  # red on the diagonal
    board[0, 2, 0, 1] = board[0, 2, 1, 0] = 255  # blue off it
    back = board_pixels(board, {"colour": "rgb"}, "nv12")
    assert np.allclose(back[0, :, 0, 0], back[0, :, 1, 1]) and back[0, 0, 0, 0] < 200  # red lost to the average
    luma = lambda x: 0.299 * x[0, 0] + 0.587 * x[0, 1] + 0.114 * x[0, 2]  # noqa: E731
    assert np.abs(luma(back) - luma(board)).max() < 1.0


def test_board_pixels_bgr_record_converts_in_rgb_and_returns_bgr():
    rgb = np.zeros((1, 3, 2, 2), np.float32)
    rgb[0, 0] = 220  # red
    bgr = rgb[:, ::-1].copy()
    assert np.allclose(
        board_pixels(bgr, {"colour": "bgr"}, "nv12")[:, ::-1], board_pixels(rgb, {"colour": "rgb"}, "nv12")
    )


def test_board_pixels_byte_inputs_are_bytes_and_featuremaps_pass_through():
    raw = np.array([[[[12.4, 250.6]]]], np.float32)
    assert board_pixels(raw, {"colour": "gray"}, "gray").tolist() == [[[[12.0, 251.0]]]]
    assert board_pixels(raw, {"colour": "gray"}, "featuremap") is raw


def test_a_yuv444_runtime_input_keeps_each_pixels_chroma():
    raw = np.zeros((1, 3, 2, 2), np.float32)
    raw[0, 0, 0, 0] = 255  # one red pixel: under nv12 its chroma would be averaged with three black ones
    x = hb_input(raw, {"colour": "rgb"}, "yuv444").astype(int) + 128
    assert x[0, 0, 0].tolist() == [76, 85, 255]  # Y .299*255, U (0-Y)*.564+128, V (255-Y)*.713+128 clipped
    assert x[0, 1, 1].tolist() == [0, 128, 128]
