"""Submissions per day: completed days are counted once and kept, today is counted live.

The season of conftest.py has submissions on Jan 11 (two), Jan 12 and Jan 21, Shanghai time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from aileague.reports.daily import forget_submission_counts, submissions_by_day
from aileague.reports.models import DailySubmissionCount
from aileague.submissions.models import Submission

pytestmark = pytest.mark.django_db

# 20:00 on Jan 12 in Shanghai.
JAN_12_EVENING = datetime(2026, 1, 12, 12, tzinfo=UTC)
# 12:00 on Jan 22 in Shanghai.
JAN_22_NOON = datetime(2026, 1, 22, 4, tzinfo=UTC)


def kept(league) -> list[tuple[date, int]]:
    return list(
        DailySubmissionCount.objects.filter(league=league)
        .values_list("day", "count")
        .order_by("day")
    )


def test_completed_days_are_kept_and_today_is_counted_live(season):
    by_day = submissions_by_day(league=season.league, now=JAN_12_EVENING)

    assert by_day == [(date(2026, 1, 11), 2), (date(2026, 1, 12), 1)]
    assert kept(season.league) == [(date(2026, 1, 11), 2)]


def test_later_days_are_counted_from_the_last_kept_day_zeros_included(season):
    submissions_by_day(league=season.league, now=JAN_12_EVENING)

    by_day = submissions_by_day(league=season.league, now=JAN_22_NOON)

    assert by_day == [(date(2026, 1, 11), 2), (date(2026, 1, 12), 1), (date(2026, 1, 21), 1)]
    assert kept(season.league) == [
        (date(2026, 1, 11), 2),
        (date(2026, 1, 12), 1),
        *[(date(2026, 1, d), 0) for d in range(13, 21)],
        (date(2026, 1, 21), 1),
    ]


def test_a_day_already_kept_is_not_counted_again(season, django_assert_num_queries):
    submissions_by_day(league=season.league, now=JAN_22_NOON)

    # The kept days, the league's stages, today's submissions: nothing over the season.
    with django_assert_num_queries(3):
        by_day = submissions_by_day(league=season.league, now=JAN_22_NOON)

    assert by_day == [(date(2026, 1, 11), 2), (date(2026, 1, 12), 1), (date(2026, 1, 21), 1)]


def test_a_submission_back_dated_into_a_kept_day_shows_once_the_counts_are_forgotten(season):
    submissions_by_day(league=season.league, now=JAN_22_NOON)
    late = Submission.objects.filter(stage=season.s3).get()
    Submission.objects.filter(pk=late.pk).update(created_at=datetime(2026, 1, 15, 1, tzinfo=UTC))

    stale = submissions_by_day(league=season.league, now=JAN_22_NOON)
    forgotten = forget_submission_counts(league=season.league)
    fresh = submissions_by_day(league=season.league, now=JAN_22_NOON)

    assert stale == [(date(2026, 1, 11), 2), (date(2026, 1, 12), 1), (date(2026, 1, 21), 1)]
    assert forgotten == 11
    assert fresh == [(date(2026, 1, 11), 2), (date(2026, 1, 12), 1), (date(2026, 1, 15), 1)]


def test_a_league_that_changes_its_time_zone_is_counted_again(season):
    submissions_by_day(league=season.league, now=JAN_22_NOON)
    season.league.timezone = "UTC"
    season.league.save(update_fields=["timezone"])

    by_day = submissions_by_day(league=season.league, now=JAN_22_NOON)

    # Jan 10 20:00 UTC is Jan 10 in UTC, no longer Jan 11.
    assert by_day == [
        (date(2026, 1, 10), 1),
        (date(2026, 1, 11), 1),
        (date(2026, 1, 12), 1),
        (date(2026, 1, 21), 1),
    ]


def test_a_league_without_submissions_before_today_keeps_nothing(season):
    by_day = submissions_by_day(league=season.league, now=datetime(2026, 1, 11, 4, tzinfo=UTC))

    # Today is Jan 11 in Shanghai, the day of the first two submissions.
    assert by_day == [(date(2026, 1, 11), 2)]
    assert kept(season.league) == []
