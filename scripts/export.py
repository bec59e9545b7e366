"""Worker: export a torch network to ONNX, check it (onnx.checker + torch vs onnxruntime), and write the
preprocessing record every later stage uses."""
import inspect
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402

from zf.build_model import create, load_checkpoint, randomize_batchnorm  # noqa: E402
from zf.check_inputs import check_inputs  # noqa: E402
from zf.checks import compare_outputs  # noqa: E402
from zf.ort_session import run_one, session  # noqa: E402
from zf.protocol import ZfError, progress, quiet_onnxruntime, run_worker, write_json  # noqa: E402


def preprocessing_record(p, cfg) -> dict:
    """Recipe settings win; the rest comes from timm's pretrained_cfg; then plain defaults."""
    s, cfg = p["preprocess"], dict(cfg or {})
    shape = p["input"].get("shape") or [1, *cfg.get("input_size", (3, 224, 224))]
    size = s.get("size") or list(shape[2:])
    channels = shape[1]
    colour = s.get("colour") or ("gray" if channels == 1 else "rgb")
    default_mean, default_std = ([0.5] * channels, [0.5] * channels) if not cfg else (cfg["mean"], cfg["std"])
    mean, std = list(s.get("mean") or default_mean), list(s.get("std") or default_std)
    mean, std = (mean * channels if len(mean) == 1 else mean), (std * channels if len(std) == 1 else std)
    return {"input_name": p["input"]["name"], "output_name": p["input"]["output_name"], "input_shape": list(shape),
            "size": list(size), "crop_pct": s.get("crop_pct") or cfg.get("crop_pct") or 1.0,
            "interpolation": s.get("interpolation") or cfg.get("interpolation") or "bilinear",
            "mean": mean, "std": std, "colour": colour, "layout": "NCHW",
            "source": f"timm pretrained_cfg {cfg.get('architecture', '')}.{cfg.get('tag', '')}".rstrip(".") if cfg else "recipe"}


def torch_export(model, dummy, path, rec, opts) -> None:
    kwargs = dict(opset_version=opts["opset"], input_names=[rec["input_name"]], output_names=[rec["output_name"]],
                  do_constant_folding=opts["constant_folding"])
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # newer torch defaults to the dynamo exporter; the seed used the TorchScript one
    with torch.no_grad():
        torch.onnx.export(model, dummy, path, **kwargs)


def main(p):
    quiet_onnxruntime()
    opts = p["export"]
    torch.manual_seed(opts["seed"])
    progress("building the network")
    model, cfg = create(p["model"])
    weights = "pretrained" if p["model"]["pretrained"] else "random"
    if p["model"].get("checkpoint"):
        load_checkpoint(model, p["model"]["checkpoint"])
        weights = "checkpoint"
    randomized = randomize_batchnorm(model, opts["seed"]) if weights == "random" and opts["randomize_batchnorm"] else 0
    model.eval()
    rec = preprocessing_record(p, cfg)
    out_model = os.path.join(p["work_dir"], "model.onnx")
    progress("torch.onnx.export")
    torch_export(model, torch.zeros(rec["input_shape"]), out_model, rec, opts)
    try:
        onnx.checker.check_model(out_model)
    except onnx.checker.ValidationError as err:
        raise ZfError(f"onnx.checker rejected the exported model: {err}")
    progress("checking torch vs onnxruntime")
    inputs, described = check_inputs(p.get("check_dataset"), rec, opts["check_samples"], opts["seed"])
    sess = session(out_model, threads=2)
    with torch.no_grad():
        ref = [model(torch.from_numpy(x)).numpy() for x in inputs]
    check = compare_outputs(ref, [run_one(sess, x) for x in inputs])
    check["inputs"] = described
    write_json(os.path.join(p["work_dir"], "preprocess.json"), rec)
    return {"preprocessing": rec, "check": check, "weights": weights, "randomized_batchnorm_layers": randomized,
            "torch_parameters": int(sum(t.numel() for t in model.parameters())), "opset": opts["opset"],
            "outputs": {"model": "model.onnx", "preprocess": "preprocess.json"}}


if __name__ == "__main__":
    run_worker(main)
