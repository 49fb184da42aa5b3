"""Celery tasks: thin wrappers that call a service. Each is safe to run twice."""

from celery import shared_task

from aileague.submissions import rescore, worker


@shared_task(bind=True, max_retries=worker.MAX_ATTEMPTS, default_retry_delay=5, acks_late=True)
def task_score_submission(self, submission_id: int) -> str | None:
    """Wake-up for a submission: the worker scores the fairest queued one (maybe another)."""
    try:
        submission = worker.score_next()
    except Exception as exc:  # noqa: BLE001 - the service already put the row back in the queue
        raise self.retry(exc=exc) from exc
    return submission.state if submission else None


@shared_task(bind=True, max_retries=worker.MAX_ATTEMPTS - 1, default_retry_delay=5, acks_late=True)
def task_rescore_submission(self, run_id: int, submission_id: int) -> None:
    last_attempt = self.request.retries >= self.max_retries
    try:
        rescore.rescore_submission(
            run_id=run_id, submission_id=submission_id, last_attempt=last_attempt
        )
    except Exception as exc:  # noqa: BLE001 - retried; the last attempt records it instead
        raise self.retry(exc=exc) from exc


@shared_task
def task_requeue_stale_submissions() -> int:
    return worker.requeue_stale_submissions()
