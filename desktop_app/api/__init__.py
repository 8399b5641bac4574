"""api layer (no Qt)."""
