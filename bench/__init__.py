"""Benchmarks: `make bench` prints one JSON line per figure (names and budgets in DESIGN.md)."""
