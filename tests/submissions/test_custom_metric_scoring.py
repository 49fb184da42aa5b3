"""Scoring with an organiser's custom metric: its failures are ours to tell the organisers about.

A custom metric runs on the worker only (never during inline validation in the web process).
When it fails, the submission ends ``failed``: not charged, not retried (it would fail again),
with the metric's log kept for the scenario's managers and a generic message for the team.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from django.core.files.base import ContentFile

from aileague.accounts.models import Role
from aileague.accounts.services import create_api_token
from aileague.common.models import AuditEntry
from aileague.submissions import worker
from aileague.submissions.models import Score, SubmissionState
from aileague.submissions.queries import leaderboard_for_stage, quota_status
from tests.factories import (
    GOOD_PREDICTIONS,
    WEAK_PREDICTIONS,
    captain_of,
    make_entry,
    make_scenario,
    make_stage,
    make_user,
    submit,
    submit_and_score,
)

pytestmark = pytest.mark.django_db

BRIER = """\
def score(y_true, y_pred):
    return float(((y_pred - y_true) ** 2).mean())
"""
CRASHING = """\
def score(y_true, y_pred):
    raise RuntimeError("the cost table is missing")
"""
TASK = {
    "kind": "binary_probability",
    "metric": "custom",
    "custom_metric": {
        "path": "metrics/brier.py",
        "name": "brier",
        "higher_is_better": False,
        "bounds": [0, 1],
        "time_limit_s": 10,
        "memory_mb": 512,
    },
}
FAILED_MESSAGE = (
    "Scoring failed on our side; this submission is not charged to your quota. "
    "The organisers have been told."
)


@pytest.fixture(autouse=True)
def _own_files(files_dir):
    """Every test here keeps its files in its own folder."""


def custom_stage(source: str = BRIER):
    scenario = make_scenario(task=TASK, metric="brier")
    scenario.custom_metric_file.save("brier.py", ContentFile(source.encode()))
    return make_stage(scenario=scenario)


def brier(predictions: str, split: slice) -> float:
    """What BRIER gives on one split of the factories' reference (targets 1, 0, 1, 0)."""
    values = np.array([float(line.split(",")[1]) for line in predictions.splitlines()[1:]])
    target = np.array([1.0, 0.0, 1.0, 0.0])
    return float(((values[split] - target) ** 2).mean())


def bearer(user) -> dict:
    _, secret = create_api_token(user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def test_a_custom_metric_scores_each_split_and_signs_with_its_file_hash():
    entry, stage = make_entry(stage=custom_stage())

    submission = submit_and_score(entry, stage, GOOD_PREDICTIONS)

    digest = hashlib.sha256(BRIER.encode()).hexdigest()[:12]
    assert submission.state == SubmissionState.SCORED
    assert {
        (score.split, score.value, score.metric, score.signature)
        for score in Score.objects.filter(submission=submission)
    } == {
        ("public", brier(GOOD_PREDICTIONS, slice(0, 4)), "brier", f"custom:brier|sha256:{digest}"),
        ("private", brier(GOOD_PREDICTIONS, slice(4, 8)), "brier", f"custom:brier|sha256:{digest}"),
    }


def test_a_crashing_custom_metric_fails_the_submission_once_without_charging_it():
    entry, stage = make_entry(stage=custom_stage(CRASHING))
    submission = submit(entry, stage, GOOD_PREDICTIONS)
    # Inline validation found the file valid and left the metric to the worker.
    assert submission.state == SubmissionState.QUEUED

    worker.score_submission(submission_id=submission.pk)

    submission.refresh_from_db()
    assert (submission.state, submission.attempts) == (SubmissionState.FAILED, 1)
    [problem] = submission.problems
    assert problem["code"] == "custom_metric_error"
    assert problem["log"].startswith(
        "custom metric 'brier' (metrics/brier.py) raised RuntimeError: the cost table is missing"
        "\n\nTraceback (most recent call last):\n"
    )
    assert '  File "brier.py", line 2, in score\n' in problem["log"]
    assert quota_status(entry=entry, stage=stage).total_used == 0
    assert Score.objects.count() == 0
    audit = AuditEntry.objects.filter(
        object_type="submissions.submission", object_id=str(submission.pk)
    ).order_by("id")
    assert [entry.action for entry in audit] == ["submission.create", "submission.failed"]


def test_a_custom_task_without_its_metric_file_fails_the_submission():
    entry, stage = make_entry(stage=custom_stage())
    type(stage.scenario).objects.filter(pk=stage.scenario_id).update(custom_metric_file="")

    submission = submit_and_score(entry, stage, GOOD_PREDICTIONS)

    assert submission.state == SubmissionState.FAILED
    assert submission.problems == [
        {
            "code": "custom_metric_error",
            "log": "custom metric 'brier' (metrics/brier.py): its file was not given, "
            "so it cannot run here",
        }
    ]


def test_a_wrong_file_is_still_refused_at_once_without_running_the_metric():
    entry, stage = make_entry(stage=custom_stage(CRASHING))

    submission = submit(entry, stage, "id,prediction\n001,0.5\n")

    assert submission.state == SubmissionState.INVALID
    assert [problem["code"] for problem in submission.problems] == ["missing_ids"]


def test_the_log_is_shown_to_the_scenario_managers_and_hidden_from_the_team(client):
    entry, stage = make_entry(stage=custom_stage(CRASHING))
    submission = submit_and_score(entry, stage, GOOD_PREDICTIONS)
    organiser = make_user(role=Role.ORGANISER, league=stage.scenario.track.league)
    url = f"/api/v1/submissions/{submission.pk}"

    as_team = client.get(url, headers=bearer(captain_of(entry.team))).json()
    as_organiser = client.get(url, headers=bearer(organiser)).json()

    assert as_team["problems"] == [
        {"code": "custom_metric_error", "message": FAILED_MESSAGE, "lines": [], "examples": []}
    ]
    assert as_organiser["problems"] == [
        {
            "code": "custom_metric_error",
            "message": submission.problems[0]["log"],
            "lines": [],
            "examples": [],
        }
    ]


def test_the_team_page_shows_the_log_only_to_a_manager_of_the_scenario(client):
    from aileague.accounts.services import grant_role

    entry, stage = make_entry(stage=custom_stage(CRASHING))
    submit_and_score(entry, stage, GOOD_PREDICTIONS)
    captain = captain_of(entry.team)
    url = f"/submissions/{stage.scenario.slug}/{stage.slug}/status/"
    client.force_login(captain)

    before = client.get(url).json()["submissions"][0]["html"]
    grant_role(user=captain, role=Role.SCENARIO_OWNER, scenario=stage.scenario)
    after = client.get(url).json()["submissions"][0]["html"]

    assert "scoring-log" not in before
    assert "the cost table is missing" not in before
    assert '<pre class="scoring-log" data-code="custom_metric_error">' in after
    assert "raised RuntimeError: the cost table is missing" in after


def test_the_leaderboard_ranks_by_the_custom_metric_direction(client):
    stage = custom_stage()
    good_entry, _ = make_entry(stage=stage)
    weak_entry, _ = make_entry(stage=stage)
    submit_and_score(weak_entry, stage, WEAK_PREDICTIONS)
    submit_and_score(good_entry, stage, GOOD_PREDICTIONS)

    rows = leaderboard_for_stage(stage=stage, split="public", user=None)
    body = client.get(f"/api/v1/scenarios/{stage.scenario.slug}/leaderboard").json()

    # Lower is better: the good predictions' smaller Brier score ranks first.
    assert [(row.team_name, row.score) for row in rows] == [
        (good_entry.team.name, brier(GOOD_PREDICTIONS, slice(0, 4))),
        (weak_entry.team.name, brier(WEAK_PREDICTIONS, slice(0, 4))),
    ]
    assert (body["metric"], body["higher_is_better"]) == ("brier", False)
    assert [row["team"] for row in body["rows"]] == [good_entry.team.name, weak_entry.team.name]
