"""retrieval metrics (being written)."""
