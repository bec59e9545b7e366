"""workers/preprocess.py: the record without torch where the source needs none; a misspelled timm name is named
with timm's nearest one."""

import os
import subprocess
import sys

import pytest
from conftest import PYTHON_ROOT

from zooforge.protocol.worker import ZfError

SPEC = {
    "input": {"name": "data", "output_name": "output", "shape": [1, 1, 28, 28]},
    "preprocess": {"colour": "gray", "mean": [0.286], "std": [0.353]},
}


def test_a_module_source_gets_its_record_without_importing_torch(tmp_path):
    code = (
        "import json, sys; from zooforge.workers.preprocess import main; "
        f"main({{**{SPEC!r}, 'work_dir': {str(tmp_path)!r}, 'model': {{'source': {{'module': 'net.py:f'}}}}}}); "
        "print(json.dumps('torch' in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": PYTHON_ROOT}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip().splitlines()[-1] == "false"
    assert (tmp_path / "preprocess.json").is_file()


def test_a_misspelled_timm_name_is_refused_with_timms_nearest_name(tmp_path):
    from zooforge.workers.preprocess import main

    with pytest.raises(
        ZfError, match=r"timm has no model named mobilone_s0 \(did you mean model.source.timm: mobileone_s0\?\)"
    ):
        main({**SPEC, "work_dir": str(tmp_path), "model": {"source": {"timm": "mobilone_s0"}}})
