"""Benchmarks: `.venv/bin/python -m benchmarks.run` (see benchmarks/run.py)."""
