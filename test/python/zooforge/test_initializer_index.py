"""zooforge.quant.initializer_index: the name index answers what ORT's walk of the initializer list answers, through
every way the writer changes the list, and through changes it does not see."""

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper
from onnxruntime.quantization import onnx_model, quant_utils

from zooforge.quant import initializer_index
from zooforge.quant.initializer_index import index_of, indexed_find
from zooforge.quant.qdq_memo import quick_qdq_writer
from zooforge.quant.qdq_scans import first_by_name, initializer_extend

NAMES = ("w", "b", "s", "z", "new", "missing")


def tensor(name: str, value: float = 0.0) -> onnx.TensorProto:
    return numpy_helper.from_array(np.full(2, value, np.float32), name)


def model_with(*inits) -> onnx_model.ONNXModel:
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"], name="r")],
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2])],
        list(inits),
    )
    return onnx_model.ONNXModel(helper.make_model(graph))


def agrees(model: onnx_model.ONNXModel) -> None:
    """Every answer, by name lookup and by find_by_name on the model's list, is the walk's very object."""
    for name in NAMES:
        walked = quant_utils.find_by_name(name, model.model.graph.initializer)
        assert model.get_initializer(name) is walked, name
        assert first_by_name(name, model.initializer()) is walked, name


@pytest.fixture
def patched():
    with quick_qdq_writer():
        yield


def test_the_writer_s_own_changes_keep_it_current(patched):
    model = model_with(tensor("w"), tensor("b"), tensor("w", 1.0))  # a repeated name: the first one is the answer
    agrees(model)
    model.add_initializer(tensor("s"))
    model.add_initializer(tensor("s", 2.0))  # there already: not added
    initializer_extend(model, [tensor("z"), tensor("new")])
    agrees(model)
    assert len(model.model.graph.initializer) == 6
    model.remove_initializer(model.get_initializer("w"))  # the second "w" is now the first
    agrees(model)
    assert numpy_helper.to_array(model.get_initializer("w"))[0] == 1.0
    model.clean_initializers()  # nothing reads them: all go
    agrees(model)
    assert model.get_initializer("b") is None


def test_changes_it_does_not_see_make_it_rebuild(patched):
    model = model_with(tensor("w"), tensor("b"))
    agrees(model)
    model.model.graph.initializer.append(tensor("new"))  # behind the writer's back
    agrees(model)
    del model.model.graph.initializer[0]
    agrees(model)
    model.remove_initializer(model.get_initializer("b"))  # one out through the writer, one in behind its back:
    model.model.graph.initializer.append(tensor("z"))  # the same length as before
    agrees(model)
    model.model = onnx.ModelProto()  # another model under the same ONNXModel
    model.model.graph.initializer.append(tensor("s"))
    agrees(model)


def test_only_a_model_s_own_list_is_indexed():
    model = model_with(tensor("w"))
    other = [tensor("w")]
    index_of(model)
    assert indexed_find("w", model.model.graph.initializer) == (True, model.model.graph.initializer[0])
    assert indexed_find("w", other) == (False, None)
    assert indexed_find("w", model_with(tensor("w")).model.graph.initializer) == (False, None)


def test_the_block_forgets_its_indexes_and_verify_catches_a_stale_one(monkeypatch):
    with quick_qdq_writer():
        model = model_with(tensor("w"))
        model.get_initializer("w")
        assert initializer_index._INDEXES
    assert not initializer_index._INDEXES
    assert onnx_model.ONNXModel.get_initializer is not initializer_index.get_initializer
    monkeypatch.setattr(initializer_index, "VERIFY", True)
    index = index_of(model)
    index.container[0].name = "renamed"  # the one change the length cannot reveal, and ORT never makes
    with pytest.raises(AssertionError, match="out of date"):
        index.find("w")
