"""zooforge.calibration is the project's top-level calibration/ folder (the design card keeps it there). In a
checkout this package is found here, on the one import root, and its modules there; an installed zooforge has them
in place (pyproject.toml maps the package to that folder)."""

import os

__path__ = [
    os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "calibration"))
]
