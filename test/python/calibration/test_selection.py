"""Calibration-set selection (calibration/selection.py) on a real image folder with one unreadable file."""

import json
import os

import numpy as np
import pytest
from conftest import RGB8_RECORD, folder_spec
from PIL import Image

from zooforge.calibration.selection import select
from zooforge.data.datasets import open_dataset
from zooforge.protocol.worker import ZfError

REC = RGB8_RECORD


def folder(tmp_path, n=6, broken=1):
    root = tmp_path / "imgs"
    for c in ("cat", "dog"):
        (root / c).mkdir(parents=True)
        for i in range(n // 2):
            Image.fromarray(np.full((10, 12, 3), 40 * i + (100 if c == "dog" else 0), np.uint8)).save(
                root / c / f"{i}.png"
            )
    for i in range(broken):
        (root / "cat" / f"broken{i}.png").write_bytes(b"not a png")
    return open_dataset(folder_spec(root), REC["input_shape"][1:])


def broken_only(tmp_path):
    root = tmp_path / "broken"
    root.mkdir()
    (root / "x.png").write_bytes(b"not a png")
    return open_dataset(folder_spec(root), REC["input_shape"][1:])


def test_writes_both_tensor_forms_and_a_manifest_that_names_every_sample(tmp_path):
    ds = folder(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    chosen, skipped, duplicates = select(ds, REC, 6, 0, True, str(work), "cal_rgb")
    assert duplicates == []
    assert len(chosen) == 6 and len(skipped) == 1 and skipped[0].endswith(".png")
    tensors = np.load(work / "calib.npy")
    assert tensors.shape == (6, 3, 8, 8)
    raw = np.fromfile(work / chosen[0]["file"], np.float32).reshape(3, 8, 8)
    np.testing.assert_allclose(
        tensors[0], (raw / 255 - 0.5) / 0.25, rtol=1e-5, atol=1e-5
    )  # the same pixels, normalised
    manifest = json.loads((work / "selection.json").read_text())
    assert [s["sha256"] for s in manifest["samples"]] == [s["sha256"] for s in chosen]
    assert {s["label"] for s in chosen} == {0, 1}
    assert sorted(os.listdir(work / "cal_rgb")) == [f"{k:05d}.rgbchw" for k in range(6)]


def test_the_same_seed_picks_the_same_samples_and_too_few_readable_images_are_used_with_a_warning(tmp_path, capsys):
    ds = folder(tmp_path)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    assert [s["id"] for s in select(ds, REC, 4, 7, True, str(a), "c")[0]] == [
        s["id"] for s in select(ds, REC, 4, 7, True, str(b), "c")[0]
    ]
    c = tmp_path / "c"
    c.mkdir()
    chosen = select(ds, REC, 7, 0, True, str(c), "c")[0]
    assert len(chosen) == 6
    assert np.load(c / "calib.npy").shape[0] == 6  # no empty rows calibrating as black images
    assert (
        "only 6 usable, distinct calibration images of the 7 requested (1 unreadable, 0 duplicates, 7 in the dataset): "
        "calibrating on those 6" in capsys.readouterr().out
    )
    d = tmp_path / "d"
    d.mkdir()
    with pytest.raises(ZfError, match=r"only 0 usable"):
        select(broken_only(tmp_path), REC, 3, 0, True, str(d), "c")


def test_a_copy_of_a_chosen_image_is_skipped_and_reported_not_counted_twice(tmp_path):
    ds = folder(tmp_path, broken=0)
    import shutil

    shutil.copy(tmp_path / "imgs" / "cat" / "0.png", tmp_path / "imgs" / "dog" / "copy.png")
    ds = open_dataset(folder_spec(tmp_path / "imgs"), REC["input_shape"][1:])
    work = tmp_path / "w"
    work.mkdir()
    chosen, _, duplicates = select(ds, REC, 6, 0, True, str(work), "c")
    assert len({s["sha256"] for s in chosen}) == 6
    assert len(duplicates) == 1 and {
        os.path.basename(duplicates[0]["source"]),
        os.path.basename(duplicates[0]["same_as"]),
    } == {"copy.png", "0.png"}
    assert json.loads((work / "selection.json").read_text())["duplicates"] == duplicates


def test_a_labels_file_names_files_with_spaces_the_label_is_the_last_field(tmp_path):
    from zooforge.data.datasets import read_labels

    f = tmp_path / "labels.txt"
    f.write_text("IMG 0001 (copy).jpg 3\nplain.jpg 7\n")
    labels, where = read_labels(str(f), ["plain.jpg", "IMG 0001 (copy).jpg"])
    assert labels.tolist() == [7, 3] and where == [f"{f}:2", f"{f}:1"]
