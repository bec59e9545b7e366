"""Images a small file can declare huge (decompression bombs) and floods of unreadable files (issue 21.10, 21.20)."""

import struct
import zlib

import numpy as np
from conftest import RGB8_RECORD, flat_folder, folder_spec
from PIL import Image

from zooforge.data.datasets import NAMED_UNREADABLE, load_raw, open_dataset

REC = RGB8_RECORD


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height, with one tiny (wrong) data chunk: under 100 bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


def bmp_header(width: int, height: int) -> bytes:
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info) + 16, 0, 0, 14 + len(info)) + info + b"\0" * 16


def make(tmp_path, spec_extra=None):
    root = tmp_path / "imgs"
    root.mkdir()
    Image.fromarray(np.full((10, 12, 3), 90, np.uint8)).save(root / "a_ok.png")
    (root / "b_bomb.png").write_bytes(png_header(30000, 30000))
    (root / "c_bomb.bmp").write_bytes(bmp_header(65000, 65000))
    spec = folder_spec(root)
    spec["folder"].update(spec_extra or {})
    return open_dataset(spec, REC["input_shape"][1:])


def test_a_declared_huge_image_is_skipped_as_unreadable_naming_the_limit(tmp_path, capsys):
    ds = make(tmp_path)
    got = [load_raw(ds, i, REC) for i in range(len(ds))]
    assert got[0] is not None and got[1] is None and got[2] is None
    out = capsys.readouterr().out
    assert "b_bomb.png: 30000x30000 is more than the dataset's max_pixels (40000000)" in out
    assert "c_bomb.bmp: 65000x65000 is more than the dataset's max_pixels" in out


def test_the_recipe_can_lower_the_limit(tmp_path, capsys):
    ds = make(tmp_path, {"max_pixels": 100})
    assert load_raw(ds, 0, REC) is None  # 12x10 = 120 > 100
    assert "12x10 is more than the dataset's max_pixels (100)" in capsys.readouterr().out


def test_many_unreadable_images_are_named_a_few_times_then_counted(tmp_path, capsys):
    root = tmp_path / "imgs"
    root.mkdir()
    for k in range(40):
        (root / f"{k:03d}.png").write_bytes(b"not a png")
    ds = open_dataset(folder_spec(root), REC["input_shape"][1:])
    assert all(load_raw(ds, i, REC) is None for i in range(len(ds)))
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(lines) == NAMED_UNREADABLE + 1
    assert "the rest are skipped without a warning each" in lines[-1]


def test_labels_with_a_byte_order_mark_and_crlf_line_ends_are_read(tmp_path):
    root = flat_folder(tmp_path, ["img0.png", "img1.png"])
    labels = tmp_path / "labels.txt"
    labels.write_bytes("\ufeffimg0.png 3\r\nimg1.png 4\r\n".encode("utf-8"))
    spec = folder_spec(root)
    spec["folder"]["labels"] = str(labels)
    assert list(open_dataset(spec, REC["input_shape"][1:]).labels) == [3, 4]


def test_an_nfc_name_in_the_labels_matches_an_nfd_file_and_says_so(tmp_path, capsys):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "café.png")
    root = flat_folder(tmp_path, [nfd])
    labels = tmp_path / "labels.txt"
    labels.write_text(unicodedata.normalize("NFC", "café.png") + " 2\n", encoding="utf-8")
    spec = folder_spec(root)
    spec["folder"]["labels"] = str(labels)
    assert list(open_dataset(spec, REC["input_shape"][1:]).labels) == [2]
    assert "only after Unicode normalization" in capsys.readouterr().out
