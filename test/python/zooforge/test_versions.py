"""zooforge.workers.versions: the tool versions a stage's cache key holds, BLAS included."""

import json
import os
import shutil

import pytest
from conftest import run_python

# What torch's process maps for libblas.so.3 once it has run a 1x1 convolution (the call that goes to BLAS).
MAPPED_BLAS = """
import json, os, torch
torch.nn.Conv2d(8, 8, 1)(torch.ones(1, 8, 4, 4))
with open("/proc/self/maps") as maps:
    print(json.dumps(sorted({os.path.dirname(l.split()[-1]) for l in maps if "/libblas.so" in l})))
"""


def test_the_report_names_openblas_and_every_tool():
    versions = json.loads(run_python("-m", "zooforge.workers.versions"))
    # setup.sh installs libopenblas0-openmp: without it this names Debian's reference BLAS and torch runs ~10x slower
    assert versions["blas"].startswith("OpenBLAS 0."), versions["blas"]
    assert {"python", "torch", "numpy", "onnxruntime", "blas"} <= set(versions)


def test_the_named_blas_is_the_one_torch_runs_on():
    (folder,) = json.loads(run_python("-c", MAPPED_BLAS))  # one libblas folder, e.g. .../openblas-openmp
    assert os.path.basename(folder).startswith("openblas"), folder


REFERENCE_BLAS = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"  # Debian 12's libblas3


def test_another_blas_is_named_by_its_folder_and_file_even_where_they_have_spaces(tmp_path):
    if not os.path.exists(REFERENCE_BLAS):
        pytest.skip(f"{REFERENCE_BLAS} (Debian's reference BLAS) is not installed here")
    folder = tmp_path / "the reference blas"
    folder.mkdir(parents=True)
    shutil.copy(REFERENCE_BLAS, folder / "libblas.so.3.11.0")
    (folder / "libblas.so.3").symlink_to("libblas.so.3.11.0")
    script = "from zooforge.workers.versions import blas; print(blas())"
    env = {"LD_LIBRARY_PATH": str(folder)}  # dlopen finds this copy first (its list splits at : and ;)
    assert run_python("-c", script, env=env).strip() == "the reference blas/libblas.so.3.11.0"
