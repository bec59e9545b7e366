"""Worker: where the recipe's node names (quantize.node_info, run_on_cpu: in a zoo config, the names of the zoo's own
export) land in the graph zooforge exported: one row per name (zooforge/model/node_names.py says how each is resolved)."""

import os

import onnx

from zooforge.model.node_names import resolve
from zooforge.protocol.worker import progress, run_worker, write_json


def graph_nodes(path):
    """(name, op type, the initializers it reads) for each node."""
    graph = onnx.load(path, load_external_data=False).graph
    weights = {t.name for t in graph.initializer}
    return [(n.name, n.op_type, [i for i in n.input if i in weights]) for n in graph.node]


def translator(timm_arch):
    """The library's mapping of original names, made only when a name needs it (importing timm takes seconds)."""

    def make():
        if not timm_arch:
            return None
        progress(f"translating names through timm's mapping for {timm_arch}")
        from zooforge.model.timm_names import timm_translator

        return timm_translator(timm_arch)

    return make


def main(p):
    wanted = list(dict.fromkeys([*p["node_info"], *p["run_on_cpu"]]))

    def exported():  # read only if a name is not in the simplified graph
        return {name: w for name, _, w in graph_nodes(p["exported"])} if p["exported"] != p["model"] else {}

    rows = resolve(wanted, graph_nodes(p["model"]), translator(p["timm"]), exported)
    write_json(os.path.join(p["work_dir"], "node_names.json"), rows)
    return {"rows": rows, "outputs": {"resolved": "node_names.json"}}


if __name__ == "__main__":
    run_worker("node_names", main)
