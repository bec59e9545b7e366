"""Issue 23.1's measurement: for every zoo config with node_info or run_on_cpu, how the node_names stage resolved its
names in the graph zooforge exported (exact, hb_mapper's own, translated, unresolved with why). Usage, after
`zooforge zoo run <Models> --until node_names --set model.pretrained=false --set quantize.unresolved_nodes=drop
--out DIR`:
    .venv/bin/python scripts/zoo/node_names.py DIR   -> a Markdown table (README) and one line per name not exact"""

import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
with open(os.path.join(ROOT, "scripts", "src", "zooforge", "protocol", "contracts", "node_names.json")) as f:
    # the statuses as the worker's contract lists them (generated from pipeline/contracts/workers.ts NodeNameStatus)
    STATUSES = json.load(f)["output"]["properties"]["rows"]["items"]["properties"]["status"]["enum"]


def resolution(run_dir):
    with open(os.path.join(run_dir, "manifest.json")) as f:
        stages = {s["id"]: s for s in json.load(f)["stages"]}
    return stages["node_names"]["data"]["rows"]


def main(zoo_dir):
    print("| model | names | exact | hb_mapper's own | translated | unresolved |")
    print("|---|---|---|---|---|---|")
    detail, totals = [], [0] * 5
    models = sorted(m for m in os.listdir(zoo_dir) if os.path.isdir(os.path.join(zoo_dir, m, "run")))
    for model in models:
        rows = resolution(os.path.join(zoo_dir, model, "run"))
        counts = [len(rows), *(sum(r["status"] == s for r in rows) for s in STATUSES)]
        totals = [t + c for t, c in zip(totals, counts)]
        print(f"| {model} | " + " | ".join(map(str, counts)) + " |")
        detail += [
            f"{model}: {r['name']} -> {r['node']} ({r['status']}: {r['how']})" for r in rows if r["status"] != "exact"
        ]
    print(f"| all {len(models)} | " + " | ".join(map(str, totals)) + " |")
    print("\n".join(["", *detail]))


if __name__ == "__main__":
    main(sys.argv[1])
