"""Worker: pick the calibration samples (seeded, class-balanced), preprocess them with the one record, and
write both calib.npy (network input, for the embedded backend) and hb_mapper's raw float32 0-255 files."""
import hashlib
import os

import json  # noqa: E402

import numpy as np  # noqa: E402

from zf.datasets import load_raw, open_dataset, sample_indices  # noqa: E402
from zf.preprocess import normalize  # noqa: E402
from zf.protocol import ZfError, progress, run_worker, write_json  # noqa: E402


def source_hash(ds, i, item) -> str:
    path = ds.source(i)
    if os.path.isfile(path):
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    return hashlib.sha256(np.ascontiguousarray(item).tobytes()).hexdigest()


def main(p):
    with open(p["preprocess"]) as f:
        rec = json.load(f)
    c = p["calibration"]
    shape = rec["input_shape"]
    ds = open_dataset(p["dataset"], shape[1:])
    # Over-draw so unreadable images can be replaced without changing which good ones are picked first.
    candidates = sample_indices(ds, min(len(ds), c["count"] * 2 + 10), c["seed"], c["balanced"])
    hb_dir_name = p["hb_dir"]  # named by TypeScript, which lays out hb_mapper's work folder
    hb_dir = os.path.join(p["work_dir"], hb_dir_name)
    os.makedirs(hb_dir)
    chosen, skipped = [], []
    data = np.lib.format.open_memmap(os.path.join(p["work_dir"], "calib.npy"), mode="w+", dtype=np.float32,
                                     shape=(c["count"], *shape[1:]))
    for i in candidates:
        if len(chosen) == c["count"]:
            break
        raw = load_raw(ds, i, rec)
        if raw is None:
            skipped.append(ds.source(i))
            continue
        k = len(chosen)
        data[k] = normalize(raw, rec)
        name = f"{k:05d}.{rec['colour']}chw"
        raw.astype(np.float32).tofile(os.path.join(hb_dir, name))
        chosen.append({"index": int(i), "id": ds.ids[i], "sha256": source_hash(ds, i, raw), "file": f"{hb_dir_name}/{name}",
                       "label": int(ds.labels[i]) if ds.labels is not None else None})
        progress("calibration images", len(chosen), c["count"])
    data.flush()
    if len(chosen) < c["count"]:
        raise ZfError(f"only {len(chosen)} usable calibration images of the {c['count']} requested "
                      f"({len(skipped)} unreadable, {len(ds)} in the dataset)")
    write_json(os.path.join(p["work_dir"], "selection.json"), {"dataset": ds.kind, "samples": chosen, "skipped": skipped})
    labels = [s["label"] for s in chosen if s["label"] is not None]
    return {"count": len(chosen), "skipped": skipped, "dataset": ds.kind,
            "classes_covered": len(set(labels)), "outputs": {"tensors": "calib.npy", "selection": "selection.json",
                                                             "hb_calibration": hb_dir_name}}


if __name__ == "__main__":
    run_worker("calibration", main)
