"""Standings: kept incrementally, they give the same boards as recomputing every score.

The reference below is the recompute that leaderboards did on every read before standings
existed; random data with many exact ties checks that both give identical rows and ranks.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from aileague.leaderboards.models import RankChange, Standing
from aileague.leaderboards.queries import leaderboard_page, rank_of
from aileague.leaderboards.services import (
    counting_submissions,
    rebuild_stage,
    refresh_standing,
    snapshot_open_stages,
    snapshot_ranks,
)
from aileague.scoring.ranking import best_per_key, rank_rows
from aileague.submissions.models import Score, ScoreSplit, Submission, SubmissionState
from aileague.submissions.queries import leaderboard_for_stage, scenario_metric
from tests.factories import make_entry, make_scenario, make_stage, make_team, make_user

pytestmark = pytest.mark.django_db

STATES = [SubmissionState.SCORED] * 8 + [SubmissionState.INVALID, SubmissionState.FAILED]


def reference_board(stage, split):
    """The former ``leaderboard_for_stage``: every score of the stage, recomputed."""
    higher = scenario_metric(stage.scenario).higher_is_better
    scores = Score.objects.filter(
        submission__stage=stage,
        submission__state=SubmissionState.SCORED,
        scorer_version=stage.scorer_version,
    ).values_list(
        "submission_id",
        "split",
        "value",
        "submission__created_at",
        "submission__entry__team_id",
        "submission__is_final_selection",
    )
    public, private, finals, created, team_of = {}, {}, {}, {}, {}
    for submission_id, score_split, value, created_at, team_id, is_final in scores:
        (public if score_split == ScoreSplit.PUBLIC else private)[submission_id] = value
        created[submission_id], team_of[submission_id] = created_at, team_id
        if is_final:
            finals.setdefault(team_id, set()).add(submission_id)
    if split == ScoreSplit.PUBLIC:
        rows = [(team_of[s], v, created[s], s) for s, v in public.items()]
    else:
        by_team, candidates = {}, {}
        for s, v in public.items():
            by_team.setdefault(team_of[s], []).append((team_of[s], v, created[s], s))
        for team_id, team_rows in by_team.items():
            if team_id in finals:
                candidates[team_id] = sorted(finals[team_id])
            else:
                ranked = rank_rows(team_rows, higher_is_better=higher)
                limit = stage.final_selection_limit or len(ranked)
                candidates[team_id] = [row.submission_id for row in ranked[:limit]]
        rows = [
            (team_of[s], private[s], created[s], s)
            for chosen in candidates.values()
            for s in chosen
            if s in private
        ]
    ranked = rank_rows(best_per_key(rows, higher_is_better=higher), higher_is_better=higher)
    return [(r.rank, r.key, r.value, r.submitted_at, r.submission_id) for r in ranked]


def standing_board(stage, split):
    rows = leaderboard_for_stage(stage=stage, split=split, user=make_user(role="organiser"))
    return [(r.rank, r.team_id, r.score, r.submitted_at, r.submission_id) for r in rows]


def random_stage(rng: random.Random, *, metric: str, teams: int = 12, limit: int = 2):
    task = (
        {"kind": "binary_probability", "metric": "roc_auc"}
        if metric == "roc_auc"
        else {"kind": "regression", "metric": metric}
    )
    stage = make_stage(scenario=make_scenario(task=task), final_selection_limit=limit)
    user = make_user()
    entries = [make_entry(stage=stage)[0] for _ in range(teams)]
    # Few distinct values and moments, so exact ties (value and time) are common.
    values = [0.1, 0.25, 0.5, 0.75, 0.9]
    moments = [stage.opens_at + timedelta(minutes=rng.randrange(6)) for _ in range(4)]
    for entry in entries:
        for _ in range(rng.randrange(0, 6)):
            submission = Submission.objects.create(
                entry=entry,
                stage=stage,
                submitted_by=user,
                file="x.csv",
                original_name="x.csv",
                size=1,
                sha256="0" * 64,
                state=rng.choice(STATES),
                is_final_selection=rng.random() < 0.2,
            )
            Submission.objects.filter(pk=submission.pk).update(created_at=rng.choice(moments))
            for split in ScoreSplit.values:
                for version in ("1", "2") if rng.random() < 0.3 else ("1",):
                    if rng.random() < 0.95:
                        Score.objects.create(
                            submission=submission,
                            split=split,
                            value=rng.choice(values),
                            metric=metric,
                            scorer_version=version,
                        )
    return stage, entries


def refresh_all(stage, entries, rng):
    for entry in rng.sample(entries, len(entries)):
        refresh_standing(stage=stage, entry_id=entry.pk)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("metric", ["roc_auc", "rmse"])
def test_standings_give_the_same_boards_as_recomputing_every_score(seed, metric):
    rng = random.Random(seed)
    stage, entries = random_stage(rng, metric=metric, limit=seed % 3)
    refresh_all(stage, entries, rng)
    for split in ScoreSplit.values:
        assert standing_board(stage, split) == reference_board(stage, split)
    # A rebuild writes the same rows as refreshing each entry.
    before = sorted(Standing.objects.values_list("entry_id", "split", "submission_id", "value"))
    Standing.objects.all().delete()
    rebuild_stage(stage)
    after = sorted(Standing.objects.values_list("entry_id", "split", "submission_id", "value"))
    assert after == before
    # After switching scorer versions, a rebuild follows the new version.
    stage.scorer_version = "2"
    stage.save(update_fields=["scorer_version"])
    rebuild_stage(stage)
    for split in ScoreSplit.values:
        assert standing_board(stage, split) == reference_board(stage, split)


@pytest.mark.parametrize("seed", range(3))
def test_a_page_ranks_rows_by_their_position_and_rank_of_agrees(seed):
    rng = random.Random(100 + seed)
    stage, entries = random_stage(rng, metric="roc_auc", teams=15)
    rebuild_stage(stage)
    organiser = make_user(role="organiser")
    whole = standing_board(stage, ScoreSplit.PUBLIC)
    paged, page = [], 1
    while True:
        board = leaderboard_page(
            stage=stage, split=ScoreSplit.PUBLIC, user=organiser, page=page, per_page=4
        )
        paged += [(r.rank, r.team_id, r.score, r.submitted_at, r.submission_id) for r in board.rows]
        if page == board.pages:
            break
        page += 1
    assert (board.total, paged) == (len(whole), whole)
    for standing in Standing.objects.filter(stage=stage, split=ScoreSplit.PUBLIC):
        assert (rank_of(standing), standing.team_id) in {(r[0], r[1]) for r in whole}


def test_an_entry_without_a_public_score_has_no_standing():
    assert counting_submissions([], higher_is_better=True, final_selection_limit=2) == {}


def test_refreshing_an_entry_whose_scores_vanished_removes_its_rows():
    rng = random.Random(7)
    stage, entries = random_stage(rng, metric="roc_auc", teams=3)
    rebuild_stage(stage)
    entry = Standing.objects.filter(stage=stage).first().entry
    Score.objects.filter(submission__entry=entry).delete()
    refresh_standing(stage=stage, entry_id=entry.pk)
    assert Standing.objects.filter(stage=stage, entry=entry).count() == 0


# --- Rank history ------------------------------------------------------------------------------


def scored_submission(entry, stage, public, private, *, minutes):
    submission = Submission.objects.create(
        entry=entry,
        stage=stage,
        submitted_by=make_user(),
        file="x.csv",
        original_name="x.csv",
        size=1,
        sha256="0" * 64,
        state=SubmissionState.SCORED,
    )
    Submission.objects.filter(pk=submission.pk).update(
        created_at=stage.opens_at + timedelta(minutes=minutes)
    )
    for split, value in ((ScoreSplit.PUBLIC, public), (ScoreSplit.PRIVATE, private)):
        Score.objects.create(
            submission=submission, split=split, value=value, metric="roc_auc", scorer_version="1"
        )
    refresh_standing(stage=stage, entry_id=entry.pk)
    return submission


def history(entry, split=ScoreSplit.PUBLIC):
    return list(
        RankChange.objects.filter(entry=entry, split=split)
        .order_by("pk")
        .values_list("rank", "value")
    )


def test_a_new_counting_submission_records_the_entrys_rank_at_that_moment():
    stage = make_stage()
    red = make_entry(stage=stage, team=make_team(league=stage.scenario.track.league))[0]
    blue = make_entry(stage=stage, team=make_team(league=stage.scenario.track.league))[0]
    scored_submission(red, stage, 0.7, 0.7, minutes=1)
    scored_submission(blue, stage, 0.6, 0.6, minutes=2)
    scored_submission(blue, stage, 0.9, 0.5, minutes=3)
    scored_submission(red, stage, 0.5, 0.5, minutes=4)  # worse: nothing changes for red
    assert history(red) == [(1, 0.7)]
    assert history(blue) == [(2, 0.6), (1, 0.9)]
    # Blue overtook red; the snapshot records red's drop, once.
    assert snapshot_ranks(stage) == 1
    assert history(red) == [(1, 0.7), (2, 0.7)]
    assert snapshot_ranks(stage) == 0


def test_the_periodic_snapshot_covers_open_and_just_closed_stages_only():
    open_stage = make_stage()
    long_closed = make_stage(opens_in=timedelta(days=-20), closes_in=timedelta(days=-10))
    for stage in (open_stage, long_closed):
        entry = make_entry(stage=stage)[0]
        scored_submission(entry, stage, 0.7, 0.7, minutes=1)
        Standing.objects.filter(stage=stage).update(recorded_rank=None)
    assert snapshot_open_stages() == 2  # the open stage's two boards
    assert RankChange.objects.filter(stage=long_closed).count() == 2  # from the refresh only


def test_the_repair_command_rebuilds_the_standings_of_a_stage():
    from io import StringIO

    from django.core.management import call_command

    rng = random.Random(3)
    stage, entries = random_stage(rng, metric="roc_auc", teams=4)
    out = StringIO()
    call_command("rebuild_standings", stage=[stage.pk], stdout=out)
    rows = Standing.objects.filter(stage=stage).count()
    assert out.getvalue().startswith(f"stage {stage.pk} ({stage}): {rows} standings in ")
    for split in ScoreSplit.values:
        assert standing_board(stage, split) == reference_board(stage, split)
