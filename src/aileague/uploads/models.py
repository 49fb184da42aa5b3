"""uploads models."""
