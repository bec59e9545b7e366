"""Shared helpers for zooforge's Python workers (JSON protocol, datasets, preprocessing)."""
