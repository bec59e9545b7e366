"""Inputs for equivalence checks: N distinct real images of the recipe's dataset (a seeded sample, duplicates by
content skipped), else seeded noise, said so."""

from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from .datasets import load_raw, open_dataset, sample_indices
from .preprocess import normalize, pixels_digest


def check_inputs(
    dataset: Optional[Dict[str, Any]], rec: Dict[str, Any], n: int, seed: int
) -> Tuple[List[np.ndarray], str]:
    shape = rec["input_shape"]
    if dataset:
        ds = open_dataset(dataset, shape[1:])
        out, seen = [], set()
        # a seeded sample across the set (the first sorted files can be near-copies of one photo)
        for i in sample_indices(ds, len(ds), seed, balanced=True):
            raw = load_raw(ds, i, rec)
            if raw is None:
                continue
            digest = pixels_digest(raw)
            if digest in seen:
                continue
            seen.add(digest)
            out.append(normalize(raw, rec)[None])
            if len(out) == n:
                break
        if out:
            return out, f"{len(out)} distinct real images ({ds.kind})"
    rng = np.random.RandomState(seed)
    why = "no readable image in the calibration dataset" if dataset else "no calibration dataset to take images from"
    return [rng.randn(*shape).astype(np.float32) for _ in range(n)], f"{n} random normal inputs ({why})"
