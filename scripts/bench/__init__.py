"""Benchmark of the workflow (make bench): bench.py, measurement helpers, targets table."""
