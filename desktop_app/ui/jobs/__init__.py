"""The jobs dock: operation forms, the queue, the engine settings dialog."""
