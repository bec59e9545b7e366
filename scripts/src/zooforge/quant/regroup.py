"""Fewer, wider groups for grouped convolutions (emulate host): a conv with g groups of c input channels computes the
same as one with g/k groups of k*c channels whose weights are block-diagonal (zeros outside each original group).
ONNX Runtime's x86 int8 kernels are slow on narrow groups (ResNeXt50's 4 channels per group: 4.3 ms int8 against
1.6 ms fp32, timed alone) and fast on 32-wide ones (1.2 ms), so the extra multiplications by zero pay. The zeros are
exact in int8 too, and a per-channel weight scale is the max over the same non-zero weights: the int8 model
computes the same values, only faster."""

from typing import Dict, List

import numpy as np
import onnx
from onnx import numpy_helper

from .graph_edit import conv_group, editable_copy

# Channels per group tried for a narrow grouped conv (each timed; the fastest is kept).
WIDTHS = (16, 32, 64)


def group_options(node: onnx.NodeProto, weight: np.ndarray) -> List[int]:
    """Group counts a grouped (not depthwise) conv could be rewritten to: divisors of its group count that give
    groups of WIDTHS channels, narrowest first."""
    g = conv_group(node)
    cin = weight.shape[1]  # input channels per group
    if node.op_type != "Conv" or g <= 1 or cin <= 1 or weight.ndim != 4:
        return []
    total = g * cin
    return [total // w for w in WIDTHS if w > cin and total % w == 0 and g % (total // w) == 0]


def widened(weight: np.ndarray, groups: int, new_groups: int) -> np.ndarray:
    """The block-diagonal weight of the same conv with new_groups groups (new_groups divides groups)."""
    cout, cin = weight.shape[:2]
    k = groups // new_groups  # original groups per new group
    out = np.zeros((cout, cin * k) + weight.shape[2:], weight.dtype)
    per_group = cout // groups
    for o in range(cout):
        j = (o // per_group) % k  # where this output channel's original group sits inside its new group
        out[o, j * cin : (j + 1) * cin] = weight[o]
    return out


def regroup(model: onnx.ModelProto, groups: Dict[str, int]) -> onnx.ModelProto:
    """A copy of `model` in which each named Conv has the given group count (its weights widened to match)."""
    if not groups:
        return model
    out, inits = editable_copy(model)
    for node in out.graph.node:
        if node.name not in groups:
            continue
        w = inits[node.input[1]]
        w.CopyFrom(
            numpy_helper.from_array(widened(numpy_helper.to_array(w), conv_group(node), groups[node.name]), w.name)
        )
        next(a for a in node.attribute if a.name == "group").i = groups[node.name]
    return out
