"""Worker: float and quantized ONNX models (onnxruntime) on the same preprocessed images in one pass. Agreement of
int8 with float on every image (top-1/top-5 with Wilson intervals, output cosine, KL); on the labelled ones Top-1/Top-5,
the paired view (flips both ways, McNemar exact p, the drop's interval) and per class."""

from zf import per_image
from zf.batching import batched_session
from zf.datasets import check_labels
from zf.evaluation import class_names, collect_logits, open_evaluation, paired_metrics, softmax, used_labels
from zf.preprocess import normalize
from zf.protocol import quiet_onnxruntime, run_worker


def main(p):
    quiet_onnxruntime()
    rec, ds, idx = open_evaluation(p)
    sessions = {
        "float": batched_session(p["float_model"], p["batch_size"]),
        "quant": batched_session(p["quant_model"], p["batch_size"]),
    }
    runners = {k: (lambda raw, s=s: s(normalize(raw, rec))) for k, s in sessions.items()}
    run = collect_logits(ds, idx, rec, runners, p["batch_size"])
    check_labels(ds, run["logits"]["float"].shape[-1])
    labels = used_labels(ds, run["used"])
    names = class_names(ds, run["logits"]["float"].shape[-1])
    metrics = paired_metrics(run["logits"]["float"], run["logits"]["quant"], labels, names)
    pred = metrics.pop("_pred")
    per_image.save(p["work_dir"], ds, run["used"], labels, run["logits"], pred["cosine"], names, softmax)
    return {
        **metrics,
        "skipped": run["skipped"],
        "dataset": ds.kind,
        "seconds": run["seconds"],
        "images_per_s": len(run["used"]) / run["seconds"],
        "batch": {k: s.batch for k, s in sessions.items()},
        "outputs": {"predictions": "predictions.npz", "images": "images.json", "thumbs": "thumbs"},
    }


if __name__ == "__main__":
    run_worker("evaluate", main)
