"""engine layer (no Qt)."""
