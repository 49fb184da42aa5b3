"""Celery tasks: thin wrappers that fetch by id and call a service. Safe to run twice."""

from celery import shared_task

from aileague.submissions import services


@shared_task(bind=True, max_retries=services.MAX_ATTEMPTS, default_retry_delay=5, acks_late=True)
def task_score_submission(self, submission_id: int) -> str | None:
    try:
        submission = services.score_submission(submission_id=submission_id)
    except Exception as exc:  # noqa: BLE001 - the service already put the row back in the queue
        raise self.retry(exc=exc) from exc
    return submission.state if submission else None


@shared_task
def task_requeue_stale_submissions() -> int:
    return services.requeue_stale_submissions()
