"""``aileague manage rebuild_standings [--stage ID ...]``: recompute standings from the scores."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from aileague.competitions.models import Stage
from aileague.leaderboards.services import rebuild_stage


class Command(BaseCommand):
    help = "Recompute the leaderboard standings of every stage (or of the given stage ids)."

    def add_arguments(self, parser):
        parser.add_argument("--stage", type=int, action="append", help="a stage id (repeatable)")

    def handle(self, *args, stage=None, **options):
        stages = Stage.objects.select_related("scenario").order_by("pk")
        if stage:
            stages = stages.filter(pk__in=stage)
        for item in stages:
            started = time.perf_counter()
            rows = rebuild_stage(item)
            self.stdout.write(
                f"stage {item.pk} ({item}): {rows} standings in "
                f"{time.perf_counter() - started:.2f} s"
            )
