"""Worker: float and quantized models on the same preprocessed images in one pass. Top-1/Top-5 with 95 %
Wilson intervals, the paired view (flips both ways, McNemar exact p, agreement, output cosine), per class."""
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import json  # noqa: E402

import numpy as np  # noqa: E402

from zf.batching import batched_session  # noqa: E402
from zf.datasets import eval_indices, load_raw, open_dataset  # noqa: E402
from zf.preprocess import normalize  # noqa: E402
from zf.protocol import ZfError, progress, quiet_onnxruntime, run_worker  # noqa: E402
from zf.stats import mcnemar_exact, wilson  # noqa: E402


def topk_metrics(logits: np.ndarray, labels: np.ndarray, k: int):
    top = np.argsort(-logits, axis=1)[:, :k]
    top1 = top[:, 0] == labels
    topk = (top == labels[:, None]).any(axis=1)
    return top1, topk, top[:, 0]


def summary(hits: np.ndarray) -> dict:
    n, c = len(hits), int(hits.sum())
    lo, hi = wilson(c, n)
    return {"correct": c, "percent": 100.0 * c / n, "ci95": [lo, hi]}


def main(p):
    quiet_onnxruntime()
    with open(p["preprocess"]) as f:
        rec = json.load(f)
    ds = open_dataset(p["dataset"], rec["input_shape"][1:])
    if ds.labels is None:
        raise ZfError("the evaluation dataset has no labels (a flat folder needs evaluate.dataset.folder.labels)")
    idx = eval_indices(ds, p.get("limit"), p["sampling"])
    models = {"float": p["float_model"], "quant": p["quant_model"]}
    sessions = {k: batched_session(v, p["batch_size"]) for k, v in models.items()}
    logits = {k: [] for k in models}
    def load(i):  # decoding and resizing run in a pool while ORT works on the previous batch
        raw = load_raw(ds, i, rec)
        return None if raw is None else normalize(raw, rec)
    used, skipped = [], []
    started = time.perf_counter()
    chunks = [idx[k:k + p["batch_size"]] for k in range(0, len(idx), p["batch_size"])]
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending = [pool.submit(load, i) for i in chunks[0]] if chunks else []
        for c, chunk in enumerate(chunks):
            loaded = [f.result() for f in pending]
            # Decode the next batch while ONNX Runtime works on this one.
            pending = [pool.submit(load, i) for i in chunks[c + 1]] if c + 1 < len(chunks) else []
            skipped += [ds.source(i) for i, t in zip(chunk, loaded) if t is None]
            good = [(i, t) for i, t in zip(chunk, loaded) if t is not None]
            if not good:
                continue
            used += [i for i, _ in good]
            x = np.stack([t for _, t in good])
            for k, run in sessions.items():
                logits[k].append(run(x))
            progress("evaluating images", min((c + 1) * p["batch_size"], len(idx)), len(idx))
    seconds = time.perf_counter() - started
    if not used:
        raise ZfError(f"no readable image among the {len(idx)} selected for evaluation")
    idx = used
    labels = ds.labels[idx]
    fl, ql = np.concatenate(logits["float"]), np.concatenate(logits["quant"])
    k = min(5, fl.shape[1])
    f1, f5, fpred = topk_metrics(fl, labels, k)
    q1, q5, qpred = topk_metrics(ql, labels, k)
    b, c = int((f1 & ~q1).sum()), int((~f1 & q1).sum())
    cos = (fl * ql).sum(1) / np.maximum(np.linalg.norm(fl, axis=1) * np.linalg.norm(ql, axis=1), 1e-30)
    classes = ds.classes or [str(i) for i in range(fl.shape[1])]
    per_class = []
    for ci in range(fl.shape[1]):
        m = labels == ci
        if m.any():
            per_class.append({"class": classes[ci] if ci < len(classes) else str(ci), "n": int(m.sum()),
                              "float": 100.0 * f1[m].mean(), "quant": 100.0 * q1[m].mean(), "delta": 100.0 * (q1[m].mean() - f1[m].mean())})
    np.savez_compressed(os.path.join(p["work_dir"], "predictions.npz"), index=np.asarray(idx), label=labels,
                        float_pred=fpred, quant_pred=qpred, cosine=cos.astype(np.float32))
    return {"n": len(idx), "skipped": skipped, "dataset": ds.kind, "seconds": seconds, "images_per_s": len(idx) / seconds, "topk": k, "batch": {k2: s.batch for k2, s in sessions.items()},
            "float": {"top1": summary(f1), "top5": summary(f5)}, "quant": {"top1": summary(q1), "top5": summary(q5)},
            "paired": {"both_right": int((f1 & q1).sum()), "float_only": b, "quant_only": c, "both_wrong": int((~f1 & ~q1).sum()),
                       "mcnemar_p": mcnemar_exact(b, c), "agreement": float((fpred == qpred).mean()),
                       "mean_output_cosine": float(cos.mean()), "delta_top1": 100.0 * (c - b) / len(idx)},
            "per_class": per_class, "outputs": {"predictions": "predictions.npz"}}


if __name__ == "__main__":
    run_worker(main)
