"""The participant CLI against a live server and a real worker, as a team would use it."""

import os
import subprocess
import sys

import pytest

from aileague.accounts.services import create_api_token
from aileague.submissions.models import Submission
from tests.factories import GOOD_PREDICTIONS, captain_of, make_entry

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def run_cli(args, live_server, token, tmp_path):
    env = {
        **os.environ,
        "AILEAGUE_URL": live_server.url,
        "AILEAGUE_TOKEN": token,
        "AILEAGUE_CONFIG": str(tmp_path / "credentials.json"),
        "COLUMNS": "120",
    }
    return subprocess.run(
        [sys.executable, "-m", "aileague", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_cli_uploads_waits_and_prints_the_score(live_server, celery_worker_process, tmp_path):
    entry, stage = make_entry()
    _, token = create_api_token(user=captain_of(entry.team), name="cli")
    predictions = tmp_path / "predictions.csv"
    predictions.write_text(GOOD_PREDICTIONS)
    result = run_cli(
        ["submit", "--scenario", stage.scenario.slug, str(predictions), "-m", "first try"],
        live_server,
        token,
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "scored: public=1" in result.stdout
    submission = Submission.objects.get()
    assert (submission.state, submission.description) == ("scored", "first try")


def test_cli_kaggle_spelling_reports_problems_and_exits_1(live_server, tmp_path):
    entry, stage = make_entry()
    _, token = create_api_token(user=captain_of(entry.team), name="cli")
    bad = tmp_path / "bad.csv"
    bad.write_text("id;prediction\n001;0.5\n")
    result = run_cli(
        ["competitions", "submit", "-c", stage.scenario.slug, "-f", str(bad), "-m", "oops"],
        live_server,
        token,
        tmp_path,
    )
    assert result.returncode == 1
    assert "wrong_delimiter" in result.stdout


def test_cli_without_credentials_says_how_to_log_in(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("AILEAGUE_URL", "AILEAGUE_TOKEN")}
    env["AILEAGUE_CONFIG"] = str(tmp_path / "none.json")
    env["COLUMNS"] = "200"
    result = subprocess.run(
        [sys.executable, "-m", "aileague", "scenarios"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "aileague login --url URL --token TOKEN" in result.stderr


def test_seed_tops_the_demo_league_up_to_the_requested_number_of_teams(tmp_path):
    env = {**os.environ, "AILEAGUE_VAR_DIR": str(tmp_path / "var"), "COLUMNS": "200"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "aileague", "seed", "--teams", "120", "--tracks", "6"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "league ai-super-league-demo: 120 teams, 6 tracks" in result.stdout
