"""Standings: each entry's counting submission per split, kept up to date as scores arrive.

A leaderboard page is one indexed, ordered query on ``Standing``; a row's rank is its position.
"""

from __future__ import annotations

from django.db import models

from aileague.submissions.models import ScoreSplit


class Standing(models.Model):
    """One row of a stage's leaderboard: the submission that counts for an entry on one split.

    ``missing`` and ``sort_value`` make the database order the one of
    ``aileague.scoring.ranking.rank_rows``: ascending ``(missing, sort_value, submitted_at,
    submission_id)``, where ``sort_value`` is the value negated when higher is better (0 when
    the value is NaN, which ranks last).
    """

    stage = models.ForeignKey(
        "competitions.Stage", on_delete=models.CASCADE, related_name="standings"
    )
    entry = models.ForeignKey("teams.Entry", on_delete=models.CASCADE, related_name="standings")
    # Denormalised from the entry so a page of the board joins one table.
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    split = models.CharField(max_length=10, choices=ScoreSplit.choices)
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="+"
    )
    value = models.FloatField()
    missing = models.BooleanField(default=False)
    sort_value = models.FloatField()
    submitted_at = models.DateTimeField()
    # Scored submissions of the entry in the stage (any scorer version) and the latest one.
    submissions_count = models.PositiveIntegerField(default=0)
    last_submitted_at = models.DateTimeField(null=True, blank=True)
    # The rank last written to the entry's history, so snapshots write only changes.
    recorded_rank = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "entry", "split"], name="one_standing_per_entry_split"
            )
        ]
        indexes = [
            models.Index(
                fields=["stage", "split", "missing", "sort_value", "submitted_at", "submission"],
                name="standing_board_order",
            ),
            # The board's version (see queries.board_version): its newest change, from the index.
            models.Index(fields=["stage", "split", "updated_at"], name="standing_board_version"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} on {self.stage_id}/{self.split}: {self.value:.6g}"


class RankChange(models.Model):
    """An entry's rank on one split at a moment: written when its standing changes and by the
    periodic snapshot when other teams moved it."""

    stage = models.ForeignKey(
        "competitions.Stage", on_delete=models.CASCADE, related_name="rank_changes"
    )
    entry = models.ForeignKey("teams.Entry", on_delete=models.CASCADE, related_name="rank_changes")
    split = models.CharField(max_length=10, choices=ScoreSplit.choices)
    rank = models.PositiveIntegerField()
    value = models.FloatField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["entry", "stage", "split", "at"], name="rank_history_of_entry")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} #{self.rank} on {self.stage_id}/{self.split} at {self.at}"
