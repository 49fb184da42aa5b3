"""Leaderboards: one row per team, ranked by the one ranking rule, private board hidden until close.

Scores come from real scoring of real files against the default reference (ids 001-008, targets
1, 0, 1, 0 on each split); see ``tests.factories.predictions`` for the AUC each file reaches.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from aileague.common import storage
from aileague.common.errors import NotFound, PermissionDenied
from aileague.leaderboards.services import rebuild_stage
from aileague.submissions import services, worker
from aileague.submissions.models import Score, SubmissionState
from aileague.submissions.queries import leaderboard_for_stage
from tests.factories import (
    captain_of,
    make_entry,
    make_scenario,
    make_stage,
    make_team,
    make_user,
    predictions,
    submit,
    submit_and_score,
)

pytestmark = pytest.mark.django_db

AUC_1 = [0.9, 0.1, 0.8, 0.2]
AUC_075 = [0.6, 0.7, 0.8, 0.3]
AUC_025 = [0.2, 0.7, 0.6, 0.4]
AUC_0 = [0.1, 0.9, 0.2, 0.8]


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files"), "base_url": None},
        },
    }


def board(stage, split="public", user=None):
    return leaderboard_for_stage(stage=stage, split=split, user=user or make_user())


def summary(rows) -> list[tuple]:
    return [(row.rank, row.team_name, row.score) for row in rows]


def team_entry(stage, name):
    team = make_team(league=stage.scenario.track.league, name=name)
    return make_entry(stage=stage, team=team)[0]


def closed_stage(**fields):
    """A stage that ran for nine days and closed a day ago."""
    return make_stage(opens_in=timedelta(days=-10), closes_in=timedelta(days=-1), **fields)


def before_close(stage, *, hours: float):
    return stage.closes_at - timedelta(hours=hours)


# --- Public board ------------------------------------------------------------------------------


def test_public_board_shows_each_team_once_with_its_best_submission():
    stage = make_stage()
    red, blue = team_entry(stage, "Red River"), team_entry(stage, "Blue Lagoon")
    submit_and_score(red, stage, predictions(AUC_075, AUC_1))
    best = submit_and_score(red, stage, predictions(AUC_1, AUC_0))
    submit_and_score(red, stage, predictions(AUC_025, AUC_1))
    blue_only = submit_and_score(blue, stage, predictions(AUC_075, AUC_075))
    rows = board(stage)
    assert [(r.rank, r.team_name, r.score, r.submission_id, r.entries) for r in rows] == [
        (1, "Red River", 1.0, best.pk, 3),
        (2, "Blue Lagoon", 0.75, blue_only.pk, 1),
    ]
    assert (rows[0].team_id, rows[0].country, rows[0].province, rows[0].is_joint) == (
        red.team_id,
        "VN",
        "",
        False,
    )


def test_equal_scores_rank_the_team_that_submitted_earlier_first():
    stage = make_stage()
    late, early = team_entry(stage, "Late"), team_entry(stage, "Early")
    at = stage.opens_at + timedelta(hours=1)
    # "Late" is created first (lower id) but submitted an hour after "Early".
    submit_and_score(late, stage, predictions(AUC_075, AUC_1), now=at + timedelta(hours=1))
    submit_and_score(early, stage, predictions(AUC_075, AUC_1), now=at)
    assert summary(board(stage)) == [(1, "Early", 0.75), (2, "Late", 0.75)]
    assert board(stage)[0].submitted_at == at


def test_a_later_submission_with_an_equal_score_does_not_replace_the_earlier_one():
    stage = make_stage()
    entry = team_entry(stage, "Steady")
    first = submit_and_score(entry, stage, predictions(AUC_075, AUC_1))
    submit_and_score(entry, stage, predictions(AUC_075, AUC_0))
    assert [row.submission_id for row in board(stage)] == [first.pk]


def test_lower_is_better_metric_ranks_the_smallest_error_first():
    reference = "id,target,split\n1,1.0,public\n2,2.0,public\n3,3.0,private\n4,4.0,private\n"
    scenario = make_scenario(reference=reference, task={"kind": "regression", "metric": "rmse"})
    stage = make_stage(scenario=scenario)
    files = {
        "Half off": "id,prediction\n1,1.5\n2,2.5\n3,3\n4,4\n",
        "Exact": "id,prediction\n1,1\n2,2\n3,3\n4,4\n",
        "Two off": "id,prediction\n1,3\n2,0\n3,3\n4,4\n",
    }
    for name, text in files.items():
        submission = submit_and_score(team_entry(stage, name), stage, text)
        assert submission.state == SubmissionState.SCORED
    assert summary(board(stage)) == [(1, "Exact", 0.0), (2, "Half off", 0.5), (3, "Two off", 2.0)]


def test_lower_is_better_also_picks_each_teams_lowest_error():
    reference = "id,target,split\n1,1.0,public\n2,2.0,private\n"
    scenario = make_scenario(reference=reference, task={"kind": "regression", "metric": "mae"})
    stage = make_stage(scenario=scenario)
    entry = team_entry(stage, "Tuning")
    for guess in ("3", "1.25", "2"):
        submit_and_score(entry, stage, f"id,prediction\n1,{guess}\n2,2\n")
    assert summary(board(stage)) == [(1, "Tuning", 0.25)]


# --- Who sees the private board, and when ------------------------------------------------------


def test_private_board_is_hidden_from_participants_while_the_stage_is_open():
    stage = make_stage()
    entry = team_entry(stage, "Curious")
    submit_and_score(entry, stage, predictions(AUC_1, AUC_1))
    for viewer in (captain_of(entry.team), make_user(), AnonymousUser()):
        with pytest.raises(PermissionDenied) as raised:
            board(stage, "private", viewer)
        assert raised.value.code == "private_leaderboard_hidden"
        assert raised.value.message == "The private leaderboard is revealed when the stage closes."


@pytest.mark.parametrize("role", ["organiser", "track_manager", "scenario_owner"])
def test_private_board_is_visible_to_the_people_running_the_scenario_before_close(role):
    stage = make_stage()
    submit_and_score(team_entry(stage, "Early bird"), stage, predictions(AUC_1, AUC_025))
    scope = {
        "organiser": {},
        "track_manager": {"track": stage.scenario.track},
        "scenario_owner": {"scenario": stage.scenario},
    }[role]
    viewer = make_user(role=role, **scope)
    assert summary(board(stage, "private", viewer)) == [(1, "Early bird", 0.25)]


@pytest.mark.parametrize("viewer", ["participant", "anonymous"])
def test_private_board_is_visible_to_everyone_after_the_close(viewer):
    stage = closed_stage()
    entry = team_entry(stage, "Patient")
    submit_and_score(entry, stage, predictions(AUC_1, AUC_025), now=before_close(stage, hours=5))
    user = make_user() if viewer == "participant" else AnonymousUser()
    assert summary(board(stage, "private", user)) == [(1, "Patient", 0.25)]


def test_an_unknown_split_is_not_found():
    with pytest.raises(NotFound) as raised:
        board(make_stage(), "holdout")
    assert raised.value.code == "split_not_found"


# --- What counts on the private board ----------------------------------------------------------


def test_private_board_counts_only_the_top_public_submissions_when_no_finals_are_chosen():
    stage = closed_stage(final_selection_limit=1)
    entry = team_entry(stage, "Overfit")
    # The best private score (1.0) is in a submission that is not the team's best public one.
    submit_and_score(entry, stage, predictions(AUC_1, AUC_025), now=before_close(stage, hours=5))
    submit_and_score(entry, stage, predictions(AUC_075, AUC_1), now=before_close(stage, hours=4))
    assert summary(board(stage, "private")) == [(1, "Overfit", 0.25)]


def test_private_board_counts_the_selected_finals_when_a_team_chose_them():
    stage = closed_stage(final_selection_limit=1)
    entry = team_entry(stage, "Chooser")
    submit_and_score(entry, stage, predictions(AUC_1, AUC_025), now=before_close(stage, hours=5))
    chosen = submit_and_score(
        entry, stage, predictions(AUC_075, AUC_1), now=before_close(stage, hours=4)
    )
    services.select_final(
        submission=chosen,
        selected=True,
        actor=captain_of(entry.team),
        now=before_close(stage, hours=1),
    )
    rows = board(stage, "private")
    assert summary(rows) == [(1, "Chooser", 1.0)]
    assert rows[0].submission_id == chosen.pk


def test_a_team_with_finals_is_judged_on_its_finals_only():
    stage = closed_stage(final_selection_limit=2)
    entry = team_entry(stage, "Modest")
    chosen = submit_and_score(
        entry, stage, predictions(AUC_075, AUC_025), now=before_close(stage, hours=5)
    )
    submit_and_score(entry, stage, predictions(AUC_1, AUC_1), now=before_close(stage, hours=4))
    services.select_final(
        submission=chosen,
        selected=True,
        actor=captain_of(entry.team),
        now=before_close(stage, hours=1),
    )
    assert summary(board(stage, "private")) == [(1, "Modest", 0.25)]


def test_a_limit_of_zero_counts_every_submission_on_the_private_board():
    stage = closed_stage(final_selection_limit=0)
    entry = team_entry(stage, "Everything")
    submit_and_score(entry, stage, predictions(AUC_1, AUC_025), now=before_close(stage, hours=5))
    submit_and_score(entry, stage, predictions(AUC_075, AUC_1), now=before_close(stage, hours=4))
    assert summary(board(stage, "private")) == [(1, "Everything", 1.0)]


def test_private_board_ranks_teams_by_their_counting_private_score():
    stage = closed_stage(final_selection_limit=1)
    chooser, default = team_entry(stage, "Chooser"), team_entry(stage, "Default")
    for entry in (chooser, default):
        submit_and_score(
            entry, stage, predictions(AUC_1, AUC_025), now=before_close(stage, hours=5)
        )
        later = submit_and_score(
            entry, stage, predictions(AUC_075, AUC_1), now=before_close(stage, hours=4)
        )
        if entry is chooser:
            services.select_final(
                submission=later,
                selected=True,
                actor=captain_of(entry.team),
                now=before_close(stage, hours=1),
            )
    assert summary(board(stage, "private")) == [(1, "Chooser", 1.0), (2, "Default", 0.25)]
    # The public board is the same for both: each team's best public score.
    assert summary(board(stage)) == [(1, "Chooser", 1.0), (2, "Default", 1.0)]


# --- What never counts -------------------------------------------------------------------------


def test_invalid_failed_and_unscored_submissions_never_appear():
    stage = make_stage()
    scored = team_entry(stage, "Scored")
    submit_and_score(scored, stage, predictions(AUC_075, AUC_075))
    invalid = submit(team_entry(stage, "Invalid"), stage, "id,prediction\n001,0.5\n")
    assert invalid.state == SubmissionState.INVALID
    waiting = submit(team_entry(stage, "Waiting"), stage, predictions(AUC_1, AUC_1))
    assert waiting.state == SubmissionState.QUEUED
    failed = submit(team_entry(stage, "Failed"), stage, predictions(AUC_1, AUC_1))
    storage.delete_file(failed.file.name)
    for _ in range(worker.MAX_ATTEMPTS):
        with contextlib.suppress(FileNotFoundError):  # retried, then failed on the last try
            worker.score_submission(submission_id=failed.pk)
    failed.refresh_from_db()
    assert failed.state == SubmissionState.FAILED
    # Even a stray score row of a failed submission is ignored.
    Score.objects.create(
        submission=failed, split="public", value=1.0, metric="roc_auc", scorer_version="1"
    )
    assert summary(board(stage)) == [(1, "Scored", 0.75)]
    assert [row.entries for row in board(stage)] == [1]


def test_scores_of_another_scorer_version_are_ignored():
    stage = make_stage()
    old, new = team_entry(stage, "Old"), team_entry(stage, "New")
    old_submission = submit_and_score(old, stage, predictions(AUC_075, AUC_1))
    new_submission = submit_and_score(new, stage, predictions(AUC_025, AUC_1))
    Score.objects.create(
        submission=new_submission, split="public", value=1.0, metric="roc_auc", scorer_version="2"
    )
    assert summary(board(stage)) == [(1, "Old", 0.75), (2, "New", 0.25)]
    # Switching the stage to version 2 shows only what version 2 scored.
    stage.scorer_version = "2"
    stage.save(update_fields=["scorer_version"])
    rebuild_stage(stage)  # what completing a re-score does when it switches the version
    assert summary(board(stage)) == [(1, "New", 1.0)]
    assert old_submission.state == SubmissionState.SCORED


def test_an_empty_stage_has_an_empty_board():
    assert board(make_stage()) == []
