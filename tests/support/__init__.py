"""Helpers shared by the test suite (fixture generators, an in-memory keyring)."""
