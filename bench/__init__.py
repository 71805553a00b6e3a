"""Benchmarks (never timed inside the test suite). Run with `make bench`."""
