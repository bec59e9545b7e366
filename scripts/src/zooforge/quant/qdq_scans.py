"""Two of ONNX Runtime's QDQ writer's scans, done with less Python. It finds an initializer by building the list of
every initializer with that name and taking the first, and renames a tensor by visiting every input of every node;
each build calls both hundreds of times over the whole graph (a third of a ResNeXt50 build once its weights are
remembered). These find the same first match and rename the same inputs, stopping at the first match and skipping
(in C) the nodes that do not read the tensor."""

from onnxruntime.quantization import base_quantizer, onnx_model, qdq_quantizer

# modules that imported find_by_name by name: each calls its own reference
FIND_BY_NAME_USERS = (qdq_quantizer, base_quantizer, onnx_model)


def first_by_name(item_name, item_list):
    """quant_utils.find_by_name: the first item called item_name, or None."""
    return next((item for item in item_list if item.name == item_name), None)


def replace_input_of_all_nodes(self, old_input_name, new_input_name):
    """ONNXModel.replace_input_of_all_nodes: every node input named old_input_name renamed."""
    for node in self.model.graph.node:
        if old_input_name in node.input:
            onnx_model.ONNXModel.replace_node_input(node, old_input_name, new_input_name)


def patches():
    """(owner, attribute) -> replacement, for the writer's scans."""
    found = {(module, "find_by_name"): first_by_name for module in FIND_BY_NAME_USERS}
    return {**found, (onnx_model.ONNXModel, "replace_input_of_all_nodes"): replace_input_of_all_nodes}
