"""zooforge.workers.versions: the tool versions a stage's cache key holds, BLAS included."""

import json
import os

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
