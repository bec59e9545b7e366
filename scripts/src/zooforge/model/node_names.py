"""Where a zoo config's node names (node_info, run_on_cpu) land in the graph zooforge exported (issue 23.1).

A name resolves
- exactly;
- as a node hb_mapper derives from one of ours by rewriting it (`<Div>_mul`: the makertbin logs show the Div it
  turned into a Mul);
- translated: the name's module path (torch writes it as the scopes, `/stages.1/blocks/blocks.0/mlp/…`) mapped to
  ours through the model library's own original-checkpoint mapping (timm's `checkpoint_filter_fn`: FastViT's
  `network.4.3.convffn` is `stages.2.blocks.3.mlp`), then the op by its name in that module, or, where the two
  exporters split an op differently (GELU's `Mul_1` here is `Mul`) or name a module timm's mapping skips (a module
  without weights: `activation` is `act`), the only op of that type in the nearest module that exists;
- as onnxsim rewrote it: a node of the export before onnxsim (EdgeNeXt's Linear `…/fc1/MatMul`) that onnxsim fused
  into a node it named itself (`Gemm_61`): the one node that reads the same weights;
- or not at all: with the three nearest names, and whether onnxsim removed it (it is in the exported graph).
"""

import difflib
import re
from typing import Callable, Dict, List, Optional, Tuple

GraphNode = Tuple[str, str, List[str]]  # (name, op_type, the initializers it reads)
Translator = Callable[[str], Optional[str]]


def scope_path(name: str) -> Tuple[str, str]:
    """'/stages.1/blocks/blocks.0/mlp/act/Mul' -> ('stages.1.blocks.0.mlp.act', 'Mul'): the scopes are module names,
    and a container's child repeats the container's name ('blocks', 'blocks.0')."""
    *scopes, op = name.strip("/").split("/")
    path: List[str] = []
    for scope in scopes:
        if path and scope.startswith(path[-1] + "."):
            path[-1] = scope
        else:
            path.append(scope)
    return ".".join(path), op


def op_type_of(op: str) -> str:
    """'Mul_1' -> 'Mul' (the exporter numbers repeated op types within a scope)."""
    return re.sub(r"_\d+$", "", op)


class Graph:
    """Our exported graph's nodes by module path."""

    def __init__(self, nodes: List[GraphNode]):
        self.names = [n[0] for n in nodes]
        self.present = set(self.names)
        self.nodes = [(name, op_type, *scope_path(name)) for name, op_type, _ in nodes]
        self.readers: Dict[str, List[str]] = {}
        for name, _, weights in nodes:
            for w in weights:
                self.readers.setdefault(w, []).append(name)
        self.paths = {path for _, _, path, _ in self.nodes}

    def nearest(self, path: str, op: str) -> List[str]:
        """Our three node names nearest to (module path, op), compared as paths (the scopes repeat names)."""
        by_path = {f"{p}/{o}": name for name, _, p, o in self.nodes}
        return [by_path[k] for k in difflib.get_close_matches(f"{path}/{op}", list(by_path), n=3, cutoff=0.5)]

    def has_module(self, path: str) -> bool:
        return path == "" or any(p == path or p.startswith(path + ".") for p in self.paths)

    def find(self, path: str, op: str) -> Tuple[Optional[str], str]:
        """Our node for (module path, op name): by its name in that module, else the only node of its type in the
        nearest module of ours that contains it. Returns (node or None, how)."""
        for name, _, p, o in self.nodes:
            if p == path and o == op:
                return name, f"module {path}"
        module = path
        while not self.has_module(module):
            module = module.rpartition(".")[0]
        kind = op_type_of(op)
        inside = [
            n for n, t, p, _ in self.nodes if t == kind and (module == "" or p == module or p.startswith(module + "."))
        ]
        where = f"module {module}" if module else "the model"
        if len(inside) == 1:
            return inside[0], f"the only {kind} in {where}"
        return None, f"{len(inside)} {kind} nodes in {where}" if inside else f"no node of type {kind!r} in {where}"


def resolve(
    wanted: List[str],
    graph_nodes: List[GraphNode],
    translator: Callable[[], Optional[Translator]] = lambda: None,
    exported: Callable[[], Dict[str, List[str]]] = dict,
) -> List[Dict]:
    """One row per wanted name: status exact | hb_mapper | translated | unresolved; `node`, the graph node it means
    (what the int8 emulation quantizes); `hb_name`, the name hb_mapper is given for it; `how`, why. `translator` is
    made only if some name needs it (importing a model library takes seconds); so is `exported`, the export before
    onnxsim as node name -> the initializers it reads (reading a second model file)."""
    graph = Graph(graph_nodes)
    the_translator, exported = _once(translator), _once(exported)

    def translate(path: str) -> Optional[str]:
        made = the_translator()
        return made(path) if made else None

    rows = []
    for name in wanted:
        if name in graph.present:
            rows.append(_row(name, "exact", name, name, "in the graph"))
            continue
        base = _derived_from(name, graph.present)
        if base is not None:
            rows.append(_row(name, "hb_mapper", base, name, f"hb_mapper makes it from {base}"))
            continue
        rows.append(_translated(name, graph, translate, exported))
    return rows


def _once(make: Callable):
    """make(), called the first time the result is asked for and never again."""
    made = []

    def get():
        if not made:
            made.append(make())
        return made[0]

    return get


def _row(name, status, node, hb_name, how, nearest=()):
    return {"name": name, "status": status, "node": node, "hb_name": hb_name, "how": how, "nearest": list(nearest)}


def _translated(name: str, graph: Graph, translate: Callable[[str], Optional[str]], exported: Callable) -> Dict:
    path, op = scope_path(name)
    if graph.has_module(path):  # named alike (the same library): the op in that module
        node, how = graph.find(path, op)
        if node is not None:
            return _row(name, "translated", node, node, how)
        if name not in exported():
            return _row(name, "unresolved", None, None, how, graph.nearest(path, op))
    if name in exported():  # our export has it: onnxsim rewrote it
        return _rewritten(name, graph, exported()[name])
    ours = translate(path) or path  # the original's names: through the library's mapping
    node, how = graph.find(ours, op)
    renamed = f"{path} is {ours} here; " if ours != path else ""
    if node is not None:
        return _row(name, "translated", node, node, f"{renamed}{how}")
    return _row(name, "unresolved", None, None, f"{renamed}{how}", graph.nearest(ours, op))


def _rewritten(name: str, graph: Graph, weights: List[str]) -> Dict:
    """A node of the export that onnxsim replaced: the one node of ours that reads its weights."""
    readers = {r for w in weights for r in graph.readers.get(w, [])}
    if len(readers) == 1:
        [node] = readers
        return _row(name, "translated", node, node, f"onnxsim made it part of {node}, which reads its weights")
    why = "onnxsim removed it (it is in the exported graph)"
    return _row(name, "unresolved", None, None, why, graph.nearest(*scope_path(name)))


def _derived_from(name: str, present: set) -> "str | None":
    """hb_mapper names the nodes it creates after the node they replace plus a suffix (`/m/attn/Div_mul`,
    `/linear/Gemm_transpose_output_reshape`): the longest `_`-prefix of the op part that is one of our nodes."""
    head, _, op = name.rpartition("/")
    parts = op.split("_")
    for k in range(len(parts) - 1, 0, -1):
        candidate = f"{head}/{'_'.join(parts[:k])}"
        # `Mul_1` is the exporter's second Mul, not a node hb_mapper made from the first: a suffix is a word
        if candidate in present and not parts[k].isdigit():
            return candidate
    return None
