"""Benchmarks of the intranet (not tests): run them by hand, read BENCHMARKS.md."""
