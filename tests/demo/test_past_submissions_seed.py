"""Seeding a season's past submissions: in bulk, spread like a real season, on the boards."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from aileague.common.models import AuditEntry
from aileague.demo.past_submissions import seed_past_submissions
from aileague.demo.scale import seed_teams
from aileague.leaderboards.models import Standing
from aileague.submissions.models import Score, Submission
from tests.factories import make_stage


@pytest.fixture
def stage():
    stage = make_stage(opens_in=timedelta(days=-20), total_quota=60)
    seed_teams(league=stage.scenario.track.league, teams=200)
    return stage


@pytest.mark.django_db
def test_seeds_exactly_the_submissions_asked_for_scored_or_invalid(stage):
    stats = seed_past_submissions(league=stage.scenario.track.league, submissions=3000)

    submissions = Submission.objects.filter(stage=stage)
    states = Counter(submissions.values_list("state", flat=True))
    assert submissions.count() == stats.submissions == 3000
    assert set(states) == {"scored", "invalid"}
    assert states["scored"] == stats.scored
    assert states["invalid"] == stats.invalid
    assert 0.03 <= stats.invalid / 3000 <= 0.10
    assert AuditEntry.objects.filter(action="league.seed_past_submissions").count() == 1


@pytest.mark.django_db
def test_every_scored_submission_has_one_public_and_one_private_score(stage):
    seed_past_submissions(league=stage.scenario.track.league, submissions=2000)

    per_submission = Counter(
        Score.objects.filter(submission__stage=stage).values_list("submission_id", "split")
    )
    scored = set(
        Submission.objects.filter(stage=stage, state="scored").values_list("pk", flat=True)
    )
    assert set(per_submission.values()) == {1}
    assert {s for s, _split in per_submission} == scored
    assert Counter(split for _s, split in per_submission) == {
        "public": len(scored),
        "private": len(scored),
    }
    assert set(Score.objects.values_list("scorer_version", "metric")) == {
        (stage.scorer_version, "roc_auc")
    }
    assert not Score.objects.filter(submission__stage=stage, submission__state="invalid").exists()


@pytest.mark.django_db
def test_most_teams_submit_a_few_times_some_many_none_beyond_the_quota(stage):
    seed_past_submissions(league=stage.scenario.track.league, submissions=3000)

    counts = np.array(
        sorted(
            Counter(Submission.objects.filter(stage=stage).values_list("entry", flat=True)).values()
        )
    )
    assert counts.max() <= 60
    assert counts.max() >= 4 * np.median(counts)
    assert np.median(counts) < counts.mean()
    assert stage.scenario.entries.count() > len(counts)  # some entered and never submitted


@pytest.mark.django_db
def test_past_submissions_happen_while_the_stage_was_open_and_in_order(stage):
    now = timezone.now()
    seed_past_submissions(league=stage.scenario.track.league, submissions=1000, now=now)

    rows = Submission.objects.filter(stage=stage).order_by("entry_id", "created_at")
    assert min(r.created_at for r in rows) >= stage.opens_at
    assert max(r.created_at for r in rows) <= now
    assert all(r.finished_at > r.created_at for r in rows)
    assert len({r.uuid for r in rows}) == 1000


@pytest.mark.django_db
def test_scores_stay_within_the_metric_bounds_and_improve_with_attempts(stage):
    seed_past_submissions(league=stage.scenario.track.league, submissions=3000)

    firsts, lasts = [], []
    for entry_id in set(Submission.objects.filter(stage=stage).values_list("entry", flat=True)):
        values = list(
            Score.objects.filter(submission__entry_id=entry_id, split="public")
            .order_by("submission__created_at")
            .values_list("value", flat=True)
        )
        if len(values) >= 5:
            firsts.append(values[0])
            lasts.append(values[-1])
    values = list(Score.objects.values_list("value", flat=True))
    assert 0.0 <= min(values) <= max(values) <= 1.0
    assert np.mean(lasts) > np.mean(firsts)


@pytest.mark.django_db
def test_past_submissions_point_at_one_real_file_of_their_stage(stage):
    seed_past_submissions(league=stage.scenario.track.league, submissions=500)

    names = set(Submission.objects.filter(stage=stage).values_list("file", flat=True))
    assert names == {f"submissions/{stage.pk}/seeded/past-submission.csv"}
    assert default_storage.exists(names.pop())


@pytest.mark.django_db
def test_standings_are_rebuilt_for_every_team_with_a_score(stage):
    seed_past_submissions(league=stage.scenario.track.league, submissions=2000)

    with_score = set(
        Submission.objects.filter(stage=stage, state="scored").values_list("entry", flat=True)
    )
    public = Standing.objects.filter(stage=stage, split="public")
    assert set(public.values_list("entry", flat=True)) == with_score
