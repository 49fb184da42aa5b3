"""Re-scoring a stage after its reference is fixed: new version, old scores kept, one switch."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from typer.testing import CliRunner

from aileague.cli import app
from aileague.common.errors import Conflict
from aileague.common.models import AuditEntry
from aileague.submissions import rescore, worker
from aileague.submissions.models import RescoreRun, RescoreState, Score
from aileague.submissions.queries import leaderboard_for_stage
from tests.factories import (
    GOOD_PREDICTIONS,
    WEAK_PREDICTIONS,
    make_entry,
    make_stage,
    make_user,
    submit,
    submit_and_score,
)

# The first two targets of each split swapped: GOOD_PREDICTIONS drops from 1.0 to 0.25 on both
# splits, and the weak file's public score rises from 0.75 to 1.0 (the board turns over).
FIXED_REFERENCE = (
    "id,target,split\n"
    "001,0,public\n002,1,public\n003,1,public\n004,0,public\n"
    "005,0,private\n006,1,private\n007,1,private\n008,0,private\n"
)
# Other ids: every submitted file is refused under it.
INCOMPATIBLE_REFERENCE = "id,target,split\nA,1,public\nB,0,public\nC,1,private\nD,0,private\n"


@pytest.fixture(autouse=True)
def _own_files(files_dir):
    """Every test here keeps its files in its own folder."""


def scored_stage():
    stage = make_stage(daily_quota=50, total_quota=50, max_running=50)
    good, _ = make_entry(stage=stage)
    weak, _ = make_entry(stage=stage)
    submissions = [
        submit_and_score(good, stage, GOOD_PREDICTIONS),
        submit_and_score(weak, stage, WEAK_PREDICTIONS),
    ]
    return stage, submissions


def replace_reference(stage, text: str) -> None:
    scenario = stage.scenario
    scenario.reference_file.save(f"{scenario.slug}-fixed.csv", ContentFile(text.encode()))


def run_inline(run: RescoreRun) -> RescoreRun:
    for submission_id in rescore.pending_submissions(run):
        rescore.rescore_submission(run_id=run.pk, submission_id=submission_id)
    return RescoreRun.objects.get(pk=run.pk)


def scores(submission, version: str) -> dict[str, float]:
    rows = Score.objects.filter(submission=submission, scorer_version=version)
    return dict(rows.values_list("split", "value"))


def audit_actions(stage) -> list[str]:
    entries = AuditEntry.objects.filter(object_type="competitions.stage", object_id=str(stage.pk))
    return list(entries.order_by("at", "pk").values_list("action", flat=True))


@pytest.mark.django_db
def test_rescoring_switches_the_leaderboard_and_keeps_the_old_scores():
    stage, (good, weak) = scored_stage()
    organiser = make_user()
    assert [row.score for row in leaderboard_for_stage(stage=stage, split="public", user=None)] == [
        1.0,
        0.75,
    ]
    replace_reference(stage, FIXED_REFERENCE)
    run = rescore.start_rescore(
        stage=stage, actor=organiser, reason="swapped targets", enqueue=False
    )
    assert (run.from_version, run.to_version, run.total) == ("1", "2", 2)
    stage.refresh_from_db()
    assert stage.scorer_version == "1"  # nothing changes for readers until the switch
    run = run_inline(run)
    assert (run.state, run.done, run.unscorable) == (RescoreState.SWITCHED, 2, 0)
    stage.refresh_from_db()
    assert stage.scorer_version == "2"
    assert scores(good, "1") == {"public": 1.0, "private": 1.0}
    assert scores(good, "2") == {"public": 0.25, "private": 0.25}
    assert scores(weak, "2")["public"] == 1.0
    board = leaderboard_for_stage(stage=stage, split="public", user=None)
    assert [(row.submission_id, row.score) for row in board] == [(weak.pk, 1.0), (good.pk, 0.25)]
    assert audit_actions(stage) == ["stage.rescore_start", "stage.rescore_switch"]
    switch = AuditEntry.objects.get(action="stage.rescore_switch")
    assert (switch.actor, switch.before, switch.after["scorer_version"]) == (
        organiser,
        {"scorer_version": "1"},
        "2",
    )


@pytest.mark.django_db
def test_a_submission_scored_during_the_run_gets_both_versions():
    stage, _ = scored_stage()
    entry, _ = make_entry(stage=stage)
    late = submit(entry, stage, GOOD_PREDICTIONS)
    replace_reference(stage, FIXED_REFERENCE)
    run = rescore.start_rescore(stage=stage, actor=None, enqueue=False)
    worker.score_submission(submission_id=late.pk)
    assert scores(late, "1") == scores(late, "2") == {"public": 0.25, "private": 0.25}
    run = run_inline(run)
    assert run.state == RescoreState.SWITCHED
    assert run.done == 2


@pytest.mark.django_db
def test_a_reference_that_refuses_submissions_fails_the_run_without_switching():
    stage, (good, _) = scored_stage()
    replace_reference(stage, INCOMPATIBLE_REFERENCE)
    run = run_inline(rescore.start_rescore(stage=stage, actor=None, enqueue=False))
    assert (run.state, run.unscorable) == (RescoreState.FAILED, 2)
    assert {example["code"] for example in run.unscorable_examples} == {"unknown_ids"}
    stage.refresh_from_db()
    assert stage.scorer_version == "1"
    assert scores(good, "2") == {}
    assert audit_actions(stage) == ["stage.rescore_start", "stage.rescore_failed"]
    # The organiser fixes the reference properly and runs it again: a fresh version.
    replace_reference(stage, FIXED_REFERENCE)
    again = run_inline(rescore.start_rescore(stage=stage, actor=None, enqueue=False))
    assert (again.to_version, again.state) == ("3", RescoreState.SWITCHED)


@pytest.mark.django_db
def test_one_run_at_a_time_and_repeated_messages_count_once():
    stage, (good, _) = scored_stage()
    run = rescore.start_rescore(stage=stage, actor=None, enqueue=False)
    with pytest.raises(Conflict):
        rescore.start_rescore(stage=stage, actor=None, enqueue=False)
    rescore.rescore_submission(run_id=run.pk, submission_id=good.pk)
    rescore.rescore_submission(run_id=run.pk, submission_id=good.pk)
    run.refresh_from_db()
    assert (run.done, run.state) == (1, RescoreState.RUNNING)
    assert Score.objects.filter(submission=good, scorer_version="2").count() == 2


@pytest.mark.django_db
def test_a_stage_with_nothing_scored_switches_at_once():
    stage = make_stage()
    run = rescore.start_rescore(stage=stage, actor=None, enqueue=False)
    assert (run.total, RescoreRun.objects.get(pk=run.pk).state) == (0, RescoreState.SWITCHED)


@pytest.mark.django_db
def test_the_cli_rescores_a_stage_in_process_and_reports_the_switch():
    stage, (good, _) = scored_stage()
    replace_reference(stage, FIXED_REFERENCE)
    organiser = make_user()
    result = CliRunner().invoke(
        app,
        [
            "rescore",
            "-c",
            stage.scenario.slug,
            "--stage",
            stage.slug,
            "--inline",
            "--as",
            organiser.email,
            "-m",
            "swapped targets",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "switched" in result.output
    assert "version 2" in result.output
    assert scores(good, "2") == {"public": 0.25, "private": 0.25}
    start = AuditEntry.objects.get(action="stage.rescore_start")
    assert (start.actor, start.after["reason"]) == (organiser, "swapped targets")


@pytest.mark.django_db
def test_the_cli_explains_a_failed_run_and_exits_1():
    stage, _ = scored_stage()
    replace_reference(stage, INCOMPATIBLE_REFERENCE)
    result = CliRunner().invoke(app, ["rescore", "-c", stage.scenario.slug, "--inline"])
    assert result.exit_code == 1
    assert "not switched" in result.output
    assert "unknown_ids" in result.output


@pytest.mark.django_db
def test_a_submission_the_run_cannot_read_ends_the_run_on_the_last_attempt():
    stage, (good, weak) = scored_stage()
    run = rescore.start_rescore(stage=stage, actor=None, enqueue=False)
    Path(good.file.path).unlink()
    with pytest.raises(FileNotFoundError):
        rescore.rescore_submission(run_id=run.pk, submission_id=good.pk, last_attempt=False)
    rescore.rescore_submission(run_id=run.pk, submission_id=good.pk, last_attempt=True)
    rescore.rescore_submission(run_id=run.pk, submission_id=weak.pk)
    run.refresh_from_db()
    assert (run.state, run.unscorable) == (RescoreState.FAILED, 1)
    assert run.unscorable_examples[0]["code"] == "scoring_error"


@pytest.mark.django_db
def test_a_worker_that_claimed_before_the_switch_writes_the_new_version():
    stage, _ = scored_stage()
    entry, _ = make_entry(stage=stage)
    late = submit(entry, stage, GOOD_PREDICTIONS)
    claimed = worker.claim_submission(late.pk)  # its copy of the stage says version "1"
    run_inline(rescore.start_rescore(stage=stage, actor=None, enqueue=False))
    assert claimed.stage.scorer_version == "1"
    worker.run_claimed(claimed)
    assert scores(late, "2") == {"public": 1.0, "private": 1.0}
    assert scores(late, "1") == {}


@pytest.mark.django_db
def test_a_verdict_reached_on_the_replaced_reference_is_dropped_and_scored_again():
    """A worker read the old reference; the organiser replaced it and started the run before
    the worker finished. Its score must not land under the new version (CI caught a real
    worker doing this): the verdict is dropped and the submission scored again."""
    from aileague.submissions.models import SubmissionState

    stage, _ = scored_stage()
    entry, _ = make_entry(stage=stage)
    late = submit(entry, stage, GOOD_PREDICTIONS)
    claimed = worker.claim_submission(late.pk)  # its scenario names the old reference
    replace_reference(stage, FIXED_REFERENCE)
    run = rescore.start_rescore(stage=stage, actor=None, enqueue=False)
    assert worker.run_claimed(claimed) is None
    late.refresh_from_db()
    assert late.state == SubmissionState.QUEUED
    assert scores(late, "1") == scores(late, "2") == {}
    worker.score_submission(submission_id=late.pk)
    assert scores(late, "1") == scores(late, "2") == {"public": 0.25, "private": 0.25}
    assert run_inline(run).state == RescoreState.SWITCHED


@pytest.mark.django_db
def test_an_invalid_verdict_on_the_replaced_reference_is_dropped_too():
    from aileague.submissions.models import SubmissionState

    stage, _ = scored_stage()
    entry, _ = make_entry(stage=stage)
    late = submit(entry, stage, GOOD_PREDICTIONS)
    replace_reference(stage, INCOMPATIBLE_REFERENCE)  # the file's ids are unknown to it
    claimed = worker.claim_submission(late.pk)
    replace_reference(stage, FIXED_REFERENCE)  # fixed again before the verdict is written
    assert worker.run_claimed(claimed) is None
    late.refresh_from_db()
    assert (late.state, late.problems) == (SubmissionState.QUEUED, [])
