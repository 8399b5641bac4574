"""jobs layer (no Qt)."""
