"""Inputs for equivalence checks: the first N real images of the recipe's dataset, else seeded noise."""
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from .datasets import load_raw, open_dataset
from .preprocess import normalize


def check_inputs(dataset: Optional[Dict[str, Any]], rec: Dict[str, Any], n: int, seed: int) -> Tuple[List[np.ndarray], str]:
    shape = rec["input_shape"]
    if dataset:
        ds = open_dataset(dataset, shape[1:])
        out = []
        for i in range(len(ds)):
            raw = load_raw(ds, i, rec)
            if raw is not None:
                out.append(normalize(raw, rec)[None])
            if len(out) == n:
                break
        if out:
            return out, f"{len(out)} real images ({ds.kind})"
    rng = np.random.RandomState(seed)
    return [rng.randn(*shape).astype(np.float32) for _ in range(n)], f"{n} random normal inputs (the calibration dataset is not available)"
