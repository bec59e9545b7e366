"""Worker: float and quantized ONNX models (onnxruntime) on the same preprocessed images in one pass. Agreement of
int8 with float on every image (top-1/top-5 with Wilson intervals, output cosine, KL); on the labelled ones Top-1/Top-5,
the paired view (flips both ways, McNemar exact p, the drop's interval) and per class."""

from zooforge.data.datasets import check_labels
from zooforge.data.hb_input import LOSSY_PATHS, board_pixels
from zooforge.data.preprocess import normalize
from zooforge.evaluation import per_image
from zooforge.evaluation.paired import (
    agreement,
    class_names,
    collect_logits,
    open_evaluation,
    paired_metrics,
    softmax,
    used_labels,
)
from zooforge.protocol.worker import quiet_onnxruntime, run_worker
from zooforge.runtime.batching import batched_session


def input_paths(sessions, rec, rt):
    """float on the training input; int8 on what the board feeds it (rt: input_type_rt under emulate bpu, else the
    training input too). A lossy path (nv12, yuv444) also runs int8 on the training input, to measure what it costs."""
    float_run, quant_run = sessions["float"], sessions["quant"]
    runners = {"float": lambda raw: float_run(normalize(raw, rec))}
    if rt is None:
        runners["quant"] = lambda raw: quant_run(normalize(raw, rec))
        return runners
    runners["quant"] = lambda raw: quant_run(normalize(board_pixels(raw, rec, rt), rec))
    if rt in LOSSY_PATHS:
        runners["quant_training_input"] = lambda raw: quant_run(normalize(raw, rec))
    return runners


def input_path_effect(logits, rt, k):
    """What the int8 model was fed, and (for a lossy path) how it agreed with float when fed the training input."""
    if rt is None:
        return None
    fed = logits.get("quant_training_input")
    if fed is None:
        return {"type": rt, "training_input": None}
    a = agreement(logits["float"], fed, k)
    return {"type": rt, "training_input": {"agreement": a["top1"], "mean_output_cosine": a["mean_output_cosine"]}}


def main(p):
    quiet_onnxruntime()
    rec, ds, idx = open_evaluation(p)
    sessions = {
        "float": batched_session(p["float_model"], p["batch_size"]),
        "quant": batched_session(p["quant_model"], p["batch_size"], p["quant_runtime"]),
    }
    runners = input_paths(sessions, rec, p["input_type_rt"])
    run = collect_logits(ds, idx, rec, runners, p["batch_size"])
    check_labels(ds, run["logits"]["float"].shape[-1])
    labels = used_labels(ds, run["used"])
    names = class_names(ds, run["logits"]["float"].shape[-1])
    metrics = paired_metrics(run["logits"]["float"], run["logits"]["quant"], labels, names)
    pred = metrics.pop("_pred")
    shown = {k: run["logits"][k] for k in ("float", "quant")}
    per_image.save(p["work_dir"], ds, run["used"], labels, shown, pred["cosine"], names, softmax, rec)
    return {
        **metrics,
        "input_path": input_path_effect(run["logits"], p["input_type_rt"], metrics["topk"]),
        "skipped": run["skipped"],
        "dataset": ds.kind,
        "seconds": run["seconds"],
        "images_per_s": len(run["used"]) / run["seconds"],
        "batch": {k: s.batch for k, s in sessions.items()},
        "outputs": {"predictions": "predictions.npz", "images": "images.json", "thumbs": "thumbs"},
    }


if __name__ == "__main__":
    run_worker("evaluate", main)
