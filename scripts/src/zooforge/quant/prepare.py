"""The float model as the quantizer sees it: ORT pre-processing (shape inference + basic optimizations, so
BatchNorm is folded) and opset >= 13 (per-channel DequantizeLinear needs its axis attribute)."""

import importlib.util
import os
import sys
from pathlib import Path
from typing import Optional, Tuple

import onnx
import onnxruntime
from onnxruntime.quantization.quant_utils import load_model_with_shape_infer
from onnxruntime.quantization.shape_inference import quant_pre_process


def ensure_opset(model: onnx.ModelProto, minimum: int) -> Tuple[onnx.ModelProto, Optional[str]]:
    current = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), minimum)
    if current >= minimum:
        return model, None
    converted = onnx.shape_inference.infer_shapes(onnx.version_converter.convert_version(model, minimum))
    return converted, f"opset {current} -> {minimum} for the int8 model (per-channel QDQ needs 13)"


SYMBOLIC_SHAPE_INFER = "onnxruntime.tools.symbolic_shape_infer"


def load_symbolic_shape_inference() -> None:
    """ORT's symbolic shape inference module, loaded by itself: quant_pre_process imports it through the package
    onnxruntime.tools, whose __init__ imports torch for export helpers we never call (0.8 s of every quantize
    worker). The module imports only numpy, onnx, sympy and packaging; once it is in sys.modules, ORT's own import
    of it finds it there."""
    if SYMBOLIC_SHAPE_INFER in sys.modules:
        return
    path = os.path.join(os.path.dirname(onnxruntime.__file__), "tools", "symbolic_shape_infer.py")
    spec = importlib.util.spec_from_file_location(SYMBOLIC_SHAPE_INFER, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[SYMBOLIC_SHAPE_INFER] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[SYMBOLIC_SHAPE_INFER]  # ORT's own import then tries, and says what is missing
        raise


def prepare(float_model: str, out_path: str) -> Tuple[onnx.ModelProto, Optional[str]]:
    """Writes the prepared model to out_path and returns it (shape-inferred) with a note on any opset change."""
    load_symbolic_shape_inference()
    quant_pre_process(
        float_model, out_path, skip_symbolic_shape=False
    )  # skip_symbolic_shape=True drops the optimized model
    model, note = ensure_opset(load_model_with_shape_infer(Path(out_path)), 13)
    if note:
        onnx.save(model, out_path)
    return model, note
