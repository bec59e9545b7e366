"""Accuracy without labels (issue 23.3): int8 scored against float's answers on every image; Top-1 on the labelled
ones only; a labels file that names some images leaves the rest unlabelled."""

import numpy as np
import pytest
from conftest import RGB8_RECORD, flat_folder, folder_spec

from zooforge.data.datasets import UNLABELLED, check_labels, open_dataset
from zooforge.evaluation.paired import paired_metrics
from zooforge.protocol.worker import ZfError

# 4 images, 6 classes. float's top-1: 0, 1, 2, 3. int8's top-1: 0, 1, 4, 5; int8's ranking of image 2 puts float's
# class 2 second (in its top 5), of image 3 puts float's class 3 last (not in its top 5).
FLOAT = np.array(
    [
        [9, 1, 0, 0, 0, 0],
        [1, 9, 0, 0, 0, 0],
        [0, 0, 9, 1, 0, 0],
        [0, 0, 0, 9, 1, 0],
    ],
    dtype=np.float32,
)
QUANT = np.array(
    [
        [9, 1, 0, 0, 0, 0],
        [1, 9, 0, 0, 0, 0],
        [0, 0, 8, 1, 9, 0],
        [5, 6, 7, 0, 8, 9],
    ],
    dtype=np.float32,
)


def test_no_labels_gives_agreement_on_every_image_and_no_top1():
    m = paired_metrics(FLOAT, QUANT, np.full(4, UNLABELLED), [])
    assert (m["n"], m["labelled"]) == (4, 0)
    assert m["float"] is None and m["quant"] is None and m["paired"] is None and m["per_class"] == []
    a = m["agreement"]
    assert (a["top1"]["correct"], a["top1"]["percent"]) == (2, 50.0)  # images 0 and 1
    assert (a["top5"]["correct"], a["top5"]["percent"]) == (3, 75.0)  # and image 2
    lo, hi = a["top1"]["ci95"]
    assert lo == pytest.approx(15.00, abs=0.01) and hi == pytest.approx(85.00, abs=0.01)  # Wilson, 2 of 4
    assert a["mean_kl"] > 0 and 0 < a["mean_output_cosine"] < 1


def test_identical_outputs_agree_fully_with_zero_kl():
    a = paired_metrics(FLOAT, FLOAT.copy(), np.full(4, UNLABELLED), [])["agreement"]
    assert a["top1"]["percent"] == 100.0 and a["mean_kl"] == pytest.approx(0.0, abs=1e-12)
    assert a["mean_output_cosine"] == pytest.approx(1.0)


def test_partly_labelled_top1_counts_the_labelled_images_agreement_counts_all():
    labels = np.array([0, UNLABELLED, 2, UNLABELLED])  # image 2: float right, int8 wrong
    m = paired_metrics(FLOAT, QUANT, labels, [])
    assert (m["n"], m["labelled"]) == (4, 2)
    assert m["float"]["top1"]["correct"] == 2 and m["quant"]["top1"]["correct"] == 1
    assert m["paired"]["float_only"] == 1 and m["paired"]["quant_only"] == 0
    assert m["paired"]["drop_top1"]["points"] == 50.0  # of 2 labelled images
    assert [c["n"] for c in m["per_class"]] == [1, 1]
    assert m["agreement"]["top1"]["correct"] == 2  # still over all 4


def test_a_labels_file_naming_some_images_leaves_the_rest_unlabelled_and_says_so(tmp_path, capsys):
    root = flat_folder(tmp_path, ["a.png", "b.png", "c.png"])
    labels = tmp_path / "labels.txt"
    labels.write_text("c.png 7\na.png 2\n")
    spec = folder_spec(root)
    spec["folder"]["labels"] = str(labels)
    ds = open_dataset(spec, RGB8_RECORD["input_shape"][1:])
    assert list(ds.labels) == [2, UNLABELLED, 7]
    assert "has no label for 1 of 3 images (e.g. 'b.png')" in capsys.readouterr().out


def test_a_labels_file_naming_none_of_the_images_is_refused(tmp_path):
    root = flat_folder(tmp_path, ["a.png", "b.png"])
    labels = tmp_path / "labels.txt"
    labels.write_text("x.png 1\ny.png 2\n")
    spec = folder_spec(root)
    spec["folder"]["labels"] = str(labels)
    with pytest.raises(ZfError, match="names none of the folder's 2 images"):
        open_dataset(spec, RGB8_RECORD["input_shape"][1:])


def test_a_written_negative_label_is_not_taken_for_unlabelled_but_reported_with_the_others(tmp_path):
    root = flat_folder(tmp_path, ["a.png", "b.png"])
    labels = tmp_path / "labels.txt"
    labels.write_text("a.png -1\nb.png 999\n")
    spec = folder_spec(root)
    spec["folder"]["labels"] = str(labels)
    ds = open_dataset(spec, RGB8_RECORD["input_shape"][1:])
    assert list(ds.labels) == [-1, 999]
    with pytest.raises(ZfError, match=r"2 label\(s\) outside the model's 10 classes .*labels.txt:1 \(label -1\)"):
        check_labels(ds, 10)


def test_a_flat_folder_without_labels_file_has_none(tmp_path):
    ds = open_dataset(folder_spec(flat_folder(tmp_path, ["a.png", "b.png"])), RGB8_RECORD["input_shape"][1:])
    assert ds.labels is None
