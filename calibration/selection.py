"""Which calibration samples: a seeded (class-balanced where labels exist) draw from the dataset, unreadable images
replaced by the next candidates, each kept sample written twice — as the network input (calib.npy, for the
embedded backend) and raw float32 0-255 (hb_mapper's cal_data_dir) — and listed in the selection manifest with
its id, label and content hash, so the set can be audited and reproduced."""

import hashlib
import os

import numpy as np

from zooforge.data.datasets import load_raw, sample_indices
from zooforge.data.preprocess import normalize, pixels_digest
from zooforge.protocol.worker import ZfError, progress, warn, write_json


def source_hash(ds, i, item) -> str:
    path = ds.source(i)
    if os.path.isfile(path):
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    return pixels_digest(item)


def select(ds, rec, count: int, seed: int, balanced: bool, work_dir: str, hb_dir_name: str):
    """Write calib.npy, <hb_dir_name>/NNNNN.<colour>chw and selection.json into work_dir; return (chosen, skipped,
    duplicates). Every chosen sample is a distinct image (by preprocessed content)."""
    shape = rec["input_shape"]
    # Over-draw so unreadable images can be replaced without changing which good ones are picked first.
    candidates = sample_indices(ds, min(len(ds), count * 2 + 10), seed, balanced)
    hb_dir = os.path.join(work_dir, hb_dir_name)
    os.makedirs(hb_dir)
    chosen, skipped, duplicates, seen = [], [], [], {}
    data = np.lib.format.open_memmap(
        os.path.join(work_dir, "calib.npy"), mode="w+", dtype=np.float32, shape=(count, *shape[1:])
    )
    for i in candidates:
        if len(chosen) == count:
            break
        raw = load_raw(ds, i, rec)
        if raw is None:
            skipped.append(ds.source(i))
            continue
        # the same picture twice (same pixels after preprocessing) would weigh double in the ranges and could sit on
        # both sides of the method search: kept once, the copy reported
        digest = pixels_digest(raw)
        if digest in seen:
            duplicates.append({"source": ds.source(i), "same_as": seen[digest]})
            continue
        seen[digest] = ds.source(i)
        k = len(chosen)
        data[k] = normalize(raw, rec)
        name = f"{k:05d}.{rec['colour']}chw"
        raw.astype(np.float32).tofile(os.path.join(hb_dir, name))
        chosen.append(
            {
                "index": int(i),
                "id": ds.ids[i],
                "sha256": source_hash(ds, i, raw),
                "file": f"{hb_dir_name}/{name}",
                "label": int(ds.labels[i]) if ds.labels is not None else None,
            }
        )
        progress("calibration images", len(chosen), count)
    data.flush()
    if len(chosen) < count:
        found = (
            f"only {len(chosen)} usable, distinct calibration images of the {count} requested "
            f"({len(skipped)} unreadable, {len(duplicates)} duplicates, {len(ds)} in the dataset)"
        )
        if not chosen:
            raise ZfError(found)
        # fewer images than asked is what a user with a small folder has: calibrate on them, and say so
        warn(f"{found}: calibrating on those {len(chosen)} (lower calibration.count to silence this)")
        kept = np.array(data[: len(chosen)])
        del data
        np.save(os.path.join(work_dir, "calib.npy"), kept)
    write_json(
        os.path.join(work_dir, "selection.json"),
        {"dataset": ds.kind, "samples": chosen, "skipped": skipped, "duplicates": duplicates},
    )
    return chosen, skipped, duplicates
