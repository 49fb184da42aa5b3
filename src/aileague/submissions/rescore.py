"""Re-scoring a stage after the organiser fixed its reference or metric.

``start_rescore`` opens a run towards a new scorer version and sends one task per scored
submission to the workers; each writes that submission's scores under the new version, next to
the old ones. Submissions scored while the run is open get both versions. When the last one is
in, ``complete_rescore`` switches the stage's ``scorer_version`` — and so every leaderboard —
in one transaction, and writes an audit entry. Until then, everyone sees the old scores.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aileague.common.audit import record_audit
from aileague.common.errors import Conflict
from aileague.competitions.models import Stage
from aileague.scoring import InvalidSubmission
from aileague.scoring.custom import CustomMetricError
from aileague.scoring.evaluate import ReferenceError
from aileague.submissions.models import (
    RescoreRun,
    RescoreState,
    Score,
    Submission,
    SubmissionState,
)
from aileague.submissions.worker import evaluate_submission

log = logging.getLogger(__name__)
MAX_EXAMPLES = 20


def scorer_versions_to_write(stage: Stage) -> list[str]:
    """The stage's version, and the one a running re-score is building, read now: a worker's
    copy of the stage may predate a switch."""
    current = Stage.objects.values_list("scorer_version", flat=True).get(pk=stage.pk)
    running = RescoreRun.objects.filter(stage=stage, state=RescoreState.RUNNING).values_list(
        "to_version", flat=True
    )
    return [current, *running]


def next_version(stage: Stage) -> str:
    """ "2" after "1"; a version that is not a number gets a suffix ("v1" → "v1.2")."""
    scores = Score.objects.filter(submission__stage=stage)
    used = set(scores.values_list("scorer_version", flat=True).distinct())
    used |= set(RescoreRun.objects.filter(stage=stage).values_list("to_version", flat=True))
    used.add(stage.scorer_version)
    if stage.scorer_version.isdigit():
        number = max(int(v) for v in used if v.isdigit()) + 1
        return str(number)
    n = 2
    while f"{stage.scorer_version}.{n}" in used:
        n += 1
    return f"{stage.scorer_version}.{n}"


def start_rescore(*, stage: Stage, actor, reason: str = "", enqueue: bool = True) -> RescoreRun:
    """Open a re-scoring run of ``stage`` and send its submissions to the workers."""
    try:
        with transaction.atomic():
            stage = Stage.objects.select_for_update().get(pk=stage.pk)
            if RescoreRun.objects.filter(stage=stage, state=RescoreState.RUNNING).exists():
                raise Conflict(
                    _("This stage is already being re-scored; wait for that run to finish."),
                    code="rescore_running",
                )
            run = RescoreRun.objects.create(
                stage=stage,
                from_version=stage.scorer_version,
                to_version=next_version(stage),
                reason=reason[:500],
                requested_by=actor,
            )
            ids = _missing(run)
            run.total = len(ids)
            run.save(update_fields=["total"])
            record_audit(
                actor=actor,
                action="stage.rescore_start",
                target=stage,
                before={"scorer_version": run.from_version},
                after={"to_version": run.to_version, "submissions": run.total, "reason": reason},
            )
    except IntegrityError:
        raise Conflict(
            _("This stage is already being re-scored; wait for that run to finish."),
            code="rescore_running",
        ) from None
    if enqueue:
        transaction.on_commit(lambda: _send(run, ids))
    if not ids:
        complete_rescore(run)
    return run


def _missing(run: RescoreRun) -> list[int]:
    """Scored submissions of the run's stage without a score of its new version."""
    done = Score.objects.filter(scorer_version=run.to_version).values("submission_id")
    return list(
        Submission.objects.filter(stage=run.stage_id, state=SubmissionState.SCORED)
        .exclude(pk__in=done)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def pending_submissions(run: RescoreRun) -> list[int]:
    """What the run has still to re-score (for a caller that scores in its own process)."""
    return _missing(run)


def _send(run: RescoreRun, ids: list[int]) -> None:
    from aileague.submissions.tasks import task_rescore_submission

    for submission_id in ids:
        task_rescore_submission.delay(run.pk, submission_id)


def rescore_submission(*, run_id: int, submission_id: int, last_attempt: bool = True) -> None:
    """Score one submission under the run's new version (a worker's task; safe to repeat).

    A crash (a missing file, a lost database) is raised for the task to retry; on the
    ``last_attempt`` it counts as a submission the run could not score, so the run ends.
    """
    run = RescoreRun.objects.select_related("stage__scenario").get(pk=run_id)
    if run.state != RescoreState.RUNNING:
        return
    if Score.objects.filter(submission_id=submission_id, scorer_version=run.to_version).exists():
        return  # a repeated message: this submission was counted when its scores were written
    submission = Submission.objects.select_related("stage__scenario").get(pk=submission_id)
    problem = None
    try:
        evaluation = evaluate_submission(submission)
    except InvalidSubmission as exc:
        problem = {"submission": submission_id, "code": exc.problems[0].code}
    except (CustomMetricError, ReferenceError) as exc:
        problem = {"submission": submission_id, "code": "reference_error", "log": str(exc)[:500]}
    except Exception as exc:
        if not last_attempt:
            raise
        problem = {"submission": submission_id, "code": "scoring_error", "log": repr(exc)[:500]}
    try:
        with transaction.atomic():
            if problem is None:
                Score.objects.bulk_create(
                    Score(
                        submission=submission,
                        split=split,
                        scorer_version=run.to_version,
                        value=value,
                        metric=evaluation.metric,
                        signature=evaluation.signature,
                    )
                    for split, value in evaluation.scores.items()
                )
            _count(run, problem=problem)
    except IntegrityError:
        return  # the same message ran twice at once; the other run counted it


def _count(run: RescoreRun, *, problem: dict | None = None) -> None:
    """One more submission re-scored (or refused); the last one completes the run."""
    with transaction.atomic():
        locked = RescoreRun.objects.select_for_update().get(pk=run.pk)
        if locked.state != RescoreState.RUNNING:
            return
        locked.done = F("done") + 1
        fields = ["done"]
        if problem is not None:
            locked.unscorable = F("unscorable") + 1
            fields.append("unscorable")
            if len(locked.unscorable_examples) < MAX_EXAMPLES:
                locked.unscorable_examples = [*locked.unscorable_examples, problem]
                fields.append("unscorable_examples")
        locked.save(update_fields=fields)
        locked.refresh_from_db()
        if locked.done >= locked.total:
            complete_rescore(locked)


def complete_rescore(run: RescoreRun) -> RescoreRun:
    """Switch the stage to the new version once every scored submission has its new score.

    Submissions scored just as the run started may have missed it: they are sent now, and the
    switch waits for them. If the new reference or metric refused any submission, the run
    fails instead and the leaderboards stay as they were: switching would drop those teams.
    """
    from aileague.leaderboards.services import rebuild_stage

    with transaction.atomic():
        run = RescoreRun.objects.select_for_update().get(pk=run.pk)
        if run.state != RescoreState.RUNNING:
            return run
        stage = Stage.objects.select_for_update().get(pk=run.stage_id)
        if run.unscorable:
            # Switching would drop teams from the leaderboards: the organiser decides first.
            run.state, run.finished_at = RescoreState.FAILED, timezone.now()
            run.save(update_fields=["state", "finished_at"])
            record_audit(
                actor=run.requested_by,
                action="stage.rescore_failed",
                target=stage,
                before={"scorer_version": stage.scorer_version},
                after={"to_version": run.to_version, "unscorable": run.unscorable},
            )
            return run
        missing = _missing(run)
        if missing:
            run.total += len(missing)
            run.save(update_fields=["total"])
            transaction.on_commit(lambda: _send(run, missing))
            return run
        before = stage.scorer_version
        stage.scorer_version = run.to_version
        stage.save(update_fields=["scorer_version"])
        run.state, run.finished_at = RescoreState.SWITCHED, timezone.now()
        run.save(update_fields=["state", "finished_at"])
        rebuild_stage(stage)
        record_audit(
            actor=run.requested_by,
            action="stage.rescore_switch",
            target=stage,
            before={"scorer_version": before},
            after={"scorer_version": run.to_version, "rescored": run.done},
        )
    return run
