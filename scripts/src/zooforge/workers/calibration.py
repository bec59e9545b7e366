"""Worker: the calibration set (calibration/selection.py) from the dataset and the one preprocessing record."""

import json

from zooforge.calibration.selection import select
from zooforge.data.datasets import open_dataset
from zooforge.protocol.worker import run_worker, warn


def main(p):
    with open(p["preprocess"]) as f:
        rec = json.load(f)
    c = p["calibration"]
    ds = open_dataset(p["dataset"], rec["input_shape"][1:])
    chosen, skipped, duplicates = select(ds, rec, c["count"], c["seed"], c["balanced"], p["work_dir"], p["hb_dir"])
    if duplicates:
        warn(
            f"{len(duplicates)} calibration candidate(s) were copies of an image already chosen and were skipped, e.g. "
            f"{duplicates[0]['source']} = {duplicates[0]['same_as']}"
        )
    labels = [s["label"] for s in chosen if s["label"] is not None]
    return {
        "count": len(chosen),
        "distinct": len(chosen),
        "duplicates": len(duplicates),
        "skipped": skipped,
        "dataset": ds.kind,
        "classes_covered": len(set(labels)),
        "outputs": {"tensors": "calib.npy", "selection": "selection.json", "hb_calibration": p["hb_dir"]},
    }


if __name__ == "__main__":
    run_worker("calibration", main)
