"""Fair queuing across teams and scenarios, queue places, and the worker's lease."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from aileague.common.models import AuditEntry
from aileague.submissions import worker
from aileague.submissions.models import Score, Submission, SubmissionState
from aileague.submissions.queries import quota_status
from aileague.submissions.queue import next_round, queue_places
from tests.factories import (
    GOOD_PREDICTIONS,
    make_entry,
    make_scenario,
    make_stage,
    make_team,
    submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_files(files_dir):
    """Every test here keeps its files in its own folder."""


def roomy_stage(**fields):
    return make_stage(daily_quota=100, total_quota=100, max_running=100, **fields)


def claims_in_order() -> list[int]:
    order = []
    while (submission := worker.claim_next()) is not None:
        order.append(submission.pk)
        worker.run_claimed(submission)
    return order


# --- Rounds -------------------------------------------------------------------------------------


def test_a_teams_burst_takes_successive_rounds_and_a_newcomer_joins_the_head():
    stage = roomy_stage()
    burst, _ = make_entry(stage=stage)
    other, _ = make_entry(stage=stage)
    rounds = [submit(burst, stage, GOOD_PREDICTIONS).queue_round for _ in range(4)]
    assert rounds == [1, 2, 3, 4]
    assert submit(other, stage, GOOD_PREDICTIONS).queue_round == 1
    assert next_round(team_id=other.team_id) == 2


def test_rounds_never_fall_behind_the_head_of_the_queue():
    stage = roomy_stage()
    early, _ = make_entry(stage=stage)
    late, _ = make_entry(stage=stage)
    first = [submit(early, stage, GOOD_PREDICTIONS) for _ in range(3)]
    claims = [worker.claim_next(), worker.claim_next()]  # rounds 1 and 2 leave the queue
    assert [c.pk for c in claims] == [first[0].pk, first[1].pk]
    assert submit(late, stage, GOOD_PREDICTIONS).queue_round == 3


def test_an_invalid_file_takes_no_round():
    stage = roomy_stage()
    entry, _ = make_entry(stage=stage)
    assert submit(entry, stage, "id,prediction\n001,abc\n").queue_round == 0


# --- Fair claiming -----------------------------------------------------------------------------


def test_one_teams_burst_does_not_starve_the_others():
    stage = roomy_stage()
    burst, _ = make_entry(stage=stage)
    quiet, _ = make_entry(stage=stage)
    third, _ = make_entry(stage=stage)
    a = [submit(burst, stage, GOOD_PREDICTIONS).pk for _ in range(5)]
    b = submit(quiet, stage, GOOD_PREDICTIONS).pk
    c = [submit(third, stage, GOOD_PREDICTIONS).pk for _ in range(2)]
    # Round 1: a[0], b, c[0]; round 2: a[1], c[1]; then the rest of the burst.
    assert claims_in_order() == [a[0], b, c[0], a[1], c[1], a[2], a[3], a[4]]


def test_a_slow_scenario_holds_at_most_its_share_of_the_workers():
    slow_stage = roomy_stage(scenario=make_scenario())
    fast_stage = roomy_stage(scenario=make_scenario())
    slow_team, _ = make_entry(stage=slow_stage)
    other_team, _ = make_entry(stage=slow_stage)
    fast_team, _ = make_entry(stage=fast_stage)
    slow = [submit(slow_team, slow_stage, GOOD_PREDICTIONS).pk for _ in range(2)]
    slow_other = submit(other_team, slow_stage, GOOD_PREDICTIONS).pk
    fast = submit(fast_team, fast_stage, GOOD_PREDICTIONS).pk
    # One worker is busy with the slow scenario; the next free one serves the other scenario,
    # although the slow scenario's other team sent its file earlier in the same round.
    assert worker.claim_next().pk == slow[0]
    assert worker.claim_next().pk == fast
    assert worker.claim_next().pk == slow_other
    assert worker.claim_next().pk == slow[1]
    assert worker.claim_next() is None


def test_a_woken_worker_scores_the_fairest_submission():
    stage = roomy_stage()
    entry, _ = make_entry(stage=stage)
    first = submit(entry, stage, GOOD_PREDICTIONS)
    second = submit(entry, stage, GOOD_PREDICTIONS)
    scored = worker.score_next()
    assert scored.pk == first.pk
    assert scored.state == SubmissionState.SCORED
    assert Submission.objects.get(pk=second.pk).state == SubmissionState.QUEUED
    assert worker.score_next().pk == second.pk
    assert worker.score_next() is None


# --- Queue places ------------------------------------------------------------------------------


def test_each_team_sees_its_place_in_the_queue_and_an_estimate():
    stage = roomy_stage()
    burst, _ = make_entry(stage=stage)
    quiet, _ = make_entry(stage=stage)
    a = [submit(burst, stage, GOOD_PREDICTIONS) for _ in range(3)]
    b = submit(quiet, stage, GOOD_PREDICTIONS)
    places = queue_places([*a, b])
    assert [places[s.pk].position for s in a] == [1, 3, 4]
    assert places[b.pk].position == 2
    assert places[b.pk].eta_seconds is None  # nothing scored yet: no estimate is better
    done = worker.score_next()
    Submission.objects.filter(pk=done.pk).update(
        started_at=timezone.now() - timedelta(seconds=4), finished_at=timezone.now()
    )
    cache.clear()  # the estimate is kept for a few seconds
    places = queue_places(list(Submission.objects.filter(state=SubmissionState.QUEUED)))
    assert places[b.pk].position == 1
    assert places[b.pk].eta_seconds == pytest.approx(4.0, abs=0.5)


def test_finished_submissions_have_no_place():
    stage = roomy_stage()
    entry, _ = make_entry(stage=stage)
    submission = submit(entry, stage, GOOD_PREDICTIONS)
    worker.score_submission(submission_id=submission.pk)
    submission.refresh_from_db()
    assert queue_places([submission]) == {}


# --- Leases ------------------------------------------------------------------------------------


def test_a_claim_takes_a_lease_and_finishing_clears_it(settings):
    stage = roomy_stage()
    entry, _ = make_entry(stage=stage)
    submission = submit(entry, stage, GOOD_PREDICTIONS)
    now = timezone.now()
    claimed = worker.claim_submission(submission.pk, now=now, worker="host:1")
    assert claimed.attempts == 1
    assert claimed.worker == "host:1"
    assert claimed.lease_expires_at == now + timedelta(seconds=settings.AILEAGUE_LEASE_S)
    worker.run_claimed(claimed)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SCORED
    assert submission.lease_expires_at is None


def test_a_worker_that_lost_its_lease_writes_nothing(settings):
    stage = roomy_stage()
    entry, _ = make_entry(stage=stage)
    submission = submit(entry, stage, GOOD_PREDICTIONS)
    long_ago = timezone.now() - timedelta(seconds=settings.AILEAGUE_LEASE_S + 5)
    slow = worker.claim_submission(submission.pk, now=long_ago, worker="slow:1")
    worker.requeue_stale_submissions()  # the slow worker's lease ran out: back to the queue
    fresh = worker.claim_submission(submission.pk, worker="fresh:2")
    assert (slow.attempts, fresh.attempts) == (1, 2)
    assert worker.run_claimed(slow) is None  # it finally finishes, but it is too late
    assert Score.objects.filter(submission=submission).count() == 0
    assert worker.run_claimed(fresh).state == SubmissionState.SCORED
    assert Score.objects.filter(submission=submission).count() == 2
    entries = AuditEntry.objects.filter(
        object_type="submissions.submission", object_id=str(submission.pk)
    )
    actions = list(entries.order_by("at", "pk").values_list("action", flat=True))
    assert actions == ["submission.create", "submission.requeue", "submission.scored"]


def test_a_lease_that_runs_out_on_the_last_attempt_fails_uncharged(settings):
    stage = roomy_stage()
    entry, _ = make_entry(stage=stage)
    submission = submit(entry, stage, GOOD_PREDICTIONS)
    assert quota_status(entry=entry, stage=stage).total_used == 1
    long_ago = timezone.now() - timedelta(seconds=settings.AILEAGUE_LEASE_S + 5)
    for _ in range(worker.MAX_ATTEMPTS):
        assert worker.claim_submission(submission.pk, now=long_ago, worker="dies:1")
        worker.requeue_stale_submissions()
    submission.refresh_from_db()
    assert submission.state == SubmissionState.FAILED
    assert submission.problems[0]["code"] == "worker_lost"
    assert "dies:1" in submission.problems[0]["log"]
    assert quota_status(entry=entry, stage=stage).total_used == 0


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_the_lease_while_scoring(settings):
    settings.AILEAGUE_LEASE_S = 3
    stage = roomy_stage()
    entry, _ = make_entry(stage=stage)
    submission = submit(entry, stage, GOOD_PREDICTIONS)
    claimed = worker.claim_submission(submission.pk)
    first = claimed.lease_expires_at
    with worker._Heartbeat(claimed):
        time.sleep(2.5)
    renewed = Submission.objects.get(pk=submission.pk).lease_expires_at
    assert renewed > first
    worker.requeue_stale_submissions()
    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.SCORING


def test_a_team_can_have_submissions_in_two_scenarios_in_fair_rounds():
    league_stage = roomy_stage()
    other_stage = roomy_stage(scenario=make_scenario(track=league_stage.scenario.track))
    team = make_team(league=league_stage.scenario.track.league)
    first, _ = make_entry(stage=league_stage, team=team)
    second, _ = make_entry(stage=other_stage, team=team)
    rounds = [
        submit(first, league_stage, GOOD_PREDICTIONS).queue_round,
        submit(second, other_stage, GOOD_PREDICTIONS).queue_round,
    ]
    assert rounds == [1, 2]  # rounds are per team, across its scenarios


def test_the_api_and_the_page_show_the_queue_place(client):
    from aileague.accounts.services import create_api_token
    from tests.factories import captain_of

    stage = roomy_stage()
    burst, _ = make_entry(stage=stage)
    quiet, _ = make_entry(stage=stage)
    for _ in range(2):
        submit(burst, stage, GOOD_PREDICTIONS)
    mine = submit(quiet, stage, GOOD_PREDICTIONS)
    captain = captain_of(quiet.team)
    _, token = create_api_token(user=captain, name="t")
    response = client.get(
        f"/api/v1/submissions/{mine.pk}", headers={"authorization": f"Bearer {token}"}
    )
    body = response.json()
    assert (body["state"], body["queue_position"], body["eta_seconds"]) == ("queued", 2, None)
    client.force_login(captain)
    page = client.get(f"/submissions/{stage.scenario.slug}/{stage.slug}/").content.decode()
    assert 'data-position="2"' in page
    assert "#2 in the queue" in page


def test_a_file_that_arrives_damaged_makes_no_submission(client, files_dir):
    import hashlib

    from aileague.accounts.services import create_api_token
    from tests.factories import captain_of

    stage = roomy_stage()
    entry, _ = make_entry(stage=stage)
    _, token = create_api_token(user=captain_of(entry.team), name="t")
    url = f"/api/v1/scenarios/{stage.scenario.slug}/submissions"
    headers = {"authorization": f"Bearer {token}"}
    wrong = hashlib.sha256(b"something else").hexdigest()
    from django.core.files.uploadedfile import SimpleUploadedFile

    def files():
        return {"file": SimpleUploadedFile("p.csv", GOOD_PREDICTIONS.encode(), "text/csv")}

    response = client.post(url, data={**files(), "sha256": wrong}, headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "checksum_mismatch"
    assert Submission.objects.count() == 0
    assert not any(path.is_file() for path in files_dir.rglob("*") if "submissions" in path.parts)
    right = hashlib.sha256(GOOD_PREDICTIONS.encode()).hexdigest()
    response = client.post(url, data={**files(), "sha256": right}, headers=headers)
    assert response.status_code == 201
