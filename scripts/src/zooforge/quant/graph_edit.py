"""What the passes that rewrite weights share (the QDQ writer, bias correction, equalization): a copy of the model in
which every node owns its initializers, to edit in place."""

import copy
from typing import Dict, Tuple

import onnx


def conv_group(node: onnx.NodeProto) -> int:
    """A Conv's `group` attribute (1 when absent)."""
    return next((a.i for a in node.attribute if a.name == "group"), 1)


def unshared(model: onnx.ModelProto) -> onnx.ModelProto:
    """A copy in which no initializer feeds two node inputs (each later consumer gets its own copy). onnxsim merges
    equal initializers, e.g. the zero biases of a randomly initialised net (ConvNeXt_atto: 40 of its 41 Conv/Gemm).
    Shared, a tensor rewritten or quantized for one node would change under another: after quantizing, a float conv
    then read its bias through a DequantizeLinear and lost ONNX Runtime's NCHWc kernel (EdgeNeXt_xx_small: one
    depthwise conv 0.04 -> 0.61 ms)."""
    out = copy.deepcopy(model)
    inits = {i.name: i for i in out.graph.initializer}
    seen = set()
    for node in out.graph.node:
        for k, name in enumerate(node.input):
            if name not in inits:
                continue
            if name in seen:
                dup = onnx.TensorProto()
                dup.CopyFrom(inits[name])
                dup.name = f"{name}__zf_{node.name}_{k}"
                out.graph.initializer.append(dup)
                node.input[k] = dup.name
            seen.add(name)
    return out


def editable_copy(model: onnx.ModelProto) -> Tuple[onnx.ModelProto, Dict[str, onnx.TensorProto]]:
    """An unshared copy of `model` and its initializers by name: rewriting one for a node changes no other node."""
    out = unshared(model)
    return out, {i.name: i for i in out.graph.initializer}
