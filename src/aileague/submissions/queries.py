"""Reads: quota left, a team's submissions, leaderboards (ranked by scoring.ranking only)."""

from __future__ import annotations

import zoneinfo
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aileague.accounts.queries import can_manage_scenario
from aileague.common.errors import NotFound, PermissionDenied
from aileague.competitions.models import Stage
from aileague.scoring.custom import metric_for_task
from aileague.scoring.metrics import Metric
from aileague.submissions.models import (
    CHARGED_STATES,
    ScoreSplit,
    Submission,
    SubmissionState,
)
from aileague.teams.models import Entry
from aileague.teams.queries import is_member


@dataclass
class QuotaStatus:
    daily_used: int
    daily_left: int
    total_used: int
    total_left: int
    running: int
    running_left: int
    resets_at: datetime

    @property
    def blocked_reason(self) -> str | None:
        if self.total_left <= 0:
            return "total"
        if self.daily_left <= 0:
            return "daily"
        if self.running_left <= 0:
            return "running"
        return None

    def as_dict(self) -> dict:
        data = asdict(self)
        data["resets_at"] = self.resets_at.isoformat()
        return data


def day_window(stage: Stage, now: datetime) -> tuple[datetime, datetime]:
    """Start and end of ``now``'s day in the stage's time zone (where quotas reset)."""
    zone = zoneinfo.ZoneInfo(stage.timezone)
    local = now.astimezone(zone)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def quota_status(*, entry: Entry, stage: Stage, now: datetime | None = None) -> QuotaStatus:
    now = now or timezone.now()
    start, end = day_window(stage, now)
    counts = Submission.objects.filter(
        entry=entry, stage=stage, state__in=CHARGED_STATES
    ).aggregate(
        total=Count("pk"),
        today=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
        running=Count("pk", filter=Q(state__in=[SubmissionState.QUEUED, SubmissionState.SCORING])),
    )
    return QuotaStatus(
        daily_used=counts["today"],
        daily_left=max(0, stage.daily_quota - counts["today"]),
        total_used=counts["total"],
        total_left=max(0, stage.total_quota - counts["total"]),
        running=counts["running"],
        running_left=max(0, stage.max_running - counts["running"]),
        resets_at=end,
    )


def submissions_of_entry(*, entry: Entry, stage: Stage | None = None):
    submissions = Submission.objects.filter(entry=entry).select_related("stage", "submitted_by")
    if stage is not None:
        submissions = submissions.filter(stage=stage)
    return submissions.prefetch_related("scores")


def access_submission(*, submission_id: int | str, user) -> Submission:
    """A submission, for a member of its team or a manager of its scenario."""
    lookup = (
        {"uuid": submission_id}
        if isinstance(submission_id, str) and "-" in submission_id
        else {"pk": submission_id}
    )
    submission = (
        Submission.objects.select_related("entry__team", "stage__scenario__track__league")
        .filter(**lookup)
        .first()
    )
    if submission is None or not (
        is_member(user, submission.entry.team)
        or can_manage_scenario(user, submission.stage.scenario)
    ):
        raise NotFound(_("No such submission."), code="submission_not_found")
    return submission


def visible_scores(submission: Submission, user) -> dict[str, float]:
    """The scores a viewer may see: private ones only after the close, or to managers."""
    stage = submission.stage
    show_private = stage.is_closed() or can_manage_scenario(user, stage.scenario)
    return {
        score.split: score.value
        for score in submission.scores.all()
        if score.scorer_version == stage.scorer_version
        and (score.split == ScoreSplit.PUBLIC or show_private)
    }


def can_see_split(*, stage: Stage, split: str, user) -> bool:
    if split == ScoreSplit.PUBLIC:
        return True
    return stage.is_closed() or can_manage_scenario(user, stage.scenario)


def scenario_metric(scenario) -> Metric:
    """The scenario's metric (name, direction, bounds), built-in or custom; nothing runs."""
    task = scenario.task or {}
    return metric_for_task(task if task.get("metric") else {**task, "metric": scenario.metric})


@dataclass
class LeaderboardRow:
    rank: int
    team_id: int
    team_name: str
    country: str
    province: str
    is_joint: bool
    score: float
    submitted_at: datetime
    submission_id: int
    entries: int
    last_submitted_at: datetime | None = None


def check_board_visible(*, stage: Stage, split: str, user) -> None:
    """Raise unless ``split`` names a board that ``user`` may read now."""
    if split not in ScoreSplit.values:
        raise NotFound(_("Unknown leaderboard split."), code="split_not_found")
    if not can_see_split(stage=stage, split=split, user=user):
        raise PermissionDenied(
            _("The private leaderboard is revealed when the stage closes."),
            code="private_leaderboard_hidden",
        )


def leaderboard_for_stage(*, stage: Stage, split: str, user) -> list[LeaderboardRow]:
    """Each team's counting submission, ranked: the whole board, read from its standings.

    Public (A): the team's best public score. Private (B, after the close): the best private
    score among the team's selected finals or, if it selected none, among its
    ``final_selection_limit`` best public submissions (all of them when the limit is 0).
    The rule is ``aileague.leaderboards.services.counting_submissions``; standings are kept
    up to date by ``refresh_standing`` and ``rebuild_stage``. Pages: ``leaderboard_page``.
    """
    from aileague.leaderboards.queries import leaderboard_rows

    return list(leaderboard_rows(stage=stage, split=split, user=user))
