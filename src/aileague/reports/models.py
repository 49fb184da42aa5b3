"""What the reports keep between requests: submissions per completed day.

A day that has ended in the league's time zone never gains a submission (``created_at`` is
stamped at upload), so its count is worked out once, the first time a report needs it, and kept
here; only the current day is counted live. See ``aileague.reports.daily``.
"""

from __future__ import annotations

from django.db import models


class DailySubmissionCount(models.Model):
    """Submissions to ``league``'s stages made on ``day`` (a completed day in ``timezone``).

    Days without a submission are kept too (``count=0``), so the counted days form one run
    from the league's first submission to yesterday and the next day to count is the one after
    the last row. A league that changes its time zone is counted again under the new zone.
    """

    league = models.ForeignKey(
        "competitions.League", on_delete=models.CASCADE, related_name="daily_submission_counts"
    )
    timezone = models.CharField(max_length=64)
    day = models.DateField()
    count = models.PositiveIntegerField()
    counted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["league", "timezone", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["league", "timezone", "day"], name="one_submission_count_per_league_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.league_id} {self.day} ({self.timezone}): {self.count}"
