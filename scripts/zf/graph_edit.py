"""What the weight-rewriting passes (bias correction, equalization) share: a copy of the model to edit in place."""
from typing import Dict, Tuple

import onnx


def editable_copy(model: onnx.ModelProto) -> Tuple[onnx.ModelProto, Dict[str, onnx.TensorProto], Dict[str, int]]:
    """A copy of `model`, its initializers by name (edit them in place), and how many node inputs read each tensor
    (a weight read by several nodes must not be rewritten for one of them)."""
    out = onnx.ModelProto()
    out.CopyFrom(model)
    uses: Dict[str, int] = {}
    for n in out.graph.node:
        for i in n.input:
            uses[i] = uses.get(i, 0) + 1
    return out, {i.name: i for i in out.graph.initializer}, uses
