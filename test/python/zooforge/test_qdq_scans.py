"""zooforge.quant.qdq_scans: the same answers as ONNX Runtime's scans they replace."""

import copy

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper
from onnxruntime.quantization import onnx_model, quant_utils

from zooforge.quant.qdq_scans import first_by_name, initializer_extend, replace_input_of_all_nodes


def tensors(*names):
    return [numpy_helper.from_array(np.full(2, k, np.float32), n) for k, n in enumerate(names)]


def test_the_first_item_of_a_name_or_none_as_find_by_name():
    items = tensors("a", "b", "a", "c")  # a duplicate name: the first one is the answer
    for name in ("a", "b", "c", "missing"):
        assert first_by_name(name, items) is quant_utils.find_by_name(name, items)


def model_reading(tensor: str) -> onnx.ModelProto:
    nodes = [
        helper.make_node("Relu", [tensor], ["r"], name="r"),
        helper.make_node("Add", [tensor, tensor], ["s"], name="s"),  # two inputs with the name
        helper.make_node("Add", ["r", "s"], ["y"], name="y"),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info(tensor, onnx.TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2])],
    )
    return helper.make_model(graph)


def test_renaming_a_tensor_renames_every_input_ort_renames():
    ours, theirs = model_reading("x"), model_reading("x")
    replace_input_of_all_nodes(onnx_model.ONNXModel(ours), "x", "x_dq")
    onnx_model.ONNXModel(theirs).replace_input_of_all_nodes("x", "x_dq")
    assert ours.SerializeToString() == theirs.SerializeToString()
    assert [list(n.input) for n in ours.graph.node][:2] == [["x_dq"], ["x_dq", "x_dq"]]


def float8_nan(name: str) -> onnx.TensorProto:
    tensor = onnx.TensorProto(name=name, data_type=onnx.TensorProto.FLOAT8E4M3FN, dims=[1])
    tensor.raw_data = bytes([0x7F])  # a NaN in float8e4m3fn: ORT's check refuses it
    return tensor


def test_adding_initializers_checks_what_ort_checks():
    model = model_reading("x")
    ours, theirs = onnx_model.ONNXModel(copy.deepcopy(model)), onnx_model.ONNXModel(copy.deepcopy(model))
    for batch in (tensors("w1", "w2"), tensors("w3")):
        initializer_extend(ours, batch)
        theirs.initializer_extend(copy.deepcopy(batch))
    assert ours.model.SerializeToString() == theirs.model.SerializeToString()
    with pytest.raises(ValueError, match="empty"):
        initializer_extend(ours, [])
    with pytest.raises(ValueError, match="nan"):  # a new float8 initializer is checked
        initializer_extend(ours, [float8_nan("f8")])
    holding = onnx_model.ONNXModel(copy.deepcopy(model))
    holding.model.graph.initializer.append(float8_nan("held"))
    with pytest.raises(ValueError, match="nan"):  # and one the model already holds, as ORT's "gain" check does
        initializer_extend(holding, tensors("w4"))
