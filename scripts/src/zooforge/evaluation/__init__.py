"""Evaluation and statistics: one paired float/int8 pass, per-image rows, the metrics' intervals and tests, output
similarity."""
