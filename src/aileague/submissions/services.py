"""The life of a submission: accept (quota, deadline), score on a worker, select finals.

States: queued → scoring → scored | invalid | failed. ``invalid`` is the team's file being
wrong; ``failed`` is ours (a broken reference, a crash after retries). Neither is charged.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aileague.common import storage
from aileague.common.audit import record_audit
from aileague.common.errors import (
    Conflict,
    DeadlinePassed,
    InvalidInput,
    PermissionDenied,
    QuotaExceeded,
)
from aileague.competitions.models import EvaluationMode, Stage
from aileague.scoring import InvalidSubmission, TaskSchema, evaluate_file
from aileague.scoring.custom import CustomMetricError
from aileague.scoring.evaluate import ReferenceError
from aileague.submissions.models import Score, Submission, SubmissionState
from aileague.submissions.queries import quota_status
from aileague.teams.models import Entry
from aileague.teams.queries import is_member

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


def _check_can_submit(*, entry: Entry, stage: Stage, actor, now: datetime) -> None:
    if not is_member(actor, entry.team):
        raise PermissionDenied(_("Only members of the team can submit."), code="not_a_member")
    if stage.scenario_id != entry.scenario_id:
        raise InvalidInput(_("This stage belongs to another scenario."), code="wrong_stage")
    if stage.evaluation_mode == EvaluationMode.JURY:
        raise Conflict(
            _("This stage is judged by a jury; it takes no prediction files."), code="jury_stage"
        )
    if now < stage.opens_at:
        raise DeadlinePassed(_("This stage has not opened yet."), code="stage_not_open")
    if now >= stage.closes_at:
        raise DeadlinePassed(
            _("This stage closed; no more submissions are accepted."), code="stage_closed"
        )


def submit_predictions(
    *,
    entry: Entry,
    stage: Stage,
    upload: BinaryIO,
    filename: str,
    actor,
    description: str = "",
    now: datetime | None = None,
) -> Submission:
    """Store, validate and queue a predictions file.

    A file that fails validation is kept as an ``invalid`` submission (so the team sees why) and
    is not charged. Quota and deadline are checked again inside the accepting transaction, under
    a lock on the entry row, so parallel uploads cannot overdraw the quota.
    """
    now = now or timezone.now()
    _check_can_submit(entry=entry, stage=stage, actor=actor, now=now)
    if quota_status(entry=entry, stage=stage, now=now).blocked_reason:
        _raise_quota(entry, stage, now)
    submission_uuid = uuid.uuid4()
    name = (
        f"submissions/{stage.pk}/{entry.team_id}/{submission_uuid}{Path(filename).suffix.lower()}"
    )
    stored = storage.store_file(upload, name)
    try:
        if stored.size > settings.AILEAGUE_MAX_UPLOAD_BYTES:
            raise InvalidInput(
                _("The file is %(size)d bytes; the limit is %(limit)d bytes.")
                % {"size": stored.size, "limit": settings.AILEAGUE_MAX_UPLOAD_BYTES},
                code="file_too_large",
            )
        problems = _inline_problems(stage, stored)
        with transaction.atomic():
            Entry.objects.select_for_update().get(pk=entry.pk)
            if not problems:
                # The authoritative checks: under the lock, at the moment of acceptance.
                _check_can_submit(entry=entry, stage=stage, actor=actor, now=now)
                if quota_status(entry=entry, stage=stage, now=now).blocked_reason:
                    _raise_quota(entry, stage, now)
            submission = Submission.objects.create(
                uuid=submission_uuid,
                entry=entry,
                stage=stage,
                submitted_by=actor,
                file=stored.name,
                original_name=Path(filename).name[:255],
                size=stored.size,
                sha256=stored.sha256,
                description=description[:500],
                state=SubmissionState.INVALID if problems else SubmissionState.QUEUED,
                problems=problems or [],
                finished_at=now if problems else None,
                enqueued_at=None if problems else now,
            )
            # created_at is auto_now_add, but quotas and ranking ties count by the moment of
            # acceptance, which is ``now``: the quota was checked for ``now``'s day.
            Submission.objects.filter(pk=submission.pk).update(created_at=now)
            submission.created_at = now
            record_audit(
                actor=actor,
                action="submission.create",
                target=submission,
                after={"state": submission.state, "sha256": stored.sha256, "size": stored.size},
            )
            if not problems:
                transaction.on_commit(lambda: enqueue_scoring(submission.pk))
    except BaseException:
        storage.delete_file(stored.name)
        raise
    return submission


def _raise_quota(entry: Entry, stage: Stage, now: datetime) -> None:
    status = quota_status(entry=entry, stage=stage, now=now)
    messages = {
        "daily": _(
            "Your team has used all %(n)d submissions for today; the count resets at %(at)s."
        )
        % {"n": stage.daily_quota, "at": status.resets_at.strftime("%Y-%m-%d %H:%M %Z")},
        "total": _("Your team has used all %(n)d submissions of this stage.")
        % {"n": stage.total_quota},
        "running": _(
            "Your team already has %(n)d submissions waiting to be scored; wait for one to finish."
        )
        % {"n": stage.max_running},
    }
    raise QuotaExceeded(
        messages[status.blocked_reason],
        code=f"quota_{status.blocked_reason}",
        details=status.as_dict(),
    )


def _inline_problems(stage: Stage, stored: storage.StoredFile) -> list[dict]:
    """Validate small files at once, so the uploader gets the errors in the same response.

    Large files are validated by the worker instead (same code, same messages).
    """
    if stored.size > settings.AILEAGUE_INLINE_VALIDATION_MAX_BYTES:
        return []
    scenario = stage.scenario
    try:
        # No custom_metric_path: an organiser's metric never runs in the web process. The file
        # is validated all the same, then the metric refuses to run (CustomMetricError below).
        evaluate_file(
            Path(storage.local_path(stored.name)),
            _reference_path(scenario),
            TaskSchema.from_dict(scenario.task),
        )
    except InvalidSubmission as exc:
        return [problem_record(p) for p in exc.problems]
    except CustomMetricError:
        return []  # valid; the worker runs the custom metric
    except Exception:  # noqa: BLE001 - our own trouble is the worker's to report, not the team's
        log.exception("inline validation failed for scenario %s", scenario.slug)
    return []


def problem_record(problem) -> dict:
    """What we store: the code and data; messages are rendered in the reader's language."""
    return {
        "code": problem.code,
        "params": problem.params,
        "lines": problem.lines,
        "examples": problem.examples,
    }


def _reference_path(scenario) -> Path:
    if not scenario.reference_file:
        raise ReferenceError(f"scenario {scenario.slug} has no hidden reference")
    return Path(scenario.reference_file.path)


def _custom_metric_path(scenario) -> Path | None:
    """The scenario's custom metric file, if it has one (a custom task without one fails)."""
    if not scenario.custom_metric_file:
        return None
    return Path(storage.local_path(scenario.custom_metric_file.name))


def enqueue_scoring(submission_id: int) -> None:
    """Send the scoring task. If the broker is down the row stays queued; the reaper resends it."""
    from aileague.submissions.tasks import task_score_submission

    try:
        task_score_submission.delay(submission_id)
    except Exception:  # noqa: BLE001 - the database, not the broker, holds the submission
        log.exception("could not enqueue submission %s; the reaper will retry", submission_id)


def claim_submission(submission_id: int, now: datetime | None = None) -> Submission | None:
    """Move a queued submission to scoring; None if someone else has it or it is finished."""
    now = now or timezone.now()
    claimed = Submission.objects.filter(pk=submission_id, state=SubmissionState.QUEUED).update(
        state=SubmissionState.SCORING, started_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return Submission.objects.select_related("stage", "stage__scenario").get(pk=submission_id)


def score_submission(*, submission_id: int) -> Submission | None:
    """Score one submission on every split. Safe to run twice: a second run finds nothing queued."""
    submission = claim_submission(submission_id)
    if submission is None:
        return None
    stage = submission.stage
    scenario = stage.scenario
    try:
        evaluation = evaluate_file(
            Path(storage.local_path(submission.file.name)),
            _reference_path(scenario),
            TaskSchema.from_dict(scenario.task),
            custom_metric_path=_custom_metric_path(scenario),
        )
    except InvalidSubmission as exc:
        return _finish(
            submission, SubmissionState.INVALID, [problem_record(p) for p in exc.problems]
        )
    except CustomMetricError as exc:
        # The organiser's metric failed; it would fail again, so there is no retry.
        return _finish(submission, SubmissionState.FAILED, [{"code": exc.code, "log": exc.report}])
    except ReferenceError as exc:
        return _finish(
            submission, SubmissionState.FAILED, [{"code": "reference_error", "log": str(exc)}]
        )
    except Exception:
        if submission.attempts >= MAX_ATTEMPTS:
            return _finish(
                submission,
                SubmissionState.FAILED,
                [{"code": "scoring_error", "log": traceback.format_exc(limit=8)}],
            )
        Submission.objects.filter(pk=submission.pk, state=SubmissionState.SCORING).update(
            state=SubmissionState.QUEUED, enqueued_at=timezone.now()
        )
        raise
    with transaction.atomic():
        for split, value in evaluation.scores.items():
            Score.objects.update_or_create(
                submission=submission,
                split=split,
                scorer_version=evaluation.scorer_version,
                defaults={
                    "value": value,
                    "metric": evaluation.metric,
                    "signature": evaluation.signature,
                },
            )
        return _finish(submission, SubmissionState.SCORED, [])


def _finish(submission: Submission, state: str, problems: list[dict]) -> Submission:
    with transaction.atomic():
        now = timezone.now()
        updated = Submission.objects.filter(pk=submission.pk, state=SubmissionState.SCORING).update(
            state=state, problems=problems, finished_at=now
        )
        if updated:
            submission.state, submission.problems, submission.finished_at = state, problems, now
            record_audit(
                actor=None,
                action=f"submission.{state}",
                target=submission,
                before={"state": SubmissionState.SCORING},
                after={"state": state},
            )
    return submission


def requeue_stale_submissions(*, now: datetime | None = None) -> int:
    """Resend submissions whose message was lost, and reclaim those whose worker died."""
    now = now or timezone.now()
    stale_queue = now - timedelta(seconds=settings.AILEAGUE_REQUEUE_AFTER_S)
    stale_lease = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    for submission in Submission.objects.filter(
        state=SubmissionState.SCORING, started_at__lt=stale_lease
    ):
        with transaction.atomic():
            # Guarded like the claim: a worker may have finished or re-claimed it meanwhile.
            reclaimed = Submission.objects.filter(
                pk=submission.pk, state=SubmissionState.SCORING, started_at__lt=stale_lease
            ).update(state=SubmissionState.QUEUED, enqueued_at=None)
            if reclaimed:
                record_audit(
                    actor=None,
                    action="submission.requeue",
                    target=submission,
                    before={"state": SubmissionState.SCORING},
                    after={"state": SubmissionState.QUEUED},
                )
    lost = list(
        Submission.objects.filter(state=SubmissionState.QUEUED)
        .exclude(enqueued_at__gte=stale_queue)
        .values_list("pk", flat=True)
    )
    for submission_id in lost:
        Submission.objects.filter(pk=submission_id).update(enqueued_at=now)
        enqueue_scoring(submission_id)
    return len(lost)


def select_final(
    *, submission: Submission, selected: bool, actor, now: datetime | None = None
) -> Submission:
    """Mark a scored submission as one of the team's finals (up to the stage's limit)."""
    now = now or timezone.now()
    stage = submission.stage
    if not is_member(actor, submission.entry.team):
        raise PermissionDenied(
            _("Only members of the team can select finals."), code="not_a_member"
        )
    if stage.is_closed(now):
        raise DeadlinePassed(
            _("Finals can only be changed while the stage is open."), code="stage_closed"
        )
    if submission.state != SubmissionState.SCORED:
        raise Conflict(_("Only scored submissions can be selected."), code="not_scored")
    with transaction.atomic():
        Entry.objects.select_for_update().get(pk=submission.entry_id)
        if selected and not submission.is_final_selection:
            chosen = Submission.objects.filter(
                entry=submission.entry, stage=stage, is_final_selection=True
            ).count()
            if stage.final_selection_limit and chosen >= stage.final_selection_limit:
                raise Conflict(
                    _("You can select at most %(n)d final submissions; unselect one first.")
                    % {"n": stage.final_selection_limit},
                    code="too_many_finals",
                )
        before = {"is_final_selection": submission.is_final_selection}
        submission.is_final_selection = selected
        submission.save(update_fields=["is_final_selection"])
        record_audit(
            actor=actor,
            action="submission.select_final",
            target=submission,
            before=before,
            after={"is_final_selection": selected},
        )
    return submission
