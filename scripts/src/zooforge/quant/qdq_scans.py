"""Three of ONNX Runtime's QDQ writer's scans, done with less Python. It finds an item by building the list of every
item with that name and taking the first (for a model's initializers the index of initializer_index.py answers),
renames a tensor by visiting every input of every node, and re-checks every initializer of the model each time it adds
some; each build does all three hundreds of times over the whole graph (a third of a ResNeXt50 build once its weights
are remembered, more on larger graphs). These find the same first match, rename the same inputs (skipping, in C, the
nodes that do not read the tensor) and check what ORT's check can refuse (float8 initializers) once per model unless a
float8 one is added."""

import onnx
from onnxruntime.quantization import base_quantizer, onnx_model, qdq_quantizer

from .initializer_index import index_of, indexed_find

# modules that imported find_by_name by name: each calls its own reference
FIND_BY_NAME_USERS = (qdq_quantizer, base_quantizer, onnx_model)


def first_by_name(item_name, item_list):
    """quant_utils.find_by_name: the first item called item_name, or None (from the index for a model's initializers)."""
    indexed, found = indexed_find(item_name, item_list)
    if indexed:
        return found
    return next((item for item in item_list if item.name == item_name), None)


def replace_input_of_all_nodes(self, old_input_name, new_input_name):
    """ONNXModel.replace_input_of_all_nodes: every node input named old_input_name renamed."""
    for node in self.model.graph.node:
        if old_input_name in node.input:
            onnx_model.ONNXModel.replace_node_input(node, old_input_name, new_input_name)


def _float8(tensors) -> bool:
    return any(t.data_type == onnx.TensorProto.FLOAT8E4M3FN for t in tensors)


def initializer_extend(self, inits):
    """ONNXModel.initializer_extend: _check_init only refuses float8 initializers, so the existing ones are checked
    again only while the model holds some (known after one look per model; an added float8 one says so)."""
    if len(inits) == 0:
        raise ValueError("Can add an empty list.")
    if getattr(self, "_zf_holds_float8", True):
        self._zf_holds_float8 = _float8(self.initializer())
        for init in self.initializer():
            self._check_init(init, "gain")
    index = index_of(self)
    for init in inits:
        self._check_init(init)
        index.add(init)
    if _float8(inits):
        self._zf_holds_float8 = True


def patches():
    """(owner, attribute) -> replacement, for the writer's scans."""
    found = {(module, "find_by_name"): first_by_name for module in FIND_BY_NAME_USERS}
    return {
        **found,
        (onnx_model.ONNXModel, "replace_input_of_all_nodes"): replace_input_of_all_nodes,
        (onnx_model.ONNXModel, "initializer_extend"): initializer_extend,
    }
