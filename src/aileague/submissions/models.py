"""Submissions and their scores. The database is the source of truth for every state."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SCORING = "scoring", _("Scoring")
    SCORED = "scored", _("Scored")
    INVALID = "invalid", _("Invalid")
    FAILED = "failed", _("Scoring failed")


#: States a submission never leaves.
TERMINAL_STATES = frozenset(
    {SubmissionState.SCORED, SubmissionState.INVALID, SubmissionState.FAILED}
)
#: States that count against a team's quota: refused files and our own failures never do.
CHARGED_STATES = frozenset(
    {SubmissionState.QUEUED, SubmissionState.SCORING, SubmissionState.SCORED}
)


def submission_upload_path(instance: Submission, filename: str) -> str:
    return f"submissions/{instance.stage_id}/{instance.entry.team_id}/{instance.uuid}"


class Submission(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey("teams.Entry", on_delete=models.PROTECT, related_name="submissions")
    stage = models.ForeignKey(
        "competitions.Stage", on_delete=models.PROTECT, related_name="submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions"
    )
    file = models.FileField(upload_to=submission_upload_path, max_length=300)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=500, blank=True)
    state = models.CharField(
        max_length=10,
        choices=SubmissionState.choices,
        default=SubmissionState.QUEUED,
        db_index=True,
    )
    # Validation problems (list of dicts with code, message, lines, examples) or a failure log.
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker's lease: a claim counts as attempt ``attempts``, held by ``worker`` until
    # ``lease_expires_at`` (renewed while it scores). The reaper takes back expired leases.
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # Fair queuing: each team's pending submissions take successive rounds, and workers take the
    # lowest round first, so one team's burst waits behind everyone else's next submission.
    queue_round = models.PositiveBigIntegerField(default=0)
    is_final_selection = models.BooleanField(_("selected as final"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["stage", "entry", "state", "created_at"]),
            models.Index(fields=["state", "queue_round", "created_at"], name="submission_queue"),
            models.Index(fields=["state", "lease_expires_at"], name="submission_lease"),
            # How fast the queue moves (the queue places' estimate) looks at recent finishes.
            models.Index(fields=["state", "finished_at"], name="submission_finished"),
        ]

    def __str__(self) -> str:
        return f"submission {self.pk} ({self.state})"

    @property
    def team(self):
        return self.entry.team

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_STATES


class ScoreSplit(models.TextChoices):
    PUBLIC = "public", _("Public (A)")
    PRIVATE = "private", _("Private (B)")


class Score(models.Model):
    """One metric value of one submission on one split, as computed by one scorer version."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="scores")
    split = models.CharField(max_length=10, choices=ScoreSplit.choices)
    value = models.FloatField()
    metric = models.CharField(max_length=40)
    scorer_version = models.CharField(max_length=40)
    signature = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "split", "scorer_version"], name="one_score_per_split_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric}={self.value:.6g} ({self.split})"


class RescoreState(models.TextChoices):
    RUNNING = "running", _("Re-scoring")
    SWITCHED = "switched", _("Switched")
    FAILED = "failed", _("Failed")


class RescoreRun(models.Model):
    """Re-scoring a stage under a new scorer version; the leaderboards switch when it is done.

    The old scores stay (they are of the old version); the stage's ``scorer_version`` moves to
    ``to_version`` in one transaction once every scored submission has a new score.
    """

    stage = models.ForeignKey(
        "competitions.Stage", on_delete=models.CASCADE, related_name="rescore_runs"
    )
    from_version = models.CharField(max_length=40)
    to_version = models.CharField(max_length=40)
    reason = models.CharField(max_length=500, blank=True)
    state = models.CharField(
        max_length=10, choices=RescoreState.choices, default=RescoreState.RUNNING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # Submissions the new reference or metric refused or could not score (the run then fails
    # rather than drop them from the leaderboards): the exact count and a few examples.
    unscorable = models.PositiveIntegerField(default=0)
    unscorable_examples = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage"],
                condition=models.Q(state="running"),
                name="one_running_rescore_per_stage",
            ),
            models.UniqueConstraint(fields=["stage", "to_version"], name="one_rescore_per_version"),
        ]

    def __str__(self) -> str:
        return f"rescore {self.stage_id} {self.from_version}→{self.to_version} ({self.state})"
