"""The CLI's leaderboard: pages of a large board, with the caller's team wherever it is."""

import pytest

from aileague.accounts.services import create_api_token
from aileague.cli.main import _waiting_text
from aileague.submissions import worker
from tests.cli.test_submit import run_cli
from tests.factories import captain_of, make_entry, make_stage, predictions, submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_cli_pages_through_the_board_and_shows_my_team(live_server, tmp_path):
    stage = make_stage(daily_quota=10, total_quota=10, max_running=10)
    entries = [make_entry(stage=stage)[0] for _ in range(3)]
    # Team 0 scores best (AUC 1.0), team 1 next (0.75), team 2 last (0.25).
    for entry, public in zip(
        entries,
        ([0.9, 0.1, 0.8, 0.2], [0.6, 0.7, 0.8, 0.3], [0.2, 0.7, 0.6, 0.4]),
        strict=True,
    ):
        submitted = submit(entry, stage, predictions(public, [0.9, 0.1, 0.8, 0.2]))
        worker.score_submission(submission_id=submitted.pk)
    _, token = create_api_token(user=captain_of(entries[2].team), name="cli")
    args = ["leaderboard", "-c", stage.scenario.slug, "--per-page", "1"]
    result = run_cli([*args, "--page", "2"], live_server, token, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert entries[1].team.name in result.stdout
    assert f"{entries[2].team.name} (your team)" in result.stdout
    assert entries[0].team.name not in result.stdout
    assert "page 2 of 3 (3 teams)" in result.stdout


def test_waiting_shows_the_place_in_the_queue():
    body = {"state": "queued", "queue_position": 3, "eta_seconds": 41.6}
    assert _waiting_text(body) == "queued: #3 in the queue, about 42 s…"
    assert _waiting_text({**body, "eta_seconds": None}) == "queued: #3 in the queue…"
    assert _waiting_text({"state": "scoring"}) == "scoring…"
