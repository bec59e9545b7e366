"""The method search builds one QDQ model per candidate from the same float weights; ONNX Runtime's writer
quantizes every weight again each time (per channel, in Python: most of a build). Inside `reused_weight_quantization`
its two pure weight functions remember their results by argument content, so the 2nd..12th build reuse them. The
files written are byte for byte those of an uncached build (tested)."""

import contextlib
import copy
from typing import Any, Callable, Dict

import onnx
from onnxruntime.quantization import qdq_quantizer


def _remembered_initializer_params(calc: Callable) -> Callable:
    """QDQQuantizer._calc_initializer_quant_params (every weight's scale and zero point, per channel in a Python
    loop: about half of a build), remembered by what it reads: the quantizer's settings, the initializers it
    quantizes (name, role, axis, type, shape) and their bytes, which must equal the remembered ones."""
    seen: Dict[Any, Any] = {}

    def call(self):
        initializers = {i.name: i for i in self.model.initializer()}
        read = [(n, info) for n, info in self.tensors_to_quantize.items() if n in initializers]
        # an initializer that is not a weight (an elementwise op's constant) is quantized as an activation
        as_activation = any(info.tensor_type is not qdq_quantizer.QDQQuantTensorType.WEIGHT for _, info in read)
        settings = (
            self.weight_qType,
            self._is_weight_symmetric,
            (self.activation_qType, self.is_activation_symmetric) if as_activation else None,
            self.reduce_range,
            self.min_real_range,
            self.block_size,
            repr(self.tensor_quant_overrides.overrides),
        )
        tensors = tuple(
            (n, info.tensor_type, info.axis, initializers[n].data_type, tuple(initializers[n].dims)) for n, info in read
        )
        contents = [initializers[n].raw_data or initializers[n].SerializeToString() for n, _ in read]
        key = (settings, tensors)
        if key not in seen or seen[key][0] != contents:
            seen[key] = (contents, calc(self))
        return copy.deepcopy(seen[key][1])  # the writer adjusts some scales in place

    return call


def _remembered_weights(quantize: Callable) -> Callable:
    """quantize_onnx_initializer, remembered by the weight's name, shape and the parameters it is quantized with,
    and reused only when its bytes equal the remembered ones (a comparison, far cheaper than hashing them)."""
    seen: Dict[Any, Any] = {}

    def call(weight, quant_type, zero_point, scale, axis=None, quant_weight_name=None, block_size=0):
        content = weight.raw_data or weight.SerializeToString()  # exporters write raw_data; else the whole proto
        key = (
            weight.name,
            weight.data_type,
            tuple(weight.dims),
            quant_type,
            zero_point.tobytes(),
            scale.tobytes(),
            scale.dtype.char,
            axis,
            quant_weight_name,
            block_size,
        )
        if key not in seen or seen[key][0] != content:
            seen[key] = (content, quantize(weight, quant_type, zero_point, scale, axis, quant_weight_name, block_size))
        fresh = onnx.TensorProto()
        fresh.CopyFrom(seen[key][1])
        return fresh

    return call


@contextlib.contextmanager
def reused_weight_quantization():
    """Within the block, ORT's QDQ writer computes each weight's scale/zero point and quantized values once."""
    patches = {
        (qdq_quantizer.QDQQuantizer, "_calc_initializer_quant_params"): _remembered_initializer_params,
        (qdq_quantizer, "quantize_onnx_initializer"): _remembered_weights,
    }
    originals = {(owner, name): getattr(owner, name) for owner, name in patches}
    for (owner, name), remembered in patches.items():
        setattr(owner, name, remembered(originals[owner, name]))
    try:
        yield
    finally:
        for (owner, name), fn in originals.items():
            setattr(owner, name, fn)
