"""The Python package's tests (pytest, run by `npm test`): scripts/ is the package root, as for `python -m workers.X`."""
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path[:0] = [os.path.join(ROOT, "scripts"), ROOT]  # zf and workers; calibration
