"""The checkout's zooforge.calibration is the top-level calibration/ folder (its __init__ points __path__ there), as
pyproject.toml's package-dir makes it for an install."""

import os

from conftest import ROOT

import zooforge.calibration
import zooforge.calibration.search


def test_calibration_subpackage_is_the_top_level_folder():
    folder = os.path.join(ROOT, "calibration")
    assert zooforge.calibration.__path__ == [folder]
    assert zooforge.calibration.search.__file__ == os.path.join(folder, "search.py")
