"""Worker: the preprocessing record of a recipe without exporting (mapper-config, import checks)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zf.protocol import ZfError, run_worker  # noqa: E402
from zf.record import preprocessing_record, timm_cfg  # noqa: E402


def main(p):
    src = p["model"]["source"]
    cfg = None
    if "timm" in src:
        cfg = timm_cfg(src["timm"])
        if cfg is None:
            raise ZfError(f"timm has no model named {src['timm']}")
    return {"record": preprocessing_record(p, cfg), "outputs": {}}


if __name__ == "__main__":
    run_worker(main)
