"""Which tensors node_info makes int16 (calibration/scheme.py), read the way hb_mapper's keys name them."""

import numpy as np
import onnx
from onnx import helper, numpy_helper

from zooforge.calibration.scheme import bpu_kept_float, int16_tensors, scheme_for


def model():
    w = numpy_helper.from_array(np.ones((2, 2), np.float32), "w")
    nodes = [
        helper.make_node("MatMul", ["x", "w"], ["a"], name="mm"),
        helper.make_node("Add", ["a", "x"], ["b"], name="add"),
        helper.make_node("Reshape", ["b", "shape"], ["y"], name="reshape"),
    ]
    shape = numpy_helper.from_array(np.array([1, 4], np.int64), "shape")
    g = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [2, 2])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 4])],
        [w, shape],
    )
    return helper.make_model(g)


def test_input_and_output_types_name_all_of_a_nodes_activations_never_its_weights():
    m = model()
    assert int16_tensors(m, {"mm": {"ON": "BPU", "InputType": "int16", "OutputType": "int16"}}) == ["x", "a"]
    assert int16_tensors(m, {"add": {"InputType1": "int16"}}) == ["x"]
    assert int16_tensors(m, {"add": {"OutputType": "int8"}, "nope": {"InputType": "int16"}}) == []
    assert int16_tensors(m, {"mm": {"ON": "CPU", "InputType": "int16"}}) == []  # on the CPU it is float anyway


def test_the_x5_cpu_ops_stay_float_and_the_scheme_follows_emulate():
    m = model()
    assert bpu_kept_float(m) == ["reshape"]
    q = {"emulate": "bpu", "node_info": {"mm": {"OutputType": "int16"}}, "optimization": ["set_all_nodes_int16"]}
    assert scheme_for(q, m) == {
        "emulate": "bpu",
        "activations": "int8",
        "symmetric": True,
        "int16_tensors": ["a"],
        "all_int16": True,
    }
    assert scheme_for({**q, "emulate": "host"}, m)["activations"] == "uint8"


def test_tensors_made_int16_one_by_one_take_their_whole_range_all_int16_keeps_the_methods():
    from zooforge.calibration.scheme import widen_int16

    clipped, full = {"a": (-1.0, 1.0), "b": (0.0, 2.0)}, {"a": (-5.0, 4.0), "b": (0.0, 9.0)}
    one = {"int16_tensors": ["a"], "all_int16": False}
    assert widen_int16(clipped, full, one) == {"a": (-5.0, 4.0), "b": (0.0, 2.0)}
    assert widen_int16(clipped, full, {"int16_tensors": [], "all_int16": True}) == clipped
