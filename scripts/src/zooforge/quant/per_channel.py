"""Per-channel weight quantization for all channels at once. ONNX Runtime's QDQ writer computes each weight's
per-channel scales and quantized values channel by channel in Python (ResNeXt50: 35,166 channels, 2.8 s of the method
search's first builds). These do the same arithmetic, in the same dtypes, on every channel in one numpy pass: the
parameters and bytes are those of ORT's loops (tested against them, test_per_channel.py). Anything else (overrides,
blocks, float8/4-bit types, non-float32 weights, non-finite values) is left to ORT's own code."""

from typing import Callable, Optional, Tuple

import numpy as np
import onnx
from onnxruntime.quantization import qdq_quantizer, quant_utils
from onnxruntime.quantization.base_quantizer import QuantizationParams

_INTEGER_TYPES = (onnx.TensorProto.INT8, onnx.TensorProto.UINT8, onnx.TensorProto.INT16, onnx.TensorProto.UINT16)


def channel_scale_zero_point(
    rmin: np.ndarray, rmax: np.ndarray, qmin: np.ndarray, qmax: np.ndarray, symmetric: bool, min_real_range=None
) -> Tuple[np.ndarray, np.ndarray]:
    """quant_utils.compute_scale_zp with one (rmin, rmax) per channel (float32 arrays): (zero points, scales)."""
    rmin = np.minimum(rmin, np.array(0, dtype=rmin.dtype))
    rmax = np.maximum(rmax, np.array(0, dtype=rmax.dtype))
    if min_real_range is not None:
        rmax = np.maximum(rmax, rmin + np.asarray(min_real_range, dtype=rmin.dtype))
    if symmetric:
        absmax = np.maximum(np.abs(rmin), np.abs(rmax))
        rmin, rmax = -absmax, +absmax
    scale = (rmax.astype(np.float64) - rmin.astype(np.float64)) / (
        np.array(qmax, dtype=np.float64) - np.array(qmin, dtype=np.float64)
    )
    unusable = scale < np.finfo(rmax.dtype).tiny  # ORT's fallback: scale 1, zero point 0
    if symmetric:
        zero_point = np.full(scale.shape, np.round((qmin + qmax) / np.array(2.0, dtype=np.float64)), qmin.dtype)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):  # only where `unusable`, replaced below
            zero_point = np.round(qmin - rmin / scale).astype(qmin.dtype)
    zero_point = np.where(unusable, np.array(0, dtype=qmin.dtype), zero_point)
    scale = np.where(unusable, np.array(1.0, dtype=rmax.dtype), scale.astype(rmax.dtype))
    return zero_point, scale


def _channels_first(data: np.ndarray, axis: int) -> np.ndarray:
    return np.moveaxis(data, axis, 0).reshape(data.shape[axis], -1)


def weight_params(quantizer, name: str, info, initializer) -> Optional[QuantizationParams]:
    """The per-channel parameters ORT's _calc_initializer_quant_params computes for one weight, or None when it is
    not the plain case this module covers (then ORT's own code computes them)."""
    if name in quantizer.tensor_quant_overrides or quantizer.block_size > 0:
        return None
    if info.tensor_type is not qdq_quantizer.QDQQuantTensorType.WEIGHT or info.axis is None:
        return None
    data = quant_utils.tensor_proto_to_array(initializer)
    valid, axis = quant_utils.normalize_axis(info.axis, data.ndim)
    if not valid or data.dtype != np.float32 or quantizer.weight_qType not in _INTEGER_TYPES or data.size == 0:
        return None
    channels = _channels_first(data, axis)
    if not np.isfinite(channels).all():
        return None
    qmin, qmax = quant_utils.get_qmin_qmax_for_qType(quantizer.weight_qType, quantizer.reduce_range, symmetric=True)
    zero_point, scale = channel_scale_zero_point(
        channels.min(axis=1), channels.max(axis=1), qmin, qmax, True, quantizer.min_real_range
    )
    return QuantizationParams(zero_point=zero_point, scale=scale, quant_type=quantizer.weight_qType, axis=axis)


def all_channels_at_once(calc: Callable) -> Callable:
    """QDQQuantizer._calc_initializer_quant_params with the plain per-channel weights computed by weight_params;
    the rest by ORT's method, on a quantizer that sees only them. The result keeps ORT's order."""

    def call(self):
        initializers = {i.name: i for i in self.model.initializer()}
        fast = {}
        for name, info in self.tensors_to_quantize.items():
            if name in initializers:
                params = weight_params(self, name, info, initializers[name])
                if params is not None:
                    fast[name] = params
        everything = self.tensors_to_quantize
        self.tensors_to_quantize = {n: i for n, i in everything.items() if n not in fast}
        try:
            rest = calc(self)
        finally:
            self.tensors_to_quantize = everything
        return {n: fast.get(n, rest.get(n)) for n in everything if n in fast or n in rest}

    return call


def quantized_per_channel(quantize: Callable) -> Callable:
    """quant_utils.quantize_onnx_initializer with a plain per-channel weight quantized in one pass (quantize_nparray
    with the scales and zero points broadcast along the axis instead of called per channel)."""

    def call(weight, quant_type, zero_point, scale, axis=None, quant_weight_name=None, block_size=0):
        data = quant_utils.tensor_proto_to_array(weight)
        if axis is None or block_size > 0 or quant_type not in _INTEGER_TYPES or data.dtype != np.float32:
            return quantize(weight, quant_type, zero_point, scale, axis, quant_weight_name, block_size)
        along = [1] * data.ndim
        along[axis] = data.shape[axis]
        q = quant_utils.quantize_nparray(quant_type, data, scale.reshape(along), zero_point.reshape(along))
        q = np.asarray(q, dtype=onnx.helper.tensor_dtype_to_np_dtype(quant_type)).reshape(weight.dims)
        name = quant_weight_name or f"{weight.name}{quant_utils.TENSOR_NAME_QUANT_SUFFIX}"
        return onnx.numpy_helper.from_array(q, name)

    return call
