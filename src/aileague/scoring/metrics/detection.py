"""detection metrics (being written)."""
