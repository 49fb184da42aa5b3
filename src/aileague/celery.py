"""The Celery application. Workers run every evaluation; the database holds every state."""

import os

from celery import Celery

from aileague.common.broker import use_atomic_filesystem_transport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aileague.settings")
use_atomic_filesystem_transport()

app = Celery("aileague")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
