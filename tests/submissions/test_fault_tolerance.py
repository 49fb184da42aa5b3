"""No submission is ever lost or stuck: 300 submissions while ``kill -9`` hits the workers and the
broker restarts. Real PostgreSQL, a private redis-server, real Celery workers and beat.

The harm: every 1–3 s a random worker process dies by SIGKILL — usually a pool child (the
task it ran is lost mid-flight), now and then a whole worker (the test then starts a new one, as
a supervisor would). Once, half-way, the broker dies and comes back empty, so every message in
it is lost. Recovery rests on the database alone: leases that expire and a reaper run by beat.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from aileague.common import storage
from aileague.scoring import TaskSchema, evaluate_file
from aileague.submissions.models import (
    CHARGED_STATES,
    TERMINAL_STATES,
    Score,
    Submission,
    SubmissionState,
)
from aileague.submissions.queries import quota_status
from tests.conftest import database_url, wait_for
from tests.factories import make_entry, make_scenario, make_stage, submit
from tests.services import (
    CeleryProcess,
    RedisServer,
    celery_beat,
    celery_broker,
    celery_env,
    celery_worker,
    kill_process,
    process_children,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.real_services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL; runs in .ci/run's second pass",
    ),
]

SUBMISSIONS = 300
TEAMS = 10
WORKERS = 2
# Short lease and reaper intervals, so that recovery happens within the test's time.
RECOVERY_SETTINGS = {
    "AILEAGUE_LEASE_S": "4",
    "AILEAGUE_REAPER_EVERY_S": "2",
    "AILEAGUE_REQUEUE_AFTER_S": "8",
    "AILEAGUE_SCORING_TIME_LIMIT_S": "60",
}
SUBMIT_EVERY_S = 0.1
SPLITS = ("public", "private")
ROWS = 200
HARM_AFTER_SUBMITTING_S = 10
RECOVERY_TIMEOUT_S = 120


class Harm:
    """Kills worker processes at random, every 1–3 s; counts what it did."""

    def __init__(self, workers: list[CeleryProcess], seed: int) -> None:
        self.workers = workers
        self.random = random.Random(seed)
        self.kills = Counter()
        self.next_kill = time.monotonic() + self.random.uniform(1, 3)

    def maybe_kill(self) -> None:
        if time.monotonic() < self.next_kill:
            return
        worker = self.random.choice(self.workers)
        children = process_children(worker.pid)
        if children and self.random.random() < 0.8:
            kill_process(self.random.choice(children))
            self.kills["pool child"] += 1
        else:
            worker.kill_all()
            self.kills["whole worker"] += 1
            worker.start()
        self.next_kill = time.monotonic() + self.random.uniform(1, 3)


@pytest.fixture
def private_services(tmp_path):
    """A private broker, two supervised workers and a beat on the test database."""
    broker = RedisServer(tmp_path)
    broker.start()
    env = celery_env(
        database_url=database_url(connection.settings_dict),
        broker_url=broker.url,
        **RECOVERY_SETTINGS,
    )
    workers = [celery_worker(f"fault{i}", env, tmp_path / f"worker{i}.log") for i in range(WORKERS)]
    beat = celery_beat(env, tmp_path)
    started: list[CeleryProcess] = []
    try:
        for process in [*workers, beat]:
            process.start()
            started.append(process)
        with celery_broker(broker.url):
            yield broker, workers
    finally:
        # Stopped before pytest-django empties the database they write to.
        for process in started:
            process.kill_all()
        broker.kill()


def test_300_submissions_survive_killed_workers_and_a_broker_restart(private_services, capsys):
    broker, workers = private_services
    rng = random.Random(4)
    scenario = make_scenario(reference=reference_csv())
    stage = make_stage(scenario=scenario, daily_quota=1000, total_quota=1000, max_running=1000)
    entries = [make_entry(stage=stage)[0] for _ in range(TEAMS)]
    harm = Harm(workers, seed=rng.randrange(1 << 30))

    started = time.monotonic()
    ids = []
    for i in range(SUBMISSIONS):
        ids.append(submit(entries[i % TEAMS], stage, predictions_csv(rng)).pk)
        if i == SUBMISSIONS // 2:
            broker.restart()
        harm.maybe_kill()
        time.sleep(max(0.0, started + (i + 1) * SUBMIT_EVERY_S - time.monotonic()))
    harm_until = time.monotonic() + HARM_AFTER_SUBMITTING_S
    while time.monotonic() < harm_until:
        harm.maybe_kill()
        time.sleep(0.1)

    harmed_s = time.monotonic() - started
    try:
        wait_for(lambda: _all_terminal(ids), timeout_s=RECOVERY_TIMEOUT_S, interval_s=1)
    finally:
        with capsys.disabled():  # shown on success too: the log proves the harm was done
            _print_harm(harm, broker, ids, harmed_s, time.monotonic() - started - harmed_s)

    assert Submission.objects.filter(pk__in=ids).count() == SUBMISSIONS
    states = Counter(Submission.objects.filter(pk__in=ids).values_list("state", flat=True))
    assert set(states) <= {SubmissionState.SCORED, SubmissionState.FAILED}, states
    assert states[SubmissionState.SCORED] + states[SubmissionState.FAILED] == SUBMISSIONS
    _assert_one_score_per_split(stage, ids)
    _assert_scores_equal_bare_evaluation(stage, ids)
    _assert_failures_are_not_charged(stage, entries)


def _all_terminal(ids: list[int]) -> bool:
    return not Submission.objects.filter(pk__in=ids).exclude(state__in=TERMINAL_STATES).exists()


def _print_harm(
    harm: Harm, broker: RedisServer, ids: list[int], harmed_s: float, recovered_s: float
) -> None:
    submissions = Submission.objects.filter(pk__in=ids)
    states = dict(Counter(submissions.values_list("state", flat=True)))
    retried = submissions.filter(attempts__gt=1).count()
    print(
        f"\nfault test: {harmed_s:.0f} s of harm, then {recovered_s:.0f} s to recover, "
        f"pool children killed={harm.kills['pool child']}, "
        f"whole workers killed={harm.kills['whole worker']}, broker restarts={broker.restarts}, "
        f"submissions with attempts>1={retried}, states={states}"
    )


def _assert_one_score_per_split(stage, ids: list[int]) -> None:
    scores = Counter(
        Score.objects.filter(
            submission_id__in=ids, scorer_version=stage.scorer_version
        ).values_list("submission_id", "split")
    )
    scored = Submission.objects.filter(pk__in=ids, state=SubmissionState.SCORED)
    expected = {(pk, split): 1 for pk in scored.values_list("pk", flat=True) for split in SPLITS}
    assert dict(scores) == expected


def _assert_scores_equal_bare_evaluation(stage, ids: list[int]) -> None:
    scenario = stage.scenario
    schema = TaskSchema.from_dict(scenario.task)
    reference = Path(scenario.reference_file.path)
    for submission in Submission.objects.filter(pk__in=ids, state=SubmissionState.SCORED):
        bare = evaluate_file(Path(storage.local_path(submission.file.name)), reference, schema)
        stored = dict(
            submission.scores.filter(scorer_version=stage.scorer_version).values_list(
                "split", "value"
            )
        )
        assert stored == bare.scores, submission.pk


def _assert_failures_are_not_charged(stage, entries) -> None:
    for submission in Submission.objects.filter(stage=stage, state=SubmissionState.FAILED):
        assert submission.problems != [], submission.pk  # a failure says why
    for entry in entries:
        charged = Submission.objects.filter(entry=entry, state__in=CHARGED_STATES).count()
        scored = Submission.objects.filter(entry=entry, state=SubmissionState.SCORED).count()
        assert quota_status(entry=entry, stage=stage).total_used == charged == scored


def reference_csv() -> str:
    """Ids alternate between the splits; each split has both classes."""
    rows = [f"{i:04d},{(i // 2) % 2},{SPLITS[i % 2]}\n" for i in range(ROWS)]
    return "id,target,split\n" + "".join(rows)


def predictions_csv(rng: random.Random) -> str:
    rows = [f"{i:04d},{rng.random():.3f}\n" for i in range(ROWS)]
    return "id,prediction\n" + "".join(rows)
