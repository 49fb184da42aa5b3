import pytest

from aileague.submissions import services, worker
from aileague.submissions.models import SubmissionState
from aileague.submissions.queries import leaderboard_for_stage
from tests.factories import (
    GOOD_PREDICTIONS,
    WEAK_PREDICTIONS,
    captain_of,
    make_entry,
    make_team,
    upload,
)

pytestmark = pytest.mark.django_db


def test_scored_submission_appears_on_public_leaderboard_with_its_auc():
    entry, stage = make_entry()
    user = captain_of(entry.team)
    submission = services.submit_predictions(
        entry=entry, stage=stage, upload=upload(GOOD_PREDICTIONS), filename="p.csv", actor=user
    )
    assert submission.state == SubmissionState.QUEUED
    worker.score_submission(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SCORED
    rows = leaderboard_for_stage(stage=stage, split="public", user=user)
    assert [(r.rank, r.team_name, r.score) for r in rows] == [(1, entry.team.name, 1.0)]


def test_better_team_ranks_first_and_weaker_second():
    entry, stage = make_entry()
    other = make_team(league=stage.scenario.track.league)
    entry2, _ = make_entry(stage=stage, team=other)
    for e, text in ((entry, WEAK_PREDICTIONS), (entry2, GOOD_PREDICTIONS)):
        s = services.submit_predictions(
            entry=e, stage=stage, upload=upload(text), filename="p.csv", actor=captain_of(e.team)
        )
        worker.score_submission(submission_id=s.pk)
    rows = leaderboard_for_stage(stage=stage, split="public", user=captain_of(entry.team))
    assert [r.team_name for r in rows] == [other.name, entry.team.name]
