"""Benchmarks: ``./dev bench`` runs every ``bench_*.py`` here (not part of the test suite)."""
