"""Signal processing behind the local engine's operations (numpy, scipy, pedalboard)."""
