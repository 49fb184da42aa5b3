"""Celery tasks of leaderboards: thin wrappers over the services."""

from __future__ import annotations

from celery import shared_task

from aileague.leaderboards.services import snapshot_open_stages


@shared_task(ignore_result=True)
def task_snapshot_ranks() -> int:
    """Record the ranks that other teams' submissions moved (periodic; safe to run twice)."""
    return snapshot_open_stages()
