"""Where a zoo config's node names (node_info, run_on_cpu) land in the graph zooforge exported (issue 23.1): exactly;
as a node hb_mapper derives from one of ours by rewriting it (`<Div>_mul`: the makertbin logs show the Div it turned
into a Mul); or nowhere, with the nearest names that exist."""

import difflib
from typing import Dict, List


def resolve(wanted: List[str], graph_names: List[str]) -> List[Dict]:
    """One row per wanted name: status exact | hb_mapper | unresolved, the graph node it means, and for an unresolved
    name the three nearest graph names."""
    present = set(graph_names)
    rows = []
    for name in wanted:
        if name in present:
            rows.append({"name": name, "status": "exact", "node": name, "nearest": []})
            continue
        base = _derived_from(name, present)
        if base is not None:
            rows.append({"name": name, "status": "hb_mapper", "node": base, "nearest": []})
            continue
        nearest = difflib.get_close_matches(name, graph_names, n=3, cutoff=0.5)
        rows.append({"name": name, "status": "unresolved", "node": None, "nearest": nearest})
    return rows


def _derived_from(name: str, present: set) -> "str | None":
    """hb_mapper names the nodes it creates after the node they replace plus a suffix (`/m/attn/Div_mul`,
    `/linear/Gemm_transpose_output_reshape`): the longest `_`-prefix of the op part that is one of our nodes."""
    head, _, op = name.rpartition("/")
    parts = op.split("_")
    for k in range(len(parts) - 1, 0, -1):
        candidate = f"{head}/{'_'.join(parts[:k])}"
        if candidate in present:
            return candidate
    return None
