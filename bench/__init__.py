"""Benchmarks: `make bench` prints one JSON line per figure (budgets: docs/architecture.md)."""
