"""One evaluation pass shared by the ort (evaluate.py) and Horizon (hb_evaluate.py) workers: every model sees the same
raw pixels of the same images (each applies its own input transform), then the paired metrics."""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List

import numpy as np

from zooforge.data.datasets import UNLABELLED, Dataset, load_raw
from zooforge.protocol.worker import ZfError, progress

from .stats import mcnemar_exact, paired_drop, wilson

Runner = Callable[[np.ndarray], np.ndarray]  # raw NCHW 0..255 float32 batch -> logits


def open_evaluation(p: Dict[str, Any]):
    """The preprocessing record, the dataset (labelled, partly labelled or not at all) and the chosen image indices
    of an evaluate request."""
    import json

    from zooforge.data.datasets import eval_indices, open_dataset

    with open(p["preprocess"]) as f:
        rec = json.load(f)
    ds = open_dataset(p["dataset"], rec["input_shape"][1:])
    return rec, ds, eval_indices(ds, p.get("limit"), p["sampling"])


def collect_logits(
    ds: Dataset, idx: List[int], rec: Dict[str, Any], runners: Dict[str, Runner], batch: int
) -> Dict[str, Any]:
    """Decode in a pool (the next batch while the models run on this one); skip unreadable images."""
    logits: Dict[str, list] = {k: [] for k in runners}
    used, skipped = [], []
    started = time.perf_counter()
    chunks = [idx[k : k + batch] for k in range(0, len(idx), batch)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending = [pool.submit(load_raw, ds, i, rec) for i in chunks[0]] if chunks else []
        for c, chunk in enumerate(chunks):
            loaded = [f.result() for f in pending]
            pending = [pool.submit(load_raw, ds, i, rec) for i in chunks[c + 1]] if c + 1 < len(chunks) else []
            skipped += [ds.source(i) for i, t in zip(chunk, loaded) if t is None]
            good = [(i, t) for i, t in zip(chunk, loaded) if t is not None]
            if good:
                used += [i for i, _ in good]
                x = np.stack([t for _, t in good])
                for k, run in runners.items():
                    logits[k].append(run(x))
            progress("evaluating images", min((c + 1) * batch, len(idx)), len(idx))
    if not used:
        raise ZfError(f"no readable image among the {len(idx)} selected for evaluation")
    seconds = time.perf_counter() - started
    return {
        "used": used,
        "skipped": skipped,
        "seconds": seconds,
        "logits": {k: np.concatenate(v) for k, v in logits.items()},
    }


def class_names(ds: Dataset, num_classes: int) -> List[str]:
    """Readable class names, each name that occurs twice with its index ("crane (134)", "crane (517)")."""
    names = _readable_names(ds, num_classes)
    seen: Dict[str, int] = {}
    for n in names:
        seen[n] = seen.get(n, 0) + 1
    return [f"{n} ({i})" if seen[n] > 1 else n for i, n in enumerate(names)]


def _readable_names(ds: Dataset, num_classes: int) -> List[str]:
    """A synsets file's names, else timm's ImageNet-1k names for a 1000-class model (the first name of each
    description), else the dataset's class names, else the index."""
    names = getattr(ds, "class_names", None)
    if names and len(names) == num_classes:
        return list(names)
    if num_classes == 1000:
        return imagenet_names()
    if ds.classes and len(ds.classes) == num_classes:
        return list(ds.classes)
    return [str(i) for i in range(num_classes)]


def imagenet_names() -> List[str]:
    """timm's ImageNet-1k class names (the first name of each synset's lemmas), read from the files timm ships
    without importing timm (that imports torch: 1.5 s of an evaluation of 20 images)."""
    import importlib.util

    info = os.path.join(importlib.util.find_spec("timm").submodule_search_locations[0], "data", "_info")
    with open(os.path.join(info, "imagenet_synsets.txt")) as f:
        synsets = [line.strip() for line in f if line.strip()]
    with open(os.path.join(info, "imagenet_synset_to_lemma.txt")) as f:
        lemmas = dict(line.rstrip("\n").split("\t", 1) for line in f if "\t" in line)
    return [lemmas[s].split(",")[0] for s in synsets]


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits.astype(np.float64) - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def used_labels(ds: Dataset, used: List[int]) -> np.ndarray:
    """The label of each evaluated image, UNLABELLED where it has none (a folder without labels, or a labels file
    that names only some images)."""
    if ds.labels is None:
        return np.full(len(used), UNLABELLED, dtype=np.int64)
    return ds.labels[used]


def _topk(logits: np.ndarray, labels: np.ndarray, k: int):
    top = np.argsort(-logits, axis=1)[:, :k]
    return top[:, 0] == labels, (top == labels[:, None]).any(axis=1), top[:, 0]


def _summary(hits: np.ndarray) -> Dict[str, Any]:
    n, c = len(hits), int(hits.sum())
    lo, hi = wilson(c, n)
    return {"correct": c, "percent": 100.0 * c / n, "ci95": [lo, hi]}


def agreement(fl: np.ndarray, ql: np.ndarray, k: int) -> Dict[str, Any]:
    """int8 against float on every image, labels or not: float's top-1 class taken as the answer, int8's top-1 and
    top-k scored on it (Wilson intervals); mean output cosine; mean KL(float softmax || int8 softmax) in nats."""
    fpred = fl.argmax(1)
    top1, topk, _ = _topk(ql, fpred, k)
    pf, pq = softmax(fl), softmax(ql)
    kl = (pf * (np.log(np.maximum(pf, 1e-30)) - np.log(np.maximum(pq, 1e-30)))).sum(1)
    return {
        "top1": _summary(top1),
        "top5": _summary(topk),
        "mean_output_cosine": float(_cosine(fl, ql).mean()),
        "mean_kl": float(kl.mean()),
    }


def _cosine(fl: np.ndarray, ql: np.ndarray) -> np.ndarray:
    return (fl * ql).sum(1) / np.maximum(np.linalg.norm(fl, axis=1) * np.linalg.norm(ql, axis=1), 1e-30)


def _per_class(f1: np.ndarray, q1: np.ndarray, labels: np.ndarray, classes: List[str], n_out: int) -> List[Dict]:
    rows = []
    for ci in range(n_out):
        m = labels == ci
        if m.any():
            rows.append(
                {
                    "class": classes[ci] if ci < len(classes) else str(ci),
                    "n": int(m.sum()),
                    "float": 100.0 * f1[m].mean(),
                    "quant": 100.0 * q1[m].mean(),
                    "drop": 100.0 * (f1[m].mean() - q1[m].mean()),
                }
            )
    return rows


def _labelled_metrics(fl: np.ndarray, ql: np.ndarray, labels: np.ndarray, classes: List[str], k: int) -> Dict:
    """Top-1/Top-5 with Wilson intervals, flips both ways, McNemar exact p, the paired drop, per class: on labelled
    images only."""
    f1, f5, _ = _topk(fl, labels, k)
    q1, q5, _ = _topk(ql, labels, k)
    b, c = int((f1 & ~q1).sum()), int((~f1 & q1).sum())
    return {
        "float": {"top1": _summary(f1), "top5": _summary(f5)},
        "quant": {"top1": _summary(q1), "top5": _summary(q5)},
        "paired": {
            "both_right": int((f1 & q1).sum()),
            "float_only": b,
            "quant_only": c,
            "both_wrong": int((~f1 & ~q1).sum()),
            "mcnemar_p": mcnemar_exact(b, c),
            "drop_top1": paired_drop(b, c, len(labels)),
        },
        "per_class": _per_class(f1, q1, labels, classes, fl.shape[1]),
    }


def paired_metrics(fl: np.ndarray, ql: np.ndarray, labels: np.ndarray, classes: List[str]) -> Dict[str, Any]:
    """Agreement of int8 with float on every image; Top-1/Top-5, flips, McNemar and per class on the labelled ones
    (None where no image has a label)."""
    k = min(5, fl.shape[1])
    has = labels != UNLABELLED
    scored = (
        _labelled_metrics(fl[has], ql[has], labels[has], classes, k)
        if has.any()
        else {"float": None, "quant": None, "paired": None, "per_class": []}
    )
    return {
        "n": len(labels),
        "labelled": int(has.sum()),
        "topk": k,
        "classes": int(fl.shape[1]),
        "agreement": agreement(fl, ql, k),
        **scored,
        "_pred": {"float": fl.argmax(1), "quant": ql.argmax(1), "cosine": _cosine(fl, ql).astype(np.float32)},
    }
