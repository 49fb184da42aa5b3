"""Leaderboard pages, CSV and API read the standings: paged, with few queries, and the
viewer's own team shown even when it is on another page; shake-up and rank history."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from aileague.accounts.services import create_api_token
from aileague.competitions.models import Stage
from aileague.leaderboards.models import RankChange
from aileague.leaderboards.services import rebuild_stage, refresh_standing, snapshot_ranks
from aileague.submissions.models import Score, ScoreSplit, Submission, SubmissionState
from tests.factories import captain_of, make_entry, make_stage, make_team

pytestmark = pytest.mark.django_db

TEAMS = 120


def add_scored(entry, stage, public, private, *, minutes=0):
    submission = Submission.objects.create(
        entry=entry,
        stage=stage,
        submitted_by=captain_of(entry.team),
        file="x.csv",
        original_name="x.csv",
        size=1,
        sha256="0" * 64,
        state=SubmissionState.SCORED,
    )
    Submission.objects.filter(pk=submission.pk).update(
        created_at=stage.opens_at + timedelta(minutes=minutes)
    )
    for split, value in ((ScoreSplit.PUBLIC, public), (ScoreSplit.PRIVATE, private)):
        Score.objects.create(
            submission=submission, split=split, value=value, metric="roc_auc", scorer_version="1"
        )
    return submission


@pytest.fixture
def board():
    """A stage with TEAMS teams: team i has public score 1 - i/1000 (rank i + 1) and a private
    score that reverses the order of the first ten."""
    stage = make_stage()
    league = stage.scenario.track.league
    entries = []
    for i in range(TEAMS):
        team = make_team(league=league, name=f"Team {i:03d}")
        entry = make_entry(stage=stage, team=team)[0]
        private = 0.5 + i / 1000 if i < 10 else 0.4 - i / 1000
        add_scored(entry, stage, 1 - i / 1000, private, minutes=i)
        entries.append(entry)
    rebuild_stage(stage)
    return stage, entries


def url(stage, name="submissions:leaderboard"):
    return reverse(name, args=[stage.scenario.slug, stage.slug])


def login(client, user):
    client.force_login(user, backend="aileague.accounts.backends.EmailBackend")


def close(stage):
    Stage.objects.filter(pk=stage.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    stage.refresh_from_db()


def ranks(response):
    return [(item["row"].rank, item["row"].team_name) for item in response.context["rows"]]


# --- Web page ----------------------------------------------------------------------------------


def test_the_page_shows_fifty_teams_a_page_ranked_by_position(client, board):
    stage, _entries = board
    first = client.get(url(stage))
    assert ranks(first)[:2] == [(1, "Team 000"), (2, "Team 001")]
    assert len(ranks(first)) == 50
    third = client.get(url(stage) + "?page=3")
    assert ranks(third) == [(i + 1, f"Team {i:03d}") for i in range(100, TEAMS)]
    text = third.content.decode()
    assert "Page 3 of 3 (120 teams)" in text
    assert ranks(client.get(url(stage) + "?page=99")) == ranks(third)  # past the end: last page
    assert len(ranks(client.get(url(stage) + "?per_page=100"))) == 100
    assert len(ranks(client.get(url(stage) + "?per_page=7"))) == 50  # only the offered sizes


def test_my_team_is_pinned_at_the_top_when_it_is_on_another_page(client, board):
    stage, entries = board
    login(client, captain_of(entries[80].team))
    response = client.get(url(stage))
    assert response.context["mine"].rank == 81
    text = response.content.decode()
    assert f'<tr class="mine pinned" aria-current="true" data-team="{entries[80].team_id}">' in text
    # On its own page it is highlighted in place, not pinned.
    response = client.get(url(stage) + "?page=2")
    assert response.context["mine"] is None
    text = response.content.decode()
    assert f'<tr class="mine" aria-current="true" data-team="{entries[80].team_id}">' in text


@pytest.mark.parametrize("viewer", ["anonymous", "captain"])
def test_the_page_takes_a_handful_of_queries_whatever_the_board_size(
    client, board, viewer, django_assert_max_num_queries
):
    stage, entries = board
    if viewer == "captain":
        login(client, captain_of(entries[80].team))
    # Session, user, role, scenario, stage, entry, board version, count, page, own row, its
    # rank, site menu (2), whether the user sits on a jury (the menu's "Jury" link).
    with django_assert_max_num_queries(14):
        response = client.get(url(stage))
    assert response.status_code == 200
    # The same page again: the rows come from the cache (not the count and the page).
    with django_assert_max_num_queries(12):
        again = client.get(url(stage))
    assert tbody(again) == tbody(response)


def tbody(response) -> str:
    text = response.content.decode()
    return text[text.index("<tbody>") : text.index("</tbody>")]


def test_a_cached_page_changes_as_soon_as_the_board_does(client, board):
    from aileague.leaderboards.models import Standing

    stage, entries = board
    first = client.get(url(stage)).content.decode()
    assert "Team 000" in first
    # The leader's team is renamed and its standing touched: a new board version.
    leader = entries[0].team
    leader.name = "Renamed leaders"
    leader.save()
    Standing.objects.filter(entry=entries[0]).update(updated_at=timezone.now())
    second = client.get(url(stage)).content.decode()
    assert "Renamed leaders" in second


def test_csv_streams_every_row_in_the_pages_order(client, board):
    stage, _entries = board
    response = client.get(url(stage, "submissions:leaderboard_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r[0], r[1]) for r in rows[1:]] == [(str(i + 1), f"Team {i:03d}") for i in range(TEAMS)]
    assert rows[1][7] == "1"  # scored submissions


# --- API ---------------------------------------------------------------------------------------


def bearer(user) -> dict:
    _, secret = create_api_token(user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def test_api_pages_with_a_total_and_my_team(client, board, django_assert_max_num_queries):
    stage, entries = board
    api = f"/api/v1/scenarios/{stage.scenario.slug}/leaderboard"
    body = client.get(api + "?page=2&per_page=30").json()
    assert (body["total"], body["page"], body["per_page"], body["pages"]) == (TEAMS, 2, 30, 4)
    assert [(r["rank"], r["team"]) for r in body["rows"]][:2] == [
        (31, "Team 030"),
        (32, "Team 031"),
    ]
    assert body["mine"] is None
    body = client.get(api + "?per_page=10", headers=bearer(captain_of(entries[50].team))).json()
    assert (body["mine"]["rank"], body["mine"]["team_id"]) == (51, entries[50].team_id)
    assert len(client.get(api).json()["rows"]) == 100  # the default page size
    with django_assert_max_num_queries(6):
        assert client.get(api + "?per_page=100").status_code == 200


# --- Shake-up ----------------------------------------------------------------------------------


def test_shakeup_is_hidden_until_the_close(client, board):
    stage, _entries = board
    assert client.get(url(stage, "submissions:leaderboard_shakeup")).status_code == 403
    api = f"/api/v1/scenarios/{stage.scenario.slug}/leaderboard/shakeup"
    response = client.get(api)
    assert (response.status_code, response.json()["code"]) == (403, "private_leaderboard_hidden")


def test_shakeup_shows_public_and_private_ranks_and_the_places_moved(client, board):
    stage, _entries = board
    close(stage)
    response = client.get(url(stage, "submissions:leaderboard_shakeup"))
    rows = [
        (r.private.rank, r.public_rank, r.delta, r.private.team_name)
        for r in response.context["board"].rows
    ]
    # The first ten reverse: the public tenth is first in private.
    assert rows[:3] == [(1, 10, 9, "Team 009"), (2, 9, 7, "Team 008"), (3, 8, 5, "Team 007")]
    assert rows[9] == (10, 1, -9, "Team 000")
    assert rows[10] == (11, 11, 0, "Team 010")
    text = response.content.decode()
    assert '<span class="up">▲ 9</span>' in text
    assert '<span class="down">▼ 9</span>' in text
    body = client.get(
        f"/api/v1/scenarios/{stage.scenario.slug}/leaderboard/shakeup?per_page=2"
    ).json()
    assert [(r["private_rank"], r["public_rank"], r["delta"]) for r in body["rows"]] == [
        (1, 10, 9),
        (2, 9, 7),
    ]
    assert (body["total"], body["pages"]) == (TEAMS, 60)


def test_the_leaderboard_links_to_the_shakeup_after_the_close(client, board):
    stage, _entries = board
    shakeup = url(stage, "submissions:leaderboard_shakeup")
    assert shakeup not in client.get(url(stage)).content.decode()
    close(stage)
    assert shakeup in client.get(url(stage)).content.decode()


# --- Rank history ------------------------------------------------------------------------------


def test_rank_history_through_the_api_and_on_the_team_page(client):
    stage = make_stage()
    league = stage.scenario.track.league
    red = make_entry(stage=stage, team=make_team(league=league, name="Red"))[0]
    blue = make_entry(stage=stage, team=make_team(league=league, name="Blue"))[0]
    add_scored(red, stage, 0.7, 0.7, minutes=1)
    refresh_standing(stage=stage, entry_id=red.pk)
    add_scored(blue, stage, 0.9, 0.9, minutes=2)
    refresh_standing(stage=stage, entry_id=blue.pk)
    snapshot_ranks(stage)
    add_scored(red, stage, 0.95, 0.6, minutes=3)
    refresh_standing(stage=stage, entry_id=red.pk)
    api = f"/api/v1/scenarios/{stage.scenario.slug}/teams/{red.team_id}/rank-history"
    body = client.get(api).json()
    assert [(p["rank"], p["score"]) for p in body["points"]] == [(1, 0.7), (2, 0.7), (1, 0.95)]
    assert client.get(api + "?split=private").status_code == 403  # before the close
    stranger = make_team(league=league)
    missing = client.get(
        f"/api/v1/scenarios/{stage.scenario.slug}/teams/{stranger.pk}/rank-history"
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "entry_not_found")
    login(client, captain_of(red.team))
    text = client.get(reverse("teams:detail", args=[red.team_id])).content.decode()
    assert "Rank history" in text
    assert '<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="' in text
    assert RankChange.objects.filter(entry=red, split=ScoreSplit.PRIVATE).count() == 2
    # Private history stays off the team page until the close.
    assert 'data-split="private"' not in text
    close(stage)
    text = client.get(reverse("teams:detail", args=[red.team_id])).content.decode()
    assert 'data-split="private"' in text


@pytest.fixture
def _language_restored():
    """A request in Chinese leaves Chinese active in this thread; later tests expect English."""
    with translation.override("en"):
        yield


@pytest.mark.usefixtures("_language_restored")
def test_the_pager_and_shakeup_speak_chinese(client, board):
    stage, _entries = board
    zh = {"accept-language": "zh-hans"}
    text = client.get(url(stage) + "?page=3", headers=zh).content.decode()
    assert "第 3 页，共 3 页（120 支队伍）" in text
    close(stage)
    text = client.get(url(stage, "submissions:leaderboard_shakeup"), headers=zh).content.decode()
    assert "公榜 → 私榜排名变动" in text
    assert "私榜名次" in text
