"""Writes N random ONNX models into a folder, with every attribute type a node can carry (negative
ints, int lists, floats, strings, tensors, sub-graphs), initializers of several dtypes and Constant nodes of float
and integer types; prints, per file, what onnx's own parser counts under zooforge's definition (initializer elements
+ floating-point Constant elements of the main graph)."""

import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FLOATS = {TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.DOUBLE}
DTYPES = [np.float32, np.float16, np.float64, np.int64, np.int32, np.int8, np.uint8]


def tensor(rng, name, max_dims=3):
    dims = [int(d) for d in rng.integers(1, 5, size=int(rng.integers(0, max_dims + 1)))]
    dtype = DTYPES[int(rng.integers(len(DTYPES)))]
    return numpy_helper.from_array((rng.standard_normal(dims) * 10).astype(dtype), name)


def subgraph(rng, tag):
    out = helper.make_tensor_value_info(f"{tag}_y", TensorProto.FLOAT, [1])
    c = helper.make_node("Constant", [], [f"{tag}_y"], value=numpy_helper.from_array(np.ones(1, np.float32)))
    return helper.make_graph([c], f"g_{tag}", [], [out], initializer=[tensor(rng, f"{tag}_w")])


def model(rng, k):
    inits = [tensor(rng, f"w{i}") for i in range(int(rng.integers(1, 6)))]
    nodes, outputs = [], []
    for i in range(int(rng.integers(1, 6))):
        name = f"c{i}"
        nodes.append(helper.make_node("Constant", [], [name], value=tensor(rng, f"t{i}")))
        outputs.append(name)
    # a custom-domain node carrying every attribute type (custom ops are legal for the checker)
    nodes.append(
        helper.make_node(
            "Everything",
            [outputs[0]],
            ["e"],
            domain="zf.test",
            neg=-int(rng.integers(1, 2**40)),
            ints=[-1, 0, int(rng.integers(-(2**62), 2**62))],
            f=float(rng.standard_normal()),
            fs=[1.5, -2.5],
            s="name: with {odd} chars",
            ss=["a", "ü"],
            t=tensor(rng, "attr_t"),
            ts=[tensor(rng, "attr_t2")],
            g=subgraph(rng, f"a{k}"),
            gs=[subgraph(rng, f"b{k}")],
        )
    )
    outs = [helper.make_tensor_value_info("e", TensorProto.FLOAT, None)]
    graph = helper.make_graph(nodes, f"m{k}", [], outs, initializer=inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("zf.test", 1)])
    return m


def expected(m):
    g = m.graph
    total = sum(int(np.prod(i.dims)) for i in g.initializer)
    for n in g.node:
        if n.op_type == "Constant":
            t = next(a.t for a in n.attribute if a.name == "value")
            if t.data_type in FLOATS:
                total += int(np.prod(t.dims))
    return total


def main(folder, n, seed):
    rng = np.random.default_rng(seed)
    out = {}
    for k in range(n):
        m = model(rng, k)
        path = os.path.join(folder, f"m{k}.onnx")
        onnx.save(m, path)
        out[path] = expected(onnx.load(path))
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
