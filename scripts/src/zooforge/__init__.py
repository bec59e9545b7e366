"""zooforge's Python side: one package, one import root (scripts/src), subpackages by concern.

Dependency direction (test/unit/python/import-direction.test.ts checks it): protocol at the bottom; data, model and
runtime on it; evaluation on those; quant on runtime and evaluation; calibration (the project's top-level
calibration/ folder) on all of them; workers, one entry point per stage, on everything, and nothing imports workers.
"""
