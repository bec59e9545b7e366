"""Worker: float and quantized ONNX models (onnxruntime) on the same preprocessed images in one pass. Top-1/Top-5
with 95 % Wilson intervals, the paired view (flips both ways, McNemar exact p, agreement, output cosine), per class."""
import os

import numpy as np  # noqa: E402

from zf.batching import batched_session  # noqa: E402
from zf.datasets import check_labels  # noqa: E402
from zf.evaluation import collect_logits, open_evaluation, paired_metrics  # noqa: E402
from zf.preprocess import normalize  # noqa: E402
from zf.protocol import quiet_onnxruntime, run_worker  # noqa: E402


def save_predictions(work_dir: str, idx, labels, metrics) -> None:
    pred = metrics.pop("_pred")
    np.savez_compressed(os.path.join(work_dir, "predictions.npz"), index=np.asarray(idx), label=labels,
                        float_pred=pred["float"], quant_pred=pred["quant"], cosine=pred["cosine"])


def main(p):
    quiet_onnxruntime()
    rec, ds, idx = open_evaluation(p)
    sessions = {"float": batched_session(p["float_model"], p["batch_size"]), "quant": batched_session(p["quant_model"], p["batch_size"])}
    runners = {k: (lambda raw, s=s: s(normalize(raw, rec))) for k, s in sessions.items()}
    run = collect_logits(ds, idx, rec, runners, p["batch_size"])
    check_labels(ds, run["logits"]["float"].shape[-1])
    labels = ds.labels[run["used"]]
    metrics = paired_metrics(run["logits"]["float"], run["logits"]["quant"], labels, ds.classes or [])
    save_predictions(p["work_dir"], run["used"], labels, metrics)
    return {**metrics, "skipped": run["skipped"], "dataset": ds.kind, "seconds": run["seconds"], "images_per_s": len(run["used"]) / run["seconds"],
            "batch": {k: s.batch for k, s in sessions.items()}, "outputs": {"predictions": "predictions.npz"}}


if __name__ == "__main__":
    run_worker("evaluate", main)
