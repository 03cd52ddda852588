"""Benchmark scripts for minikeras (not tests; run `python benchmarks/run.py`)."""
