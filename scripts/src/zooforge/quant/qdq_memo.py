"""The method search builds one QDQ model per candidate from the same float weights; ONNX Runtime's writer
quantizes every weight again each time (per channel, in Python: most of a build). Inside `quick_qdq_writer`
its two pure weight functions remember their results by argument content, so the 2nd..12th build reuse them, and
initializers are found by name through an index (initializer_index.py). The
files written are byte for byte those of an uncached build (tested). What is computed is computed for all channels of a
weight at once (per_channel.py)."""

import contextlib
import copy
from typing import Any, Callable, Dict

import onnx
from onnxruntime.quantization import qdq_quantizer

from . import initializer_index
from .per_channel import all_channels_at_once, quantized_per_channel
from .qdq_scans import patches as scan_patches


def _copy(tensor: onnx.TensorProto) -> onnx.TensorProto:
    kept = onnx.TensorProto()
    kept.CopyFrom(tensor)
    return kept


def _same_tensor(a: onnx.TensorProto, b: onnx.TensorProto) -> bool:
    """Whether two initializers hold the same bytes, compared inside protobuf (no copy of the data into Python) when
    both keep them in raw_data, as exporters write them; else serialized (typed fields compare 0.0 == -0.0)."""
    if a.HasField("raw_data") and b.HasField("raw_data"):
        return a == b
    return a.SerializeToString() == b.SerializeToString()


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
        key = (settings, tensors)
        if key not in seen or not all(_same_tensor(initializers[n], t) for (n, _), t in zip(read, seen[key][0])):
            seen[key] = ([_copy(initializers[n]) for n, _ in read], calc(self))
        return copy.deepcopy(seen[key][1])  # the writer adjusts some scales in place

    return call


def _remembered_weights(quantize: Callable) -> Callable:
    """quantize_onnx_initializer, remembered by the weight's name, shape and the parameters it is quantized with,
    and reused only when its bytes equal the remembered ones (a comparison, far cheaper than hashing them)."""
    seen: Dict[Any, Any] = {}

    def call(weight, quant_type, zero_point, scale, axis=None, quant_weight_name=None, block_size=0):
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
        if key not in seen or not _same_tensor(weight, seen[key][0]):
            quantized = quantize(weight, quant_type, zero_point, scale, axis, quant_weight_name, block_size)
            seen[key] = (_copy(weight), quantized)
        fresh = onnx.TensorProto()
        fresh.CopyFrom(seen[key][1])
        return fresh

    return call


@contextlib.contextmanager
def quick_qdq_writer():
    """Within the block, ORT's QDQ writer computes each weight's scale/zero point and quantized values once, for all
    channels at once, and scans its graph with less Python (qdq_scans.py)."""
    wrappers = {
        (qdq_quantizer.QDQQuantizer, "_calc_initializer_quant_params"): lambda calc: _remembered_initializer_params(
            all_channels_at_once(calc)
        ),
        (qdq_quantizer, "quantize_onnx_initializer"): lambda quantize: _remembered_weights(
            quantized_per_channel(quantize)
        ),
        **initializer_index.wrappers(),
    }
    replacements = {**scan_patches(), **initializer_index.replacements()}
    originals = {(owner, name): getattr(owner, name) for owner, name in [*wrappers, *replacements]}
    for (owner, name), wrap in wrappers.items():
        setattr(owner, name, wrap(originals[owner, name]))
    for (owner, name), replacement in replacements.items():
        setattr(owner, name, replacement)
    try:
        yield
    finally:
        for (owner, name), fn in originals.items():
            setattr(owner, name, fn)
        initializer_index.forget_all()
