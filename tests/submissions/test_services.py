"""The life of a submission: accepted (quota, deadline) → scored on a worker → selected as final.

Times are passed explicitly (``now=``) so that day boundaries and deadlines are exact. Files are
stored under the test's own temporary directory.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from aileague.common import storage
from aileague.common.errors import (
    Conflict,
    DeadlinePassed,
    InvalidInput,
    PermissionDenied,
    QuotaExceeded,
)
from aileague.common.models import AuditEntry
from aileague.submissions import services, worker
from aileague.submissions.models import Score, Submission, SubmissionState
from aileague.submissions.queries import quota_status
from aileague.teams.models import MemberRole
from tests.factories import (
    GOOD_PREDICTIONS,
    REFERENCE_IDS,
    WEAK_PREDICTIONS,
    captain_of,
    make_entry,
    make_scenario,
    make_stage,
    make_user,
    submit,
    submit_and_score,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
BANGKOK = ZoneInfo("Asia/Bangkok")
OPENS = datetime(2026, 3, 1, tzinfo=UTC)
CLOSES = datetime(2026, 4, 1, tzinfo=UTC)
# One second before and at midnight of 11 March in Shanghai (UTC+8): 22:59:59 and 23:00:00 of
# 10 March in Bangkok (UTC+7).
BEFORE_MIDNIGHT = datetime(2026, 3, 10, 23, 59, 59, tzinfo=SHANGHAI)
MIDNIGHT = datetime(2026, 3, 11, 0, 0, 0, tzinfo=SHANGHAI)
# Seven of the eight ids are missing and the one given is not a number.
BAD_PREDICTIONS = "id,prediction\n001,abc\n"
BAD_PROBLEMS = [
    {"code": "missing_ids", "params": {"count": 7}, "lines": [], "examples": [*REFERENCE_IDS[1:]]},
    {
        "code": "not_a_number",
        "params": {"column": "prediction", "count": 1},
        "lines": [2],
        "examples": ["abc"],
    },
]


@pytest.fixture(autouse=True)
def _own_files(files_dir):
    """Every test here keeps its files in its own folder."""


def stored_submission_files(files_dir: Path) -> list[str]:
    root = files_dir / "submissions"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def march_entry(**stage_fields):
    """An entry in a stage open through March 2026 (times in tests are given with ``now=``)."""
    return make_entry(stage=make_stage(opens_at=OPENS, closes_at=CLOSES, **stage_fields))


def audit(submission) -> list[tuple]:
    entries = AuditEntry.objects.filter(
        object_type="submissions.submission", object_id=str(submission.pk)
    ).order_by("id")
    return [(e.action, e.actor_id, e.before, e.after) for e in entries]


def actions(submission) -> list[str]:
    return [entry[0] for entry in audit(submission)]


def charged(entry, stage, now=None) -> int:
    return quota_status(entry=entry, stage=stage, now=now).total_used


# --- Accepting a file --------------------------------------------------------------------------


def test_an_accepted_file_is_stored_queued_and_charged(files_dir):
    entry, stage = march_entry()
    captain = captain_of(entry.team)
    at = datetime(2026, 3, 10, 9, 30, tzinfo=SHANGHAI)
    submission = submit(entry, stage, GOOD_PREDICTIONS, now=at, filename="Final Try.CSV")
    assert submission.state == SubmissionState.QUEUED
    assert submission.problems == []
    assert (submission.created_at, submission.enqueued_at, submission.finished_at) == (at, at, None)
    assert (submission.original_name, submission.size) == ("Final Try.CSV", 78)
    assert submission.sha256 == hashlib.sha256(GOOD_PREDICTIONS.encode()).hexdigest()
    assert Path(storage.local_path(submission.file.name)).read_text() == GOOD_PREDICTIONS
    assert stored_submission_files(files_dir) == [
        f"{stage.pk}/{entry.team_id}/{submission.uuid}.csv"
    ]
    status = quota_status(entry=entry, stage=stage, now=at)
    assert (status.daily_used, status.total_used, status.running) == (1, 1, 1)
    assert audit(submission) == [
        (
            "submission.create",
            captain.pk,
            None,
            {"state": "queued", "sha256": submission.sha256, "size": 78},
        )
    ]
    submission.refresh_from_db()
    assert submission.created_at == at


def test_an_invalid_file_is_kept_as_invalid_with_its_problems_and_not_charged():
    entry, stage = march_entry()
    at = datetime(2026, 3, 10, 9, 30, tzinfo=SHANGHAI)
    submission = submit(entry, stage, BAD_PREDICTIONS, now=at)
    assert submission.state == SubmissionState.INVALID
    assert submission.problems == BAD_PROBLEMS
    assert (submission.enqueued_at, submission.finished_at) == (None, at)
    status = quota_status(entry=entry, stage=stage, now=at)
    assert (status.daily_used, status.total_used, status.running) == (0, 0, 0)
    assert actions(submission) == ["submission.create"]
    assert audit(submission)[0][3]["state"] == "invalid"


def test_invalid_files_do_not_use_up_the_daily_quota():
    entry, stage = march_entry(daily_quota=1)
    at = datetime(2026, 3, 10, 9, 30, tzinfo=SHANGHAI)
    states = [
        submit(entry, stage, text, now=at).state
        for text in (BAD_PREDICTIONS, BAD_PREDICTIONS, GOOD_PREDICTIONS)
    ]
    assert states == ["invalid", "invalid", "queued"]


def test_quota_refuses_the_third_submission_of_the_day_when_two_are_allowed(files_dir):
    entry, stage = march_entry(daily_quota=2)
    times = [datetime(2026, 3, 10, hour, tzinfo=SHANGHAI) for hour in (8, 9, 10)]
    submit(entry, stage, GOOD_PREDICTIONS, now=times[0])
    submit(entry, stage, GOOD_PREDICTIONS, now=times[1])
    with pytest.raises(QuotaExceeded) as raised:
        submit(entry, stage, GOOD_PREDICTIONS, now=times[2])
    assert raised.value.code == "quota_daily"
    assert raised.value.message == (
        "Your team has used all 2 submissions for today; the count resets at 2026-03-11 00:00 CST."
    )
    assert raised.value.details == {
        "daily_used": 2,
        "daily_left": 0,
        "total_used": 2,
        "total_left": 98,
        "running": 2,
        "running_left": 1,
        "resets_at": "2026-03-11T00:00:00+08:00",
    }
    assert Submission.objects.filter(entry=entry).count() == 2
    assert len(stored_submission_files(files_dir)) == 2


def test_the_day_turns_at_midnight_in_the_stage_time_zone_shanghai():
    entry, stage = march_entry(daily_quota=1, timezone="Asia/Shanghai")
    first = submit(entry, stage, GOOD_PREDICTIONS, now=BEFORE_MIDNIGHT)
    second = submit(entry, stage, GOOD_PREDICTIONS, now=MIDNIGHT)
    assert (first.state, second.state) == ("queued", "queued")
    status = quota_status(entry=entry, stage=stage, now=MIDNIGHT)
    assert (status.daily_used, status.total_used) == (1, 2)
    assert status.resets_at == datetime(2026, 3, 12, tzinfo=SHANGHAI)


def test_the_same_two_instants_fall_on_one_day_in_bangkok():
    entry, stage = march_entry(daily_quota=1, timezone="Asia/Bangkok")
    submit(entry, stage, GOOD_PREDICTIONS, now=BEFORE_MIDNIGHT)
    with pytest.raises(QuotaExceeded) as raised:
        submit(entry, stage, GOOD_PREDICTIONS, now=MIDNIGHT)
    assert raised.value.code == "quota_daily"
    assert raised.value.details["resets_at"] == "2026-03-11T00:00:00+07:00"
    assert raised.value.message == (
        "Your team has used all 1 submissions for today; the count resets at 2026-03-11 00:00 +07."
    )
    bangkok_midnight = datetime(2026, 3, 11, tzinfo=BANGKOK)
    assert submit(entry, stage, GOOD_PREDICTIONS, now=bangkok_midnight).state == "queued"


def test_quota_refuses_a_submission_over_the_stage_total():
    entry, stage = march_entry(total_quota=2, daily_quota=5)
    for day in (10, 11):
        submit_and_score(entry, stage, GOOD_PREDICTIONS, now=datetime(2026, 3, day, tzinfo=UTC))
    with pytest.raises(QuotaExceeded) as raised:
        submit(entry, stage, GOOD_PREDICTIONS, now=datetime(2026, 3, 12, tzinfo=UTC))
    assert raised.value.code == "quota_total"
    assert raised.value.message == "Your team has used all 2 submissions of this stage."
    assert (raised.value.details["total_used"], raised.value.details["total_left"]) == (2, 0)


def test_quota_refuses_more_submissions_waiting_than_max_running():
    entry, stage = march_entry(max_running=1)
    at = datetime(2026, 3, 10, 9, tzinfo=SHANGHAI)
    waiting = submit(entry, stage, GOOD_PREDICTIONS, now=at)
    with pytest.raises(QuotaExceeded) as raised:
        submit(entry, stage, GOOD_PREDICTIONS, now=at + timedelta(minutes=1))
    assert raised.value.code == "quota_running"
    assert raised.value.message == (
        "Your team already has 1 submissions waiting to be scored; wait for one to finish."
    )
    details = raised.value.details
    assert (details["running"], details["running_left"], details["daily_left"]) == (1, 0, 4)
    worker.score_submission(submission_id=waiting.pk)
    assert submit(entry, stage, GOOD_PREDICTIONS, now=at + timedelta(minutes=2)).state == "queued"


def test_a_submission_one_second_before_the_close_is_accepted():
    entry, stage = march_entry()
    submission = submit(entry, stage, GOOD_PREDICTIONS, now=stage.closes_at - timedelta(seconds=1))
    assert submission.state == SubmissionState.QUEUED


@pytest.mark.parametrize("after", [timedelta(0), timedelta(seconds=1)], ids=["at", "after"])
def test_a_submission_at_or_after_the_close_is_refused(files_dir, after):
    entry, stage = march_entry()
    with pytest.raises(DeadlinePassed) as raised:
        submit(entry, stage, GOOD_PREDICTIONS, now=stage.closes_at + after)
    assert raised.value.code == "stage_closed"
    assert raised.value.message == "This stage closed; no more submissions are accepted."
    assert Submission.objects.count() == 0
    assert stored_submission_files(files_dir) == []


def test_a_submission_before_the_stage_opens_is_refused():
    entry, stage = march_entry()
    with pytest.raises(DeadlinePassed) as raised:
        submit(entry, stage, GOOD_PREDICTIONS, now=stage.opens_at - timedelta(seconds=1))
    assert raised.value.code == "stage_not_open"
    assert submit(entry, stage, GOOD_PREDICTIONS, now=stage.opens_at).state == "queued"


def test_a_stage_not_yet_open_refuses_files_now():
    entry, stage = make_entry(stage=make_stage(opens_in=timedelta(days=1)))
    with pytest.raises(DeadlinePassed) as raised:
        submit(entry, stage, GOOD_PREDICTIONS)
    assert raised.value.code == "stage_not_open"


def test_a_jury_stage_takes_no_prediction_files():
    entry, stage = march_entry(evaluation_mode="jury")
    with pytest.raises(Conflict) as raised:
        submit(entry, stage, GOOD_PREDICTIONS, now=datetime(2026, 3, 10, tzinfo=UTC))
    assert raised.value.code == "jury_stage"


def test_someone_outside_the_team_cannot_submit_for_it():
    entry, stage = march_entry()
    with pytest.raises(PermissionDenied) as raised:
        submit(entry, stage, GOOD_PREDICTIONS, actor=make_user(), now=OPENS)
    assert raised.value.code == "not_a_member"
    assert Submission.objects.count() == 0


def test_any_member_of_the_team_may_submit():
    entry, stage = make_entry()
    member = make_user()
    entry.team.memberships.create(user=member, role=MemberRole.MEMBER)
    assert submit(entry, stage, GOOD_PREDICTIONS, actor=member).submitted_by == member


def test_a_stage_of_another_scenario_is_refused():
    entry, _stage = march_entry()
    other_stage = make_stage(opens_at=OPENS, closes_at=CLOSES)
    with pytest.raises(InvalidInput) as raised:
        submit(entry, other_stage, GOOD_PREDICTIONS, now=OPENS)
    assert raised.value.code == "wrong_stage"


def test_a_file_over_the_upload_limit_is_refused_and_its_stored_copy_removed(settings, files_dir):
    settings.AILEAGUE_MAX_UPLOAD_BYTES = 77
    entry, stage = make_entry()
    with pytest.raises(InvalidInput) as raised:
        submit(entry, stage, GOOD_PREDICTIONS)
    assert raised.value.code == "file_too_large"
    assert raised.value.message == "The file is 78 bytes; the limit is 77 bytes."
    assert Submission.objects.count() == 0
    assert stored_submission_files(files_dir) == []
    assert AuditEntry.objects.filter(object_type="submissions.submission").count() == 0


def test_a_file_exactly_at_the_upload_limit_is_accepted(settings):
    settings.AILEAGUE_MAX_UPLOAD_BYTES = 78
    entry, stage = make_entry()
    assert submit(entry, stage, GOOD_PREDICTIONS).state == SubmissionState.QUEUED


# --- Scoring on a worker -----------------------------------------------------------------------


def test_scoring_writes_one_score_per_split_with_the_stage_scorer_version():
    entry, stage = make_entry()
    submission = submit_and_score(entry, stage, WEAK_PREDICTIONS)
    assert submission.state == SubmissionState.SCORED
    assert (submission.attempts, submission.problems) == (1, [])
    assert submission.finished_at is not None
    scores = Score.objects.filter(submission=submission).order_by("split")
    assert [(s.split, s.value, s.metric, s.scorer_version, s.signature) for s in scores] == [
        ("private", 0.25, "roc_auc", stage.scorer_version, "roc_auc|scorer:1"),
        ("public", 0.75, "roc_auc", stage.scorer_version, "roc_auc|scorer:1"),
    ]
    assert stage.scorer_version == "1"
    assert audit(submission)[1] == (
        "submission.scored",
        None,
        {"state": "scoring"},
        {"state": "scored"},
    )


def test_scoring_twice_changes_nothing_the_second_time():
    entry, stage = make_entry()
    submission = submit_and_score(entry, stage, GOOD_PREDICTIONS)
    scores_before = list(Score.objects.filter(submission=submission).values_list("pk", "value"))
    assert worker.score_submission(submission_id=submission.pk) is None
    submission.refresh_from_db()
    assert (submission.state, submission.attempts) == (SubmissionState.SCORED, 1)
    assert list(Score.objects.filter(submission=submission).values_list("pk", "value")) == (
        scores_before
    )
    assert actions(submission) == ["submission.create", "submission.scored"]


def test_scoring_an_invalid_submission_does_nothing():
    entry, stage = make_entry()
    submission = submit(entry, stage, BAD_PREDICTIONS)
    assert worker.score_submission(submission_id=submission.pk) is None
    assert Score.objects.count() == 0


def test_a_broken_reference_fails_the_submission_and_does_not_charge_it():
    reference = "id,target,split\n001,1,public\n002,0,test\n"
    entry, stage = make_entry(stage=make_stage(scenario=make_scenario(reference=reference)))
    submission = submit(entry, stage, "id,prediction\n001,0.9\n002,0.1\n")
    # Inline validation cannot tell the team's file from our reference: it leaves it to the worker.
    assert submission.state == SubmissionState.QUEUED
    worker.score_submission(submission_id=submission.pk)
    submission.refresh_from_db()
    name = Path(stage.scenario.reference_file.name).name
    assert submission.state == SubmissionState.FAILED
    assert submission.problems == [
        {
            "code": "reference_error",
            "log": f"reference {name} line 3: split must be 'public' or 'private'",
        }
    ]
    assert charged(entry, stage) == 0
    assert Score.objects.count() == 0
    assert actions(submission) == ["submission.create", "submission.failed"]


def test_a_scenario_without_a_reference_fails_the_submission():
    entry, stage = make_entry()
    submission = submit(entry, stage, GOOD_PREDICTIONS)
    type(stage.scenario).objects.filter(pk=stage.scenario_id).update(reference_file="")
    worker.score_submission(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.FAILED
    assert submission.problems == [
        {
            "code": "reference_error",
            "log": f"scenario {stage.scenario.slug} has no hidden reference",
        }
    ]


def test_a_file_too_big_for_inline_validation_is_found_invalid_by_the_worker(settings):
    settings.AILEAGUE_INLINE_VALIDATION_MAX_BYTES = 0
    entry, stage = make_entry()
    submission = submit(entry, stage, BAD_PREDICTIONS)
    assert submission.state == SubmissionState.QUEUED
    assert charged(entry, stage) == 1
    worker.score_submission(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.INVALID
    assert [problem["code"] for problem in submission.problems] == ["missing_ids", "not_a_number"]
    assert submission.problems == BAD_PROBLEMS
    assert charged(entry, stage) == 0
    assert actions(submission) == ["submission.create", "submission.invalid"]


def test_a_crash_while_scoring_is_retried_and_fails_after_the_last_attempt():
    entry, stage = make_entry()
    submission = submit(entry, stage, GOOD_PREDICTIONS)
    storage.delete_file(
        submission.file.name
    )  # the worker cannot read the file: not the team's fault
    for attempt in range(1, worker.MAX_ATTEMPTS):
        with pytest.raises(FileNotFoundError):
            worker.score_submission(submission_id=submission.pk)
        submission.refresh_from_db()
        assert (submission.state, submission.attempts) == (SubmissionState.QUEUED, attempt)
    worker.score_submission(submission_id=submission.pk)
    submission.refresh_from_db()
    assert (submission.state, submission.attempts) == (SubmissionState.FAILED, 3)
    assert [problem["code"] for problem in submission.problems] == ["scoring_error"]
    assert "FileNotFoundError" in submission.problems[0]["log"]
    assert charged(entry, stage) == 0
    assert actions(submission) == ["submission.create", "submission.failed"]


# --- The reaper --------------------------------------------------------------------------------


def test_reaper_resends_a_submission_queued_too_long_ago(settings):
    entry, stage = make_entry()
    now = timezone.now()
    wait = timedelta(seconds=settings.AILEAGUE_REQUEUE_AFTER_S)
    lost = submit(entry, stage, GOOD_PREDICTIONS, now=now - wait - timedelta(seconds=1))
    fresh = submit(entry, stage, GOOD_PREDICTIONS, now=now - wait + timedelta(seconds=1))
    assert worker.requeue_stale_submissions(now=now) == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.state, lost.enqueued_at) == (SubmissionState.QUEUED, now)
    assert fresh.enqueued_at == now - wait + timedelta(seconds=1)
    # Resending changes no state, so it is not audited.
    assert actions(lost) == ["submission.create"]


def test_reaper_takes_back_a_submission_whose_worker_died(settings):
    entry, stage = make_entry()
    now = timezone.now()
    lease = timedelta(seconds=settings.AILEAGUE_LEASE_S)
    dead = submit(entry, stage, GOOD_PREDICTIONS, now=now - timedelta(hours=2))
    busy = submit(entry, stage, GOOD_PREDICTIONS, now=now - timedelta(hours=2))
    worker.claim_submission(dead.pk, now=now - lease - timedelta(seconds=1))
    worker.claim_submission(busy.pk, now=now - lease + timedelta(seconds=1))
    assert worker.requeue_stale_submissions(now=now) == 1
    dead.refresh_from_db()
    busy.refresh_from_db()
    assert (dead.state, dead.enqueued_at) == (SubmissionState.QUEUED, now)
    assert busy.state == SubmissionState.SCORING
    assert audit(dead)[1:] == [
        ("submission.requeue", None, {"state": "scoring"}, {"state": "queued"})
    ]
    # The worker that picks it up next scores it as usual.
    worker.score_submission(submission_id=dead.pk)
    dead.refresh_from_db()
    assert (dead.state, dead.attempts) == (SubmissionState.SCORED, 2)


def test_reaper_finds_nothing_when_all_is_well():
    entry, stage = make_entry()
    submit(entry, stage, GOOD_PREDICTIONS)
    submit_and_score(entry, stage, GOOD_PREDICTIONS)
    assert worker.requeue_stale_submissions() == 0


# --- Final selection ---------------------------------------------------------------------------


def test_a_member_selects_a_scored_submission_as_final():
    entry, stage = make_entry()
    captain = captain_of(entry.team)
    submission = submit_and_score(entry, stage, GOOD_PREDICTIONS)
    services.select_final(submission=submission, selected=True, actor=captain)
    submission.refresh_from_db()
    assert submission.is_final_selection is True
    assert audit(submission)[-1] == (
        "submission.select_final",
        captain.pk,
        {"is_final_selection": False},
        {"is_final_selection": True},
    )


def test_final_selection_stops_at_the_stage_limit():
    entry, stage = make_entry(stage=make_stage(final_selection_limit=1))
    captain = captain_of(entry.team)
    first, second = (submit_and_score(entry, stage, GOOD_PREDICTIONS) for _ in range(2))
    services.select_final(submission=first, selected=True, actor=captain)
    # Selecting the same one again does not count twice.
    services.select_final(submission=first, selected=True, actor=captain)
    with pytest.raises(Conflict) as raised:
        services.select_final(submission=second, selected=True, actor=captain)
    assert raised.value.code == "too_many_finals"
    assert raised.value.message == (
        "You can select at most 1 final submissions; unselect one first."
    )
    services.select_final(submission=first, selected=False, actor=captain)
    services.select_final(submission=second, selected=True, actor=captain)
    finals = Submission.objects.filter(entry=entry, is_final_selection=True)
    assert list(finals.values_list("pk", flat=True)) == [second.pk]


def test_a_limit_of_zero_lets_a_team_select_any_number():
    entry, stage = make_entry(stage=make_stage(final_selection_limit=0))
    for _ in range(3):
        submission = submit_and_score(entry, stage, GOOD_PREDICTIONS)
        services.select_final(submission=submission, selected=True, actor=captain_of(entry.team))
    assert Submission.objects.filter(entry=entry, is_final_selection=True).count() == 3


@pytest.mark.parametrize("text", [GOOD_PREDICTIONS, BAD_PREDICTIONS], ids=["queued", "invalid"])
def test_only_scored_submissions_can_be_selected(text):
    entry, stage = make_entry()
    submission = submit(entry, stage, text)
    with pytest.raises(Conflict) as raised:
        services.select_final(submission=submission, selected=True, actor=captain_of(entry.team))
    assert raised.value.code == "not_scored"


def test_finals_cannot_change_once_the_stage_closes():
    entry, stage = make_entry()
    submission = submit_and_score(entry, stage, GOOD_PREDICTIONS)
    with pytest.raises(DeadlinePassed) as raised:
        services.select_final(
            submission=submission,
            selected=True,
            actor=captain_of(entry.team),
            now=stage.closes_at,
        )
    assert raised.value.code == "stage_closed"
    submission.refresh_from_db()
    assert submission.is_final_selection is False


def test_someone_outside_the_team_cannot_select_its_finals():
    entry, stage = make_entry()
    submission = submit_and_score(entry, stage, GOOD_PREDICTIONS)
    with pytest.raises(PermissionDenied) as raised:
        services.select_final(submission=submission, selected=True, actor=make_user())
    assert raised.value.code == "not_a_member"


# --- The audit trail of one submission ---------------------------------------------------------


def test_every_state_change_of_a_submission_is_audited_once():
    entry, stage = make_entry()
    captain = captain_of(entry.team)
    submission = submit_and_score(entry, stage, GOOD_PREDICTIONS)
    services.select_final(submission=submission, selected=True, actor=captain)
    assert [(action, actor) for action, actor, _before, _after in audit(submission)] == [
        ("submission.create", captain.pk),
        ("submission.scored", None),
        ("submission.select_final", captain.pk),
    ]
