"""zooforge.quant.prepare: ORT's pre-processing, without the torch import its tools package would add."""

import os
import subprocess
import sys

import numpy as np
import onnx
from conftest import PYTHON_ROOT
from onnx import helper, numpy_helper
from onnxruntime.quantization.shape_inference import quant_pre_process

from zooforge.quant.prepare import prepare


def conv_bn(path) -> str:
    rng = np.random.default_rng(0)
    inits = [
        numpy_helper.from_array(rng.normal(0, 1, (4, 3, 3, 3)).astype(np.float32), "w"),
        *(numpy_helper.from_array(rng.uniform(0.5, 1.5, 4).astype(np.float32), n) for n in ("g", "b", "m", "v")),
    ]
    graph = helper.make_graph(
        [
            helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
            helper.make_node("BatchNormalization", ["c", "g", "b", "m", "v"], ["y"], name="bn"),
        ],
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 4, 8, 8])],
        inits,
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), str(path))
    return str(path)


def test_the_prepared_model_is_ort_s_own_and_torch_is_never_imported(tmp_path):
    source = conv_bn(tmp_path / "model.onnx")
    script = (
        "import sys; from zooforge.quant.prepare import prepare; "
        f"prepare({source!r}, {str(tmp_path / 'ours.onnx')!r}); print('torch' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": PYTHON_ROOT}
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env)
    assert ran.stdout.strip() == "False"
    quant_pre_process(source, str(tmp_path / "theirs.onnx"), skip_symbolic_shape=False)
    assert (tmp_path / "ours.onnx").read_bytes() == (tmp_path / "theirs.onnx").read_bytes()
    model, note = prepare(source, str(tmp_path / "again.onnx"))
    assert note is None and [n.op_type for n in model.graph.node] == ["Conv"]  # BatchNorm folded
