"""Issue 23.1's measurement: for every zoo config with node_info or run_on_cpu, how its node names land in the graph
zooforge exported for that model (exact, hb_mapper-derived, unresolved with the nearest names). Usage, after
`zooforge zoo run <Models> --until simplify --set model.pretrained=false --out DIR`:
    .venv/bin/python scripts/zoo/node_names.py DIR   -> a Markdown table (README) and one line per unresolved name"""

import json
import os
import sys

import onnx
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from zf.node_names import resolve  # noqa: E402


def wanted_names(config_file):
    with open(config_file) as f:
        mp = yaml.safe_load(f).get("model_parameters") or {}
    info = mp.get("node_info") or {}
    info = yaml.safe_load(info) if isinstance(info, str) else info
    cpu = mp.get("run_on_cpu") or []
    cpu = [n for n in cpu.split(";") if n] if isinstance(cpu, str) else cpu
    return list(info) + [n for n in cpu if n not in info]


def simplified_model(run_dir):
    with open(os.path.join(run_dir, "manifest.json")) as f:
        stages = {s["id"]: s for s in json.load(f)["stages"]}
    return os.path.join(run_dir, stages["simplify"]["outputs"]["model"]["path"])


def main(zoo_dir):
    with open(os.path.join(ROOT, "yaml", "zoo", "catalog.json")) as f:
        catalog = {m["model"]: m for m in json.load(f)["models"]}
    print("| model | names | exact | hb_mapper-derived | unresolved |")
    print("|---|---|---|---|---|")
    detail, totals = [], [0, 0, 0, 0]
    for model in sorted(os.listdir(zoo_dir)):
        names = wanted_names(os.path.join(ROOT, "yaml", "zoo", "hb", catalog[model]["config"]))
        graph = [n.name for n in onnx.load(simplified_model(os.path.join(zoo_dir, model, "run"))).graph.node]
        rows = resolve(names, graph)
        count = {s: sum(r["status"] == s for r in rows) for s in ("exact", "hb_mapper", "unresolved")}
        totals = [t + c for t, c in zip(totals, [len(rows), count["exact"], count["hb_mapper"], count["unresolved"]])]
        print(f"| {model} | {len(rows)} | {count['exact']} | {count['hb_mapper']} | {count['unresolved']} |")
        detail += [f"{model}: {r['name']} -> nearest {r['nearest'][:2]}" for r in rows if r["status"] == "unresolved"]
    print(f"| all {len(os.listdir(zoo_dir))} | {totals[0]} | {totals[1]} | {totals[2]} | {totals[3]} |")
    print("\n".join(["", *detail]))


if __name__ == "__main__":
    main(sys.argv[1])
