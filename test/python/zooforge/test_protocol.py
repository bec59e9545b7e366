"""The worker protocol's contract check (zooforge/protocol/worker.py + the generated protocol/contracts/*.json)."""

import json
import os
import subprocess
import sys

import pytest
from conftest import PYTHON_ROOT

from zooforge.protocol.worker import CONTRACTS, ContractError, check_contract


def good_perf_input(tmp_path):
    return {
        "work_dir": str(tmp_path),
        "float_model": "f.onnx",
        "quant_model": "q.onnx",
        "preprocess": "p.json",
        "runs": 5,
        "runtime": "ort",
    }


def test_a_valid_input_passes(tmp_path):
    check_contract("perf", "input", good_perf_input(tmp_path))


def test_a_wrong_field_is_named_by_worker_side_and_path(tmp_path):
    bad = dict(good_perf_input(tmp_path), runs="five")
    with pytest.raises(
        ContractError, match=r"perf worker input does not match its contract: runs: 'five' is not of type 'integer'"
    ):
        check_contract("perf", "input", bad)
    with pytest.raises(ContractError, match=r"perf worker input .*: \(top level\): Additional properties"):
        check_contract("perf", "input", dict(good_perf_input(tmp_path), input_shape=[1, 3, 8, 8]))


def test_the_ort_backend_contract_refuses_a_method_it_cannot_run(tmp_path):
    q = {
        "calibration_type": "skip",
        "per_channel": "auto",
        "search_samples": 16,
        "run_on_cpu": [],
        "node_info": {},
        "float_op_types": None,
        "host_placement": None,
        "emulate": "bpu",
        "optimization": [],
        "equalize": False,
        "host_model": False,
        "host_runtime": "ort",
    }
    with pytest.raises(
        ContractError, match=r"quantize\.calibration_type: 'skip' is not one of \['default', 'kl', 'max'\]"
    ):
        check_contract(
            "quantize",
            "input",
            {
                "work_dir": str(tmp_path),
                "model": "m",
                "calibration": "c",
                "preprocess": "p",
                "input_type_rt": None,
                "quantize": q,
            },
        )


def test_every_worker_module_named_by_a_contract_exists_and_every_worker_names_its_contract():
    for name in sorted(os.listdir(CONTRACTS)):
        if name == "protocol.json":
            continue
        module = json.load(open(os.path.join(CONTRACTS, name)))["module"]
        path = os.path.join(PYTHON_ROOT, *module.split(".")) + ".py"
        assert os.path.exists(path), f"{name} names {module}, which does not exist"
        assert f'run_worker("{name[:-5]}", main)' in open(path).read(), (
            f"{module} does not run under contract {name[:-5]}"
        )


def test_a_worker_run_with_a_bad_input_exits_1_with_one_clear_line(tmp_path):
    inp = tmp_path / "in.json"
    inp.write_text(json.dumps(dict(good_perf_input(tmp_path), runs=-1.5)))
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "zooforge.workers.perf",
            "--input-json",
            str(inp),
            "--output-json",
            str(tmp_path / "out.json"),
        ],
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=PYTHON_ROOT),
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1
    assert (
        r.stderr.strip().splitlines()[-1].startswith("zooforge: perf worker input does not match its contract: runs:")
    )
    assert not (tmp_path / "out.json").exists()
