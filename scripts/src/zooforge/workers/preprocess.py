"""Worker: the one preprocessing record (input name/shape, resize, crop, interpolation, mean/std, colour), from the
recipe, else timm's pretrained_cfg, else the ONNX file's own input, else plain defaults. Every stage that feeds the
model pixels reads this record, and nothing else, for how to do it."""

import os

from zooforge.data.record import preprocessing_record, timm_cfg, torchvision_cfg
from zooforge.protocol.worker import ZfError, run_worker, warn, write_json


def onnx_io(path):
    """Input name, shape (dynamic dims as 1) and output name of an ONNX file, without loading its weights."""
    import onnx

    try:
        model = onnx.load(path, load_external_data=False)
    except Exception as err:  # the user's file, named
        raise ZfError(f"cannot load {path}: {type(err).__name__}: {str(err)[:200]}")
    inits = {i.name for i in model.graph.initializer}
    first = next(i for i in model.graph.input if i.name not in inits)
    return first.name, [d.dim_value or 1 for d in first.type.tensor_type.shape.dim], model.graph.output[0].name


def main(p):
    src, spec = p["model"]["source"], p
    cfg = None
    if "timm" in src:
        cfg = timm_cfg(src["timm"])
        if cfg is None:
            from zooforge.model.build_model import timm_hint  # imports torch: only for this message

            raise ZfError(f"timm has no model named {src['timm']}{timm_hint(src['timm'])}")
    if "torchvision" in src:
        cfg = torchvision_cfg(src["torchvision"])
    if "onnx" in src and p["model"].get("onnx_file"):
        name, dims, output = onnx_io(p["model"]["onnx_file"])
        spec = dict(
            p, input={**p["input"], "name": name, "output_name": output, "shape": p["input"].get("shape") or dims}
        )
    record = preprocessing_record(spec, cfg)
    if "default" in record["source"]:
        warn(
            f"preprocessing: the model has no preprocessing config and the recipe sets no preprocess.mean/std: using {record['source']}; "
            "set preprocess.mean/std (and crop_pct, interpolation) to the values the model was trained with"
        )
    write_json(os.path.join(p["work_dir"], "preprocess.json"), record)
    return {"record": record, "outputs": {"record": "preprocess.json"}}


if __name__ == "__main__":
    run_worker("preprocess", main)
