"""Accepting a submission (quota, deadline, inline validation) and selecting finals.

States: queued → scoring → scored | invalid | failed. ``invalid`` is the team's file being
wrong; ``failed`` is ours (a broken reference, a crash after retries). Neither is charged.
Scoring itself happens on a worker: see ``aileague.submissions.worker``.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
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
from aileague.leaderboards.services import refresh_standing
from aileague.scoring import InvalidSubmission, TaskSchema, evaluate_file
from aileague.scoring.custom import CustomMetricError
from aileague.submissions.models import Submission, SubmissionState
from aileague.submissions.queries import quota_status
from aileague.submissions.queue import next_round
from aileague.submissions.worker import (
    enqueue_scoring,
    problem_record,
    reference_path,
)
from aileague.teams.models import Entry
from aileague.teams.queries import is_member

log = logging.getLogger(__name__)


def check_can_submit(*, entry: Entry, stage: Stage, actor, now: datetime) -> None:
    """Membership, the stage's kind and its window: the one deadline check of every path."""
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
    upload: BinaryIO | None,
    filename: str,
    actor,
    description: str = "",
    now: datetime | None = None,
    expected_sha256: str = "",
    stored: storage.StoredFile | None = None,
) -> Submission:
    """Store, validate and queue a predictions file.

    A file that fails validation is kept as an ``invalid`` submission (so the team sees why) and
    is not charged. Quota and deadline are checked again inside the accepting transaction, under
    a lock on the entry row, so parallel uploads cannot overdraw the quota.

    ``stored`` (instead of ``upload``) is a file already in storage whose size and SHA-256 the
    caller has verified (a completed chunked upload); it is deleted if the submission is refused.
    """
    now = now or timezone.now()
    check_can_submit(entry=entry, stage=stage, actor=actor, now=now)
    status = quota_status(entry=entry, stage=stage, now=now)
    if status.blocked_reason:
        raise_quota(entry, stage, now, status=status)
    submission_uuid = uuid.uuid4()
    name = (
        f"submissions/{stage.pk}/{entry.team_id}/{submission_uuid}{Path(filename).suffix.lower()}"
    )
    if stored is None:
        stored = storage.store_file(upload, name)
    try:
        if stored.size > settings.AILEAGUE_MAX_UPLOAD_BYTES:
            raise InvalidInput(
                _("The file is %(size)d bytes; the limit is %(limit)d bytes.")
                % {"size": stored.size, "limit": settings.AILEAGUE_MAX_UPLOAD_BYTES},
                code="file_too_large",
            )
        if expected_sha256 and expected_sha256.lower() != stored.sha256:
            raise InvalidInput(
                _(
                    "The file arrived damaged: its SHA-256 is %(got)s, not %(expected)s as "
                    "sent. Upload it again."
                )
                % {"got": stored.sha256, "expected": expected_sha256.lower()},
                code="checksum_mismatch",
            )
        problems = _inline_problems(stage, stored)
        with transaction.atomic():
            Entry.objects.select_for_update().get(pk=entry.pk)
            if not problems:
                # The authoritative checks: under the lock, at the moment of acceptance.
                check_can_submit(entry=entry, stage=stage, actor=actor, now=now)
                status = quota_status(entry=entry, stage=stage, now=now)
                if status.blocked_reason:
                    raise_quota(entry, stage, now, status=status)
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
                queue_round=0 if problems else next_round(team_id=entry.team_id),
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


def raise_quota(entry: Entry, stage: Stage, now: datetime, *, status=None) -> None:
    """Raise QuotaExceeded naming the limit the team reached (in ``status``, the counts that
    refused the file) and when it resets."""
    status = status or quota_status(entry=entry, stage=stage, now=now)
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
            reference_path(scenario),
            TaskSchema.from_dict(scenario.task),
        )
    except InvalidSubmission as exc:
        return [problem_record(p) for p in exc.problems]
    except CustomMetricError:
        return []  # valid; the worker runs the custom metric
    except Exception:  # noqa: BLE001 - our own trouble is the worker's to report, not the team's
        log.exception("inline validation failed for scenario %s", scenario.slug)
    return []


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
        refresh_standing(stage=stage, entry_id=submission.entry_id)
        record_audit(
            actor=actor,
            action="submission.select_final",
            target=submission,
            before=before,
            after={"is_final_selection": selected},
        )
    return submission
