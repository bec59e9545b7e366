"""Cross-layer equalization (Nagel et al., "Data-Free Quantization"), `quantize.equalize` on the ort backend: for
each Conv -> Relu -> Conv chain, output channel i of the first conv is divided by s_i and input channel i of the
second multiplied by s_i (ReLU(x / s) = ReLU(x) / s for s > 0, so the float model computes the same), with s_i
chosen so both channels' weight ranges become equal: depthwise convolutions, whose channels' ranges differ by orders
of magnitude, then lose far less to per-tensor int8 scales. Applied before calibration: the ranges are measured on
the equalized model."""

from typing import List, Tuple

import numpy as np
import onnx
from onnx import numpy_helper

from .graph_edit import conv_group, editable_copy


def chains(model: onnx.ModelProto) -> List[Tuple[onnx.NodeProto, onnx.NodeProto]]:
    """(first conv, second conv) pairs joined by a Relu, where each link has exactly one consumer and the second conv
    is a plain (group 1) convolution: channel i of the first's output is channel i of the second's input."""
    consumers = {}
    for n in model.graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    outputs = {o.name for o in model.graph.output}
    inits = {i.name for i in model.graph.initializer}
    out = []
    for first in model.graph.node:
        if first.op_type != "Conv" or first.input[1] not in inits or first.output[0] in outputs:
            continue
        relu = consumers.get(first.output[0], [])
        if len(relu) != 1 or relu[0].op_type != "Relu" or relu[0].output[0] in outputs:
            continue
        second = consumers.get(relu[0].output[0], [])
        if (
            len(second) == 1
            and second[0].op_type == "Conv"
            and conv_group(second[0]) == 1
            and second[0].input[0] == relu[0].output[0]
            and second[0].input[1] in inits
        ):
            out.append((first, second[0]))
    return out


def equalize(model: onnx.ModelProto) -> Tuple[onnx.ModelProto, int]:
    """A copy with every chain equalized (each node owning its weights), and how many chains there were."""
    out, inits = editable_copy(model)
    done = 0
    for first, second in chains(out):
        names = [first.input[1], second.input[1]] + (
            [first.input[2]] if len(first.input) > 2 and first.input[2] else []
        )
        if any(n not in inits for n in names):
            continue
        w1, w2 = (
            numpy_helper.to_array(inits[names[0]]).astype(np.float64),
            numpy_helper.to_array(inits[names[1]]).astype(np.float64),
        )
        if w2.shape[1] != w1.shape[0]:
            continue
        r1 = np.abs(w1).reshape(w1.shape[0], -1).max(1)
        r2 = np.abs(w2).transpose(1, 0, *range(2, w2.ndim)).reshape(w2.shape[1], -1).max(1)
        s = np.where((r1 > 0) & (r2 > 0), np.sqrt(r1 / np.maximum(r2, 1e-30)), 1.0)  # r1/s = r2*s
        shape1 = (-1,) + (1,) * (w1.ndim - 1)
        inits[names[0]].CopyFrom(numpy_helper.from_array((w1 / s.reshape(shape1)).astype(np.float32), names[0]))
        inits[names[1]].CopyFrom(
            numpy_helper.from_array((w2 * s.reshape(1, -1, *(1,) * (w2.ndim - 2))).astype(np.float32), names[1])
        )
        if len(names) > 2:
            b = numpy_helper.to_array(inits[names[2]]).astype(np.float64)
            inits[names[2]].CopyFrom(numpy_helper.from_array((b / s).astype(np.float32), names[2]))
        done += 1
    return out, done
