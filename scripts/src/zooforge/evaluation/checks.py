"""Numerical comparison of two models' outputs: max |delta|, cosine, Top-1 agreement (float-noise tolerant)."""

from typing import Dict, List

import numpy as np


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return 1.0 if na == nb else 0.0
    return float(np.dot(a, b) / (na * nb))


def compare_outputs(ref: List[np.ndarray], other: List[np.ndarray]) -> Dict[str, float]:
    cos = [cosine(r, o) for r, o in zip(ref, other)]
    agree = [int(np.argmax(r) == np.argmax(o)) for r, o in zip(ref, other)]
    return {
        "samples": len(ref),
        "max_abs_diff": float(max(np.max(np.abs(r - o)) for r, o in zip(ref, other))),
        "min_cosine": float(min(cos)),
        "mean_cosine": float(np.mean(cos)),
        "top1_agreement": float(np.mean(agree)),
    }


def similarity(ref: np.ndarray, other: np.ndarray) -> Dict[str, float]:
    """hb_mapper's output columns: cosine, L1 = mean |d|, L2 = ||d||_2 / n, Chebyshev = max |d|."""
    d = (ref.astype(np.float64) - other.astype(np.float64)).ravel()
    return {
        "cosine": cosine(ref, other),
        "l1": float(np.mean(np.abs(d))),
        "l2": float(np.linalg.norm(d) / d.size),
        "chebyshev": float(np.max(np.abs(d))),
    }
