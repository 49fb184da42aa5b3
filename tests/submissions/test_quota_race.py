"""Quotas hold under real concurrency: parallel uploads can never overdraw them.

Fifty uploads start at once (a barrier releases the threads together), each on its own HTTP
connection to the live server or its own database connection, so the only thing between them
is the lock taken by the accepting transaction. Works on SQLite (IMMEDIATE transactions) and
PostgreSQL (SELECT ... FOR UPDATE on the entry).
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.db import connections

from aileague.accounts.services import create_api_token
from aileague.common.errors import QuotaExceeded
from aileague.submissions import worker
from aileague.submissions.models import Submission, SubmissionState
from aileague.submissions.queries import day_window, quota_status
from tests.factories import (
    GOOD_PREDICTIONS,
    captain_of,
    make_entry,
    make_stage,
    submit,
)
from tests.services import celery_broker, session_workers_paused

pytestmark = pytest.mark.django_db(transaction=True)

PARALLEL = 50
LEFT = 5
USED = 3
SHANGHAI = ZoneInfo("Asia/Shanghai")
BEFORE_MIDNIGHT = datetime(2026, 3, 10, 23, 59, 59, tzinfo=SHANGHAI)
MIDNIGHT = datetime(2026, 3, 11, 0, 0, 0, tzinfo=SHANGHAI)
HIGH = 1000


@pytest.fixture(autouse=True)
def no_worker(transactional_db):  # set up after the database, so torn down before its flush
    """Accepted submissions go to an in-process broker that no worker reads, and the workers
    other tests started are paused: none of the race's submissions leaves the queue meanwhile
    (that would free a ``max_running`` slot, or a quota if it failed)."""
    with celery_broker("memory://localhost/"), session_workers_paused():
        yield


def stored_files(files_dir: Path, stage, entry) -> int:
    folder = files_dir / "submissions" / str(stage.pk) / str(entry.team_id)
    return sum(1 for path in folder.iterdir() if path.is_file()) if folder.exists() else 0


def at_once(call, *, prepare=lambda: None, count: int = PARALLEL) -> list:
    """Run ``call(prepare())`` in ``count`` threads, the calls released together once every
    thread is prepared; each thread's result or quota error."""
    barrier = threading.Barrier(count)

    def one():
        try:
            prepared = prepare()
            barrier.wait()
            return call(prepared)
        except QuotaExceeded as exc:
            return exc
        finally:
            connections.close_all()  # this thread's own database connection

    with ThreadPoolExecutor(count) as pool:
        return [f.result() for f in [pool.submit(one) for _ in range(count)]]


QUOTAS = {
    "daily": {"daily_quota": USED + LEFT, "total_quota": HIGH, "max_running": HIGH},
    "total": {"daily_quota": HIGH, "total_quota": USED + LEFT, "max_running": HIGH},
    "running": {"daily_quota": HIGH, "total_quota": HIGH, "max_running": USED + LEFT},
}


def quota_message(kind: str, stage, entry) -> str:
    if kind == "daily":
        resets_at = quota_status(entry=entry, stage=stage).resets_at
        return (
            f"Your team has used all {USED + LEFT} submissions for today; the count resets at "
            f"{resets_at.strftime('%Y-%m-%d %H:%M %Z')}."
        )
    if kind == "total":
        return f"Your team has used all {USED + LEFT} submissions of this stage."
    return (
        f"Your team already has {USED + LEFT} submissions waiting to be scored; "
        "wait for one to finish."
    )


@pytest.mark.parametrize("kind", QUOTAS)
def test_50_parallel_api_uploads_with_5_left_accept_exactly_5(kind, live_server, files_dir):
    entry, stage = make_entry(stage=make_stage(**QUOTAS[kind]))
    for _ in range(USED):
        submit(entry, stage, GOOD_PREDICTIONS)
    _, token = create_api_token(user=captain_of(entry.team), name="race")
    api = f"{live_server.url}/api/v1/scenarios/{stage.scenario.slug}"

    def connect() -> httpx.Client:
        # Connected before the race: the live server accepts only 10 pending connections at a
        # time, and 50 at once would overflow its backlog rather than race for the quota.
        client = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=120)
        assert client.get(f"{api}/quota").status_code == 200
        return client

    def post(client: httpx.Client) -> tuple[int, str | None, str | None]:
        try:
            response = client.post(
                f"{api}/submissions", files={"file": ("p.csv", GOOD_PREDICTIONS.encode())}
            )
        finally:
            client.close()
        body = response.json()
        if response.status_code == 201:
            return 201, body["state"], None
        return response.status_code, body.get("code"), body.get("message")

    outcomes = Counter(at_once(post, prepare=connect))

    assert outcomes == {
        (201, SubmissionState.QUEUED, None): LEFT,
        (429, f"quota_{kind}", quota_message(kind, stage, entry)): PARALLEL - LEFT,
    }
    assert Submission.objects.filter(entry=entry).count() == USED + LEFT
    assert stored_files(files_dir, stage, entry) == USED + LEFT  # no refused file left behind


def march_entry(**quotas):
    return make_entry(
        stage=make_stage(
            opens_at=datetime(2026, 3, 1, tzinfo=UTC),
            closes_at=datetime(2026, 4, 1, tzinfo=UTC),
            timezone="Asia/Shanghai",
            **quotas,
        )
    )


def race_at(entry, stage, now: datetime) -> Counter:
    """Fifty service calls at once, all at the instant ``now``."""
    results = at_once(lambda _: submit(entry, stage, GOOD_PREDICTIONS, now=now))
    return Counter(r.code if isinstance(r, QuotaExceeded) else r.state for r in results)


def test_parallel_uploads_at_235959_local_use_that_day_and_at_midnight_the_next(files_dir):
    entry, stage = march_entry(daily_quota=LEFT, total_quota=HIGH, max_running=HIGH)

    five_of_fifty = {"queued": LEFT, "quota_daily": PARALLEL - LEFT}
    assert race_at(entry, stage, BEFORE_MIDNIGHT) == five_of_fifty
    assert race_at(entry, stage, MIDNIGHT) == five_of_fifty

    for day, now in [(10, BEFORE_MIDNIGHT), (11, MIDNIGHT)]:
        start, end = day_window(stage, now)
        assert (start, end) == (
            datetime(2026, 3, day, tzinfo=SHANGHAI),
            datetime(2026, 3, day + 1, tzinfo=SHANGHAI),
        )
        assert Submission.objects.filter(created_at__gte=start, created_at__lt=end).count() == LEFT
        assert quota_status(entry=entry, stage=stage, now=now).daily_left == 0
    assert stored_files(files_dir, stage, entry) == 2 * LEFT


def test_max_running_admits_exactly_as_many_as_have_finished(files_dir):
    at = datetime(2026, 3, 10, 9, tzinfo=SHANGHAI)
    entry, stage = march_entry(daily_quota=HIGH, total_quota=HIGH, max_running=LEFT)

    assert race_at(entry, stage, at) == {"queued": LEFT, "quota_running": PARALLEL - LEFT}
    waiting = Submission.objects.filter(entry=entry, state=SubmissionState.QUEUED)
    for submission in waiting.order_by("pk")[:2]:
        worker.score_submission(submission_id=submission.pk)
    assert race_at(entry, stage, at) == {"queued": 2, "quota_running": PARALLEL - 2}

    states = Counter(Submission.objects.filter(entry=entry).values_list("state", flat=True))
    assert states == {SubmissionState.SCORED: 2, SubmissionState.QUEUED: LEFT}
    assert stored_files(files_dir, stage, entry) == LEFT + 2
