"""Node counts and op-type histograms of an ONNX graph."""

from collections import Counter
from typing import Dict


def op_histogram(model) -> Dict[str, int]:
    return dict(sorted(Counter(n.op_type for n in model.graph.node).items()))
