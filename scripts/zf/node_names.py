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
        # `Mul_1` is the exporter's second Mul, not a node hb_mapper made from the first: a suffix is a word
        if candidate in present and not parts[k].isdigit():
            return candidate
    return None


def resolved_settings(q: Dict, graph_names: List[str]) -> "tuple[Dict, List[str]]":
    """quantize settings whose node_info/run_on_cpu names are our graph's: hb_mapper-derived names become the node
    they are made from (what emulate quantizes), unresolved ones are dropped; a warning for each name not exact."""
    warnings: List[str] = []

    def mapped(field: str, names: List[str]) -> Dict[str, str]:
        out = {}
        for row in resolve(names, graph_names):
            if row["status"] == "hb_mapper":
                warnings.append(
                    f"{field} names {row['name']}: hb_mapper's name for the node it makes from {row['node']}; emulated on {row['node']}"
                )
            elif row["status"] == "unresolved":
                near = f" (nearest: {', '.join(row['nearest'])})" if row["nearest"] else ""
                warnings.append(
                    f"{field} names {row['name']}, which is not a node of the exported model{near}: ignored"
                )
            if row["node"] is not None:
                out[row["name"]] = row["node"]
        return out

    info = mapped("node_info", list(q["node_info"]))
    cpu = mapped("run_on_cpu", list(q["run_on_cpu"]))
    node_info = {info[name]: v for name, v in q["node_info"].items() if name in info}
    return {**q, "node_info": node_info, "run_on_cpu": [cpu[n] for n in q["run_on_cpu"] if n in cpu]}, warnings
