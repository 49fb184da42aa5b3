"""Scoring on a worker: claim with a lease, score, finish exactly once; the reaper.

The database decides who scores what. A worker *claims* a queued submission with a
conditional update that bumps ``attempts`` and sets a lease (``lease_expires_at``), which a
heartbeat renews while the file is scored. It *finishes* with another conditional update that
matches its own attempt: a worker that lost its lease (it was presumed dead and the submission
given to another) writes nothing. Scores and the terminal state are written in one
transaction, and scores are unique per (submission, split, scorer version), so a submission
has one set of scores however often its message is delivered.

Broker messages only wake workers: a message names a submission, but the worker takes the
fairest queued one (``queue.next_candidate``). A lost message loses nothing: the reaper sends
new ones for submissions queued too long, and takes back leases that expired.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from aileague.common import storage
from aileague.common.audit import record_audit
from aileague.scoring import InvalidSubmission, TaskSchema, evaluate_file
from aileague.scoring.custom import CustomMetricError
from aileague.scoring.evaluate import ReferenceError
from aileague.submissions.models import Score, Submission, SubmissionState
from aileague.submissions.queue import next_candidate

log = logging.getLogger(__name__)
#: Claims of one submission before an infrastructure failure ends it as ``failed``.
MAX_ATTEMPTS = 3


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def lease_length() -> timedelta:
    return timedelta(seconds=settings.AILEAGUE_LEASE_S)


# --- Waking workers ---------------------------------------------------------------------------


def enqueue_scoring(submission_id: int) -> None:
    """Wake a worker. If the broker is down the row stays queued and the reaper wakes one later."""
    from aileague.submissions.tasks import task_score_submission

    try:
        task_score_submission.delay(submission_id)
    except Exception:  # noqa: BLE001 - the database, not the broker, holds the submission
        log.exception("could not enqueue submission %s; the reaper will retry", submission_id)


# --- Claiming ---------------------------------------------------------------------------------


def _claim(submission_id: int, now: datetime, worker: str) -> Submission | None:
    claimed = Submission.objects.filter(pk=submission_id, state=SubmissionState.QUEUED).update(
        state=SubmissionState.SCORING,
        started_at=now,
        attempts=F("attempts") + 1,
        worker=worker[:200],
        lease_expires_at=now + lease_length(),
    )
    if not claimed:
        return None
    return Submission.objects.select_related("stage", "stage__scenario", "entry").get(
        pk=submission_id
    )


def claim_submission(
    submission_id: int, now: datetime | None = None, worker: str = ""
) -> Submission | None:
    """Claim this submission; None if someone else has it or it is finished."""
    return _claim(submission_id, now or timezone.now(), worker or worker_name())


def claim_next(now: datetime | None = None, worker: str = "") -> Submission | None:
    """Claim the submission the fair order puts first; None when nothing is queued."""
    now, worker = now or timezone.now(), worker or worker_name()
    for _ in range(5):  # another worker may win a race for the same row (without row locks)
        with transaction.atomic():
            candidate = next_candidate()
            if candidate is None:
                return None
            submission = _claim(candidate, now, worker)
        if submission is not None:
            return submission
    return None


# --- Scoring ----------------------------------------------------------------------------------


def score_submission(*, submission_id: int) -> Submission | None:
    """Score this submission on every split. Safe to run twice: the second finds it claimed
    or finished and does nothing."""
    submission = claim_submission(submission_id)
    return None if submission is None else run_claimed(submission)


def score_next() -> Submission | None:
    """Claim the fairest queued submission and score it (what a woken worker does)."""
    submission = claim_next()
    return None if submission is None else run_claimed(submission)


class _Heartbeat:
    """Renews the lease while a file is scored, so only a dead worker's lease runs out."""

    def __init__(self, submission: Submission) -> None:
        self.submission = submission
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()

    def _run(self) -> None:
        every = max(0.5, settings.AILEAGUE_LEASE_S / 3)
        used_database = False
        try:
            while not self.stop.wait(every):
                used_database = True
                Submission.objects.filter(
                    pk=self.submission.pk,
                    state=SubmissionState.SCORING,
                    attempts=self.submission.attempts,
                ).update(lease_expires_at=timezone.now() + lease_length())
        except Exception:  # noqa: BLE001 - a missed renewal only risks a second attempt
            log.exception("could not renew the lease of submission %s", self.submission.pk)
        finally:
            if used_database:
                connection.close()


def evaluate_submission(submission: Submission):
    """Score a submission's file on its scenario's current reference and metric (a worker's
    scoring and a re-scoring run alike); raises what ``evaluate_file`` raises."""
    scenario = submission.stage.scenario
    return evaluate_file(
        Path(storage.local_path(submission.file.name)),
        reference_path(scenario),
        TaskSchema.from_dict(scenario.task),
        custom_metric_path=_custom_metric_path(scenario),
    )


def run_claimed(submission: Submission) -> Submission | None:
    """Score a submission this worker has claimed, and finish it (or give it back)."""
    # What the verdict rests on, as this worker read it when it claimed the submission.
    inputs = scoring_inputs(submission.stage.scenario)
    try:
        with _Heartbeat(submission):
            evaluation = evaluate_submission(submission)
    except InvalidSubmission as exc:
        problems = [problem_record(p) for p in exc.problems]
        return finish(submission, SubmissionState.INVALID, problems, scored_with=inputs)
    except CustomMetricError as exc:
        # The organiser's metric failed; it would fail again, so there is no retry.
        problems = [{"code": exc.code, "log": exc.report}]
        return finish(submission, SubmissionState.FAILED, problems, scored_with=inputs)
    except ReferenceError as exc:
        problems = [{"code": "reference_error", "log": str(exc)}]
        return finish(submission, SubmissionState.FAILED, problems, scored_with=inputs)
    except Exception:
        if submission.attempts >= MAX_ATTEMPTS:
            return finish(
                submission,
                SubmissionState.FAILED,
                [{"code": "scoring_error", "log": traceback.format_exc(limit=8)}],
            )
        _give_back(submission)
        raise
    return finish(
        submission,
        SubmissionState.SCORED,
        [],
        scores=evaluation.scores,
        metric=evaluation.metric,
        signature=evaluation.signature,
        scored_with=inputs,
    )


def scoring_inputs(scenario) -> tuple:
    """What a verdict rests on: the hidden reference, the task (metric, columns) and the
    custom metric. A re-scoring run replaces some of them."""
    custom = scenario.custom_metric_file.name if scenario.custom_metric_file else ""
    return (scenario.reference_file.name or "", scenario.task, custom or "")


def _inputs_changed(submission: Submission, scored_with: tuple) -> bool:
    from aileague.competitions.models import Scenario

    fresh = Scenario.objects.only("reference_file", "task", "custom_metric_file").get(
        pk=submission.stage.scenario_id
    )
    return scoring_inputs(fresh) != scored_with


def _give_back(submission: Submission) -> None:
    Submission.objects.filter(
        pk=submission.pk, state=SubmissionState.SCORING, attempts=submission.attempts
    ).update(state=SubmissionState.QUEUED, enqueued_at=timezone.now(), lease_expires_at=None)


def finish(
    submission: Submission,
    state: str,
    problems: list[dict],
    *,
    scores: dict[str, float] | None = None,
    metric: str = "",
    signature: str = "",
    scored_with: tuple | None = None,
) -> Submission | None:
    """Write the terminal state (and scores) if this worker's claim still holds.

    One transaction: the conditional update on (state, attempts) decides; without it, nothing
    is written and None is returned, because another attempt owns the submission now.

    ``scored_with``: the ``scoring_inputs`` the verdict was reached on. If the organiser has
    replaced the reference or the task since (a re-scoring run), the verdict is stale: it is
    dropped and the submission goes back to the queue, to be scored on what is current.
    Otherwise an old reference's score could be written under the new version.
    """
    from aileague.leaderboards.services import refresh_standing
    from aileague.submissions.rescore import scorer_versions_to_write

    with transaction.atomic():
        if scored_with is not None and _inputs_changed(submission, scored_with):
            log.info("submission %s: scored on a replaced reference or task; again", submission.pk)
            _give_back(submission)
            transaction.on_commit(lambda: enqueue_scoring(submission.pk))
            return None
        now = timezone.now()
        updated = Submission.objects.filter(
            pk=submission.pk, state=SubmissionState.SCORING, attempts=submission.attempts
        ).update(state=state, problems=problems, finished_at=now, lease_expires_at=None)
        if not updated:
            log.warning(
                "submission %s: attempt %s lost its lease; another attempt finishes it",
                submission.pk,
                submission.attempts,
            )
            return None
        for version in scorer_versions_to_write(submission.stage) if scores else ():
            for split, value in scores.items():
                Score.objects.update_or_create(
                    submission=submission,
                    split=split,
                    scorer_version=version,
                    defaults={"value": value, "metric": metric, "signature": signature},
                )
        submission.state, submission.problems, submission.finished_at = state, problems, now
        record_audit(
            actor=None,
            action=f"submission.{state}",
            target=submission,
            before={"state": SubmissionState.SCORING},
            after={"state": state},
        )
        if scores:
            refresh_standing(stage=submission.stage, entry_id=submission.entry_id)
    return submission


def problem_record(problem) -> dict:
    """What we store: the code and data; messages are rendered in the reader's language."""
    return {
        "code": problem.code,
        "params": problem.params,
        "lines": problem.lines,
        "examples": problem.examples,
    }


def reference_path(scenario) -> Path:
    if not scenario.reference_file:
        raise ReferenceError(f"scenario {scenario.slug} has no hidden reference")
    return Path(scenario.reference_file.path)


def _custom_metric_path(scenario) -> Path | None:
    """The scenario's custom metric file, if it has one (a custom task without one fails)."""
    if not scenario.custom_metric_file:
        return None
    return Path(storage.local_path(scenario.custom_metric_file.name))


# --- The reaper -------------------------------------------------------------------------------


def requeue_stale_submissions(*, now: datetime | None = None) -> int:
    """Take back expired leases and wake workers for submissions whose message was lost.

    A lease runs out only when its worker stopped renewing it: the process died, or its host
    did. The submission goes back to the queue, or, after ``MAX_ATTEMPTS`` claims, ends as
    ``failed`` (ours, so never charged). Returns how many submissions it woke workers for.
    """
    now = now or timezone.now()
    for submission in Submission.objects.filter(
        state=SubmissionState.SCORING, lease_expires_at__lt=now
    ).select_related("stage"):
        _reclaim(submission, now)
    stale_queue = now - timedelta(seconds=settings.AILEAGUE_REQUEUE_AFTER_S)
    lost = list(
        Submission.objects.filter(state=SubmissionState.QUEUED)
        .exclude(enqueued_at__gte=stale_queue)
        .values_list("pk", flat=True)
    )
    for submission_id in lost:
        Submission.objects.filter(pk=submission_id).update(enqueued_at=now)
        enqueue_scoring(submission_id)
    return len(lost)


def _reclaim(submission: Submission, now: datetime) -> None:
    gone = {"code": "worker_lost", "log": f"the worker {submission.worker} stopped responding"}
    with transaction.atomic():
        # Guarded like the claim: the worker may have finished, or renewed its lease, meanwhile.
        expired = Submission.objects.filter(
            pk=submission.pk,
            state=SubmissionState.SCORING,
            attempts=submission.attempts,
            lease_expires_at__lt=now,
        )
        if submission.attempts >= MAX_ATTEMPTS:
            if expired.update(
                state=SubmissionState.FAILED,
                problems=[gone],
                finished_at=now,
                lease_expires_at=None,
            ):
                record_audit(
                    actor=None,
                    action="submission.failed",
                    target=submission,
                    before={"state": SubmissionState.SCORING},
                    after={"state": SubmissionState.FAILED, "reason": "worker_lost"},
                )
            return
        if expired.update(state=SubmissionState.QUEUED, enqueued_at=None, lease_expires_at=None):
            record_audit(
                actor=None,
                action="submission.requeue",
                target=submission,
                before={"state": SubmissionState.SCORING},
                after={"state": SubmissionState.QUEUED},
            )
