"""Benchmarks of the matching engine (python -m matchmaker.bench matching | quality)."""
