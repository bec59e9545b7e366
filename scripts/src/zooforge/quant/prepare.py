"""The float model as the quantizer sees it: ORT pre-processing (shape inference + basic optimizations, so
BatchNorm is folded) and opset >= 13 (per-channel DequantizeLinear needs its axis attribute)."""

from pathlib import Path
from typing import Optional, Tuple

import onnx
from onnxruntime.quantization.quant_utils import load_model_with_shape_infer
from onnxruntime.quantization.shape_inference import quant_pre_process

from zooforge.protocol.lean_import import import_skipping_init


def ensure_opset(model: onnx.ModelProto, minimum: int) -> Tuple[onnx.ModelProto, Optional[str]]:
    current = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), minimum)
    if current >= minimum:
        return model, None
    converted = onnx.shape_inference.infer_shapes(onnx.version_converter.convert_version(model, minimum))
    return converted, f"opset {current} -> {minimum} for the int8 model (per-channel QDQ needs 13)"


def prepare(float_model: str, out_path: str) -> Tuple[onnx.ModelProto, Optional[str]]:
    """Writes the prepared model to out_path and returns it (shape-inferred) with a note on any opset change."""
    # quant_pre_process imports ORT's symbolic shape inference through onnxruntime.tools, whose __init__ imports torch
    # for export helpers we never call (0.8 s of every quantize worker); loaded alone, ORT's own import finds it
    import_skipping_init("onnxruntime.tools", "symbolic_shape_infer")
    quant_pre_process(
        float_model, out_path, skip_symbolic_shape=False
    )  # skip_symbolic_shape=True drops the optimized model
    model, note = ensure_opset(load_model_with_shape_infer(Path(out_path)), 13)
    if note:
        onnx.save(model, out_path)
    return model, note
