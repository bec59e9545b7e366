"""Calibration: which samples (selection.py, with its selection manifest), their tensors read one row at a time
(npy_rows.py), activation statistics gathered in one streaming pass (calibrator.py), and hb_mapper's method search
over them (search.py). The calibration and quantize workers (zooforge.workers) are thin drivers of it. This folder is the
zooforge package's `calibration` subpackage (pyproject.toml maps it; scripts/src/zooforge/calibration points here)."""
