"""Synthetic demo data: a pure generator (population.py) shared by the database demo and the benchmarks."""
