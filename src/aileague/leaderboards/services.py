"""Standings kept up to date as submissions are scored (filled in by the leaderboards work)."""

from __future__ import annotations


def refresh_standing(*, stage, entry_id: int) -> None:
    """Recompute one entry's counting submissions on both splits (called in the scoring
    transaction, after select_final, and by rebuild_stage)."""


def rebuild_stage(stage) -> None:
    """Recompute every entry's standings of ``stage`` (after re-scoring switches versions)."""
