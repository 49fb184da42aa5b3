"""A real Celery worker (prefork) runs an organiser's custom metric in its own process."""

import pytest
from django.core.files.base import ContentFile

from aileague.submissions import services
from aileague.submissions.models import Score, Submission, SubmissionState
from tests.conftest import wait_for
from tests.factories import (
    GOOD_PREDICTIONS,
    captain_of,
    make_entry,
    make_scenario,
    make_stage,
    upload,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TASK = {
    "kind": "binary_probability",
    "metric": "custom",
    "custom_metric": {
        "path": "metrics/hits.py",
        "name": "hits",
        "higher_is_better": True,
        "bounds": [0, 1],
        "time_limit_s": 20,
        "memory_mb": 512,
    },
}
HITS = """\
def score(y_true, y_pred):
    return float(((y_pred > 0.5) == (y_true == 1)).mean())
"""
CRASHING = "import os\n\ndef score(y_true, y_pred):\n    os._exit(3)\n"


def submitted(source: str) -> Submission:
    scenario = make_scenario(task=TASK, metric="hits")
    scenario.custom_metric_file.save("hits.py", ContentFile(source.encode()))
    entry, stage = make_entry(stage=make_stage(scenario=scenario))
    return services.submit_predictions(
        entry=entry,
        stage=stage,
        upload=upload(GOOD_PREDICTIONS),
        filename="p.csv",
        actor=captain_of(entry.team),
    )


def _finished(submission_id: int) -> Submission | None:
    submission = Submission.objects.get(pk=submission_id)
    return submission if submission.state not in ("queued", "scoring") else None


def test_the_worker_scores_with_a_custom_metric(celery_worker_process):
    submission = submitted(HITS)
    done = wait_for(lambda: _finished(submission.pk))
    assert done.state == SubmissionState.SCORED
    assert sorted(
        Score.objects.filter(submission=done).values_list("split", "value", "metric")
    ) == [
        ("private", 1.0, "hits"),
        ("public", 1.0, "hits"),
    ]


def test_the_worker_fails_a_crashing_custom_metric_once(celery_worker_process):
    submission = submitted(CRASHING)
    done = wait_for(lambda: _finished(submission.pk))
    assert (done.state, done.attempts) == (SubmissionState.FAILED, 1)
    assert done.problems == [
        {
            "code": "custom_metric_error",
            "log": "custom metric 'hits' (metrics/hits.py) exited with status 3 without "
            "returning a score",
        }
    ]
