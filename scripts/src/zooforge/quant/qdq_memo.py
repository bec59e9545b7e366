"""The method search builds one QDQ model per candidate from the same float weights; ONNX Runtime's writer
quantizes every weight again each time (per channel, in Python: most of a build). Inside `reused_weight_quantization`
its two pure weight functions remember their results by argument content, so the 2nd..12th build reuse them. The
files written are byte for byte those of an uncached build (tested)."""

import contextlib
import hashlib
from typing import Any, Callable, Dict

import numpy as np
import onnx
from onnxruntime.quantization import qdq_quantizer


def _remembered_params(compute: Callable) -> Callable:
    """compute_data_quant_params, remembered: it runs once per channel of every weight (17,000 calls per ResNeXt50
    build), so its key is the raw bytes and the plain arguments, nothing slower."""
    seen: Dict[Any, Any] = {}

    def call(
        data, quant_type, symmetric, reduce_range=False, min_real_range=None, rmin_override=None, rmax_override=None
    ):
        key = (
            data.tobytes(),
            data.dtype.char,
            quant_type,
            symmetric,
            reduce_range,
            min_real_range,
            rmin_override,
            rmax_override,
        )
        if key not in seen:
            seen[key] = compute(data, quant_type, symmetric, reduce_range, min_real_range, rmin_override, rmax_override)
        return tuple(np.copy(a) for a in seen[key])

    return call


def _remembered_weights(quantize: Callable) -> Callable:
    """quantize_onnx_initializer, remembered by the weight's content and the parameters it is quantized with."""
    seen: Dict[Any, Any] = {}

    def call(weight, quant_type, zero_point, scale, axis=None, quant_weight_name=None, block_size=0):
        content = hashlib.blake2b(weight.SerializeToString(), digest_size=16).digest()
        key = (
            content,
            quant_type,
            zero_point.tobytes(),
            scale.tobytes(),
            scale.dtype.char,
            axis,
            quant_weight_name,
            block_size,
        )
        if key not in seen:
            seen[key] = quantize(weight, quant_type, zero_point, scale, axis, quant_weight_name, block_size)
        fresh = onnx.TensorProto()
        fresh.CopyFrom(seen[key])
        return fresh

    return call


@contextlib.contextmanager
def reused_weight_quantization():
    """Within the block, ORT's QDQ writer computes each weight's scale/zero point and quantized values once."""
    names = ("compute_data_quant_params", "quantize_onnx_initializer")
    originals = {n: getattr(qdq_quantizer, n) for n in names}
    qdq_quantizer.compute_data_quant_params = _remembered_params(originals["compute_data_quant_params"])
    qdq_quantizer.quantize_onnx_initializer = _remembered_weights(originals["quantize_onnx_initializer"])
    try:
        yield
    finally:
        for n, fn in originals.items():
            setattr(qdq_quantizer, n, fn)
