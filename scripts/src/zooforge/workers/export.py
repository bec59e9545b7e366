"""Worker: export a torch network to ONNX and check it (onnx.checker + torch vs onnxruntime), with the input
name, shape and check images of the preprocessing record (the preprocess stage's output)."""

import inspect
import json
import os

import numpy as np
import onnx
import torch

from zooforge.data.check_inputs import check_inputs
from zooforge.evaluation.checks import compare_outputs
from zooforge.model.build_model import create, input_shape_named, load_checkpoint, randomize_batchnorm, reparameterize
from zooforge.protocol.worker import ZfError, progress, quiet_onnxruntime, run_worker
from zooforge.runtime.ort_session import run_one, session


def torch_export(model, dummy, path, rec, opts) -> None:
    kwargs = dict(
        opset_version=opts["opset"],
        input_names=[rec["input_name"]],
        output_names=[rec["output_name"]],
        do_constant_folding=opts["constant_folding"],
    )
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # newer torch defaults to the dynamo exporter; the seed used the TorchScript one
    with torch.no_grad():
        torch.onnx.export(model, dummy, path, **kwargs)


def read_record(p):
    with open(p["preprocess"]) as f:
        return json.load(f)


def existing_onnx(p):
    """source onnx: copy and check the user's model; no torch reference exists, so the check runs ORT only."""
    src = p["model"]["source"]["onnx"]
    try:
        model = onnx.load(src)
    except Exception as err:  # truncated file or external data: the user's file, named
        raise ZfError(f"cannot load {src} (or its external data): {type(err).__name__}: {str(err)[:200]}")
    try:
        onnx.checker.check_model(model)
    except onnx.checker.ValidationError as err:
        raise ZfError(f"onnx.checker rejected {src}: {err}")
    rec = read_record(p)
    onnx.save(model, os.path.join(p["work_dir"], "model.onnx"))
    inputs, described = check_inputs(p.get("check_dataset"), rec, p["export"]["check_samples"], p["export"]["seed"])
    sess = session(os.path.join(p["work_dir"], "model.onnx"), threads=2)
    outs = [run_one(sess, x) for x in inputs]
    return {
        "check": {
            "inputs": described,
            "runs_in_onnxruntime": True,
            "finite": bool(all(np.isfinite(o).all() for o in outs)),
        },
        "weights": "onnx file",
        "opset": next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), None),
        "outputs": {"model": "model.onnx"},
    }


def fuse_checked(model, mode, inputs):
    """The deployed (re-parameterized) form where the model offers one, compared with the unfused one on the check
    inputs; (model, the comparison or None)."""
    fused, modules = reparameterize(model, mode)
    if not modules:
        return model, None
    progress(f"re-parameterized {modules} modules; checking the fused model against the unfused one")
    with torch.no_grad():
        compared = compare_outputs(
            [model(torch.from_numpy(x)).numpy() for x in inputs], [fused(torch.from_numpy(x)).numpy() for x in inputs]
        )
    return fused, {"modules": modules, **compared}


def main(p):
    quiet_onnxruntime()
    if "onnx" in p["model"]["source"]:
        return existing_onnx(p)
    opts = p["export"]
    torch.manual_seed(opts["seed"])
    progress("building the network")
    model, _cfg = create(p["model"])
    weights = "pretrained" if p["model"]["pretrained"] else "random"
    if p["model"].get("checkpoint"):
        load_checkpoint(model, p["model"]["checkpoint"], p["model"]["name"])
        weights = "checkpoint"
    randomized = randomize_batchnorm(model, opts["seed"]) if weights == "random" and opts["randomize_batchnorm"] else 0
    model.eval()
    rec = read_record(p)
    inputs, described = check_inputs(p.get("check_dataset"), rec, opts["check_samples"], opts["seed"])
    out_model = os.path.join(p["work_dir"], "model.onnx")
    with input_shape_named(rec["input_shape"], p["model"]["name"]):  # the first forward passes are in here
        model, reparameterized = fuse_checked(model, p["model"]["reparameterize"], inputs)
        progress("torch.onnx.export")
        torch_export(model, torch.zeros(rec["input_shape"]), out_model, rec, opts)
    try:
        onnx.checker.check_model(out_model)
    except onnx.checker.ValidationError as err:
        raise ZfError(f"onnx.checker rejected the exported model: {err}")
    progress("checking torch vs onnxruntime")
    sess = session(out_model, threads=2)
    with torch.no_grad():
        ref = [model(torch.from_numpy(x)).numpy() for x in inputs]
    check = compare_outputs(ref, [run_one(sess, x) for x in inputs])
    check["inputs"] = described
    return {
        "check": check,
        "weights": weights,
        "randomized_batchnorm_layers": randomized,
        "reparameterized": reparameterized,
        "torch_parameters": int(sum(t.numel() for t in model.parameters())),
        "opset": opts["opset"],
        "outputs": {"model": "model.onnx"},
    }


if __name__ == "__main__":
    run_worker("export", main)
