"""The scoring queue's order: fair across teams and scenarios, kept in the database.

Each accepted submission takes a *round*: the team's next one after its own pending
submissions, and never below the round now at the head of the queue. Workers take the lowest
round first (then the oldest), so a team that sends 100 files at the deadline gets one scored
per round, like every other team, instead of blocking the queue for an hour. Scenarios come
into it when a worker picks: a scenario with fewer submissions being scored right now goes
first, so one slow scenario holds at most its share of the workers while others wait.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from aileague.submissions.models import Submission, SubmissionState

PENDING = (SubmissionState.QUEUED, SubmissionState.SCORING)
#: How far back the queue looks to estimate how fast it moves.
THROUGHPUT_WINDOW = timedelta(minutes=10)
RATE_CACHE_S = 5
_RATE_KEY = "aileague:queue:seconds-per-submission"
_MISSING = object()


def next_round(*, team_id: int) -> int:
    """The round of a submission the team is sending now (called in the accepting
    transaction): one after the team's pending ones, but no earlier than the queue's head."""
    team_last = (
        Submission.objects.filter(state__in=PENDING, entry__team_id=team_id).aggregate(
            last=Max("queue_round")
        )["last"]
        or 0
    )
    head = (
        Submission.objects.filter(state=SubmissionState.QUEUED).aggregate(head=Min("queue_round"))[
            "head"
        ]
        or 0
    )
    return max(head, team_last + 1)


def fair_order(queryset):
    return queryset.order_by("queue_round", "created_at", "pk")


def next_candidate() -> int | None:
    """The id of the submission a free worker should take next, locked for the caller's
    transaction on PostgreSQL (rows other workers are claiming are skipped).

    First the scenarios with nothing being scored, then those with one, and so on; within
    that, the lowest round, then the oldest.
    """
    busy = dict(
        Submission.objects.filter(state=SubmissionState.SCORING)
        .order_by()
        .values("stage__scenario_id")
        .annotate(n=Count("pk"))
        .values_list("stage__scenario_id", "n")
    )
    queued = Submission.objects.filter(state=SubmissionState.QUEUED)
    for level in sorted({0, *busy.values()}):
        too_busy = [scenario for scenario, n in busy.items() if n > level]
        candidates = fair_order(queued.exclude(stage__scenario_id__in=too_busy))
        found = (
            candidates.select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)
            .first()
        )
        if found is not None:
            return found
    return None


@dataclass
class QueuePlace:
    position: int  # 1 = next to be scored
    eta_seconds: float | None  # None when the queue has no history to go by

    @property
    def rounded_eta(self) -> float | None:
        return None if self.eta_seconds is None else round(self.eta_seconds, 1)


def queue_places(submissions: list[Submission], *, now: datetime | None = None) -> dict:
    """Where each queued submission stands and roughly when it will be scored, by id."""
    queued = [s for s in submissions if s.state == SubmissionState.QUEUED]
    if not queued:
        return {}
    seconds_per_submission = _seconds_per_submission(now or timezone.now())
    places = {}
    for submission in queued:
        ahead = Submission.objects.filter(state=SubmissionState.QUEUED).filter(
            Q(queue_round__lt=submission.queue_round)
            | Q(queue_round=submission.queue_round, created_at__lt=submission.created_at)
            | Q(
                queue_round=submission.queue_round,
                created_at=submission.created_at,
                pk__lt=submission.pk,
            )
        )
        position = ahead.count() + 1
        eta = None if seconds_per_submission is None else position * seconds_per_submission
        places[submission.pk] = QueuePlace(position=position, eta_seconds=eta)
    return places


def _seconds_per_submission(now: datetime) -> float | None:
    """Seconds between two finished submissions lately (all workers together), or the
    typical scoring time when too few finished to tell. Computed at most every few seconds:
    every queued team asks for it on each poll."""
    cached = cache.get(_RATE_KEY, _MISSING)
    if cached is not _MISSING:
        return cached
    value = _measure_seconds_per_submission(now)
    cache.set(_RATE_KEY, value, RATE_CACHE_S)
    return value


def _measure_seconds_per_submission(now: datetime) -> float | None:
    since = now - THROUGHPUT_WINDOW
    finished = Submission.objects.filter(
        finished_at__gte=since, started_at__isnull=False, state=SubmissionState.SCORED
    )
    count = finished.count()
    if count >= 5:
        return THROUGHPUT_WINDOW.total_seconds() / count
    recent = (
        Submission.objects.filter(state=SubmissionState.SCORED, started_at__isnull=False)
        .order_by("-finished_at")
        .values_list("started_at", "finished_at")[:50]
    )
    durations = [(end - start).total_seconds() for start, end in recent if end and start]
    if not durations:
        return None
    workers = max(1, Submission.objects.filter(state=SubmissionState.SCORING).count())
    return statistics.median(durations) / workers
