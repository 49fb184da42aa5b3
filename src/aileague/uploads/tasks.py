"""Celery tasks: thin wrappers over the uploads services. Safe to run twice."""

from celery import shared_task

from aileague.uploads import services


@shared_task
def task_expire_upload_sessions() -> int:
    return services.expire_upload_sessions()
