"""Submissions per day in the league's time zone, without counting a whole season per request.

A season is about 500,000 submissions, and grouping them all by day takes about half a second on
SQLite. Completed days never change (``created_at`` is stamped at upload and the platform never
deletes a submission: entries and stages protect theirs), so each completed day is counted once,
the first time a report asks, and kept in ``DailySubmissionCount``; after that a request counts
only the days it has not seen (normally none) and today, each with one range query on the
``created_at`` index.

A submission deleted by hand, or back-dated by a seed, after its day was counted is not seen:
call ``forget_submission_counts`` (the seeding commands do) and the days are counted again.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import CharField, Count, F, Func, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from aileague.competitions.models import League, Stage
from aileague.reports.models import DailySubmissionCount
from aileague.submissions.models import Submission


def submissions_by_day(
    *, league: League, now: dt.datetime | None = None
) -> list[tuple[dt.date, int]]:
    """(day, submissions) for every day with a submission, oldest first, up to and including
    today (``now``'s date in the league's zone; today's count is live).

    Counts the completed days not yet kept and keeps them; ``DailySubmissionCount`` rows are a
    cache of the database's own answer, not a state change, so no audit entry is written.
    """
    zone = ZoneInfo(league.timezone)
    today = (now or timezone.now()).astimezone(zone).date()
    kept = list(
        DailySubmissionCount.objects.filter(league=league, timezone=league.timezone, day__lt=today)
        .order_by("day")
        .values_list("day", "count")
    )
    since = kept[-1][0] + dt.timedelta(days=1) if kept else None
    if since is None or since < today:
        kept += _keep(league, zone, since, today)
    live = _count_by_day(league, zone, start=_midnight(today, zone), end=None)
    days = [(day, n) for day, n in kept if n]
    return days + [(today, n) for day, n in live.items() if day == today and n]


def forget_submission_counts(*, league: League) -> int:
    """Drop ``league``'s kept daily counts (they are counted again when next needed); returns
    how many days were dropped. For seeds that add past submissions, and for hand repairs."""
    deleted, _by_model = DailySubmissionCount.objects.filter(league=league).delete()
    return deleted


def _keep(
    league: League, zone: ZoneInfo, since: dt.date | None, today: dt.date
) -> list[tuple[dt.date, int]]:
    """Count the completed days from ``since`` (or the league's first submission) to yesterday
    in one grouped query, store them (zeros included) and return them."""
    counted = _count_by_day(
        league,
        zone,
        start=_midnight(since, zone) if since else None,
        end=_midnight(today, zone),
    )
    first = since or min(counted, default=None)
    if first is None:
        return []  # nothing before today yet: nothing to keep
    days = [first + dt.timedelta(days=k) for k in range((today - first).days)]
    rows = [(day, counted.get(day, 0)) for day in days]
    # Two requests may count the same day at once; they found the same number.
    DailySubmissionCount.objects.bulk_create(
        [
            DailySubmissionCount(league=league, timezone=league.timezone, day=day, count=n)
            for day, n in rows
        ],
        ignore_conflicts=True,
    )
    return rows


def _count_by_day(
    league: League, zone: ZoneInfo, *, start: dt.datetime | None, end: dt.datetime | None
) -> dict[dt.date, int]:
    """Submissions to the league's stages with ``start <= created_at < end``, by local day."""
    stage_ids = list(
        Stage.objects.filter(scenario__track__league=league).values_list("pk", flat=True)
    )
    rows = Submission.objects.all()
    if start is None:
        rows = rows.filter(stage_id__in=stage_ids)
    else:
        # A day or two of the season: walk the ``created_at`` index over the range. Left to
        # itself SQLite (no statistics) walks the stage index over the whole season instead;
        # ``stage_id + 0`` is not indexed, so the range is what it looks up.
        rows = rows.alias(stage_not_indexed=F("stage_id") + 0).filter(
            stage_not_indexed__in=stage_ids, created_at__gte=start
        )
    if end is not None:
        rows = rows.filter(created_at__lt=end)
    grouped = (
        rows.annotate(day=_local_date("created_at", zone))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {_as_date(row["day"]): row["n"] for row in grouped}


def _midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def _local_date(field: str, zone: ZoneInfo):
    """The date in ``zone``. On SQLite, Django's TruncDate calls a Python function per row
    (seconds for a season); SQLite's own ``date()`` with the zone's offset is C and fast. The
    league's zones (UTC+7, UTC+8) keep one offset all year, which is what this relies on."""
    if connection.vendor != "sqlite":
        return TruncDate(field, tzinfo=zone)
    offset = dt.datetime.now(zone).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    return Func(
        F(field),
        Value(f"{minutes:+d} minutes"),
        function="date",
        output_field=CharField(),
    )


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
