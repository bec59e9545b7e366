"""zooforge/evaluation/paired.py imagenet_names(): timm's ImageNet-1k names read from timm's own files equal timm's ImageNetInfo,
and reading them imports neither timm nor torch."""

import os
import subprocess
import sys

from conftest import PYTHON_ROOT

from zooforge.evaluation.paired import imagenet_names


def test_the_names_equal_timms_imagenet_info():
    from timm.data import ImageNetInfo

    info = ImageNetInfo()
    assert imagenet_names() == [info.index_to_description(i).split(",")[0] for i in range(1000)]


def test_reading_them_imports_neither_timm_nor_torch():
    code = "import sys; from zooforge.evaluation.paired import imagenet_names; imagenet_names(); print('timm' in sys.modules or 'torch' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": PYTHON_ROOT}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "False"
