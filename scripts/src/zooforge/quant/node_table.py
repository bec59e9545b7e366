"""hb_mapper-style per-node table: each node's output, float vs quantized (fake-quant, cumulative error),
cosine over the first calibration samples."""

from typing import Dict, List, Tuple

import numpy as np
import onnx

from zooforge.evaluation.checks import cosine
from zooforge.runtime.ort_session import session

from .qdq import with_outputs


def node_table(
    float_model: onnx.ModelProto,
    qdq_model: onnx.ModelProto,
    inputs: List[np.ndarray],
    ranges: Dict[str, Tuple[float, float]],
    excluded: List[str],
    dtype: str = "uint8",
    int16=(),
) -> List[Dict]:
    """dtype: the activations' integer type (the scheme's); int16: tensors written as int16."""
    qdq_tensors = {t for n in qdq_model.graph.node for t in n.output}
    quantized = {n.input[0] for n in qdq_model.graph.node if n.op_type == "QuantizeLinear"}
    pairs = []  # (node, float tensor, quantized-model tensor)
    for node in float_model.graph.node:
        for out in node.output[:1]:
            for cand in (out + "_DequantizeLinear_Output", out):
                if cand in qdq_tensors:
                    pairs.append((node, out, cand))
                    break
    fsess = session(with_outputs(float_model, [p[1] for p in pairs]), threads=2, optimize=False)
    qsess = session(with_outputs(qdq_model, [p[2] for p in pairs]), threads=2, optimize=False)
    fname, qname = fsess.get_inputs()[0].name, qsess.get_inputs()[0].name
    sims = np.zeros(len(pairs))
    for x in inputs:  # one sample's activations at a time
        fo = dict(zip([o.name for o in fsess.get_outputs()], fsess.run(None, {fname: x})))
        qo = dict(zip([o.name for o in qsess.get_outputs()], qsess.run(None, {qname: x})))
        sims += [cosine(fo[f], qo[q]) for _, f, q in pairs]
    sims /= max(len(inputs), 1)
    rows = []
    for (node, f, _), sim in zip(pairs, sims):
        lo, hi = ranges.get(f, (None, None))
        rows.append(
            {
                "node": node.name or f,
                "tensor": f,
                "type": node.op_type,
                "cosine": float(sim),
                "threshold": None if lo is None else float(max(abs(lo), abs(hi))),
                "dtype": "float"
                if node.name in excluded or not ({f, f + "_QuantizeLinear_Input"} & quantized)
                else "int16"
                if f in int16
                else dtype,
            }
        )
    return rows
