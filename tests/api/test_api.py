"""The JSON API: each endpoint's answers and who may call it."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aileague.accounts.services import create_api_token
from aileague.competitions.models import ScenarioStatus
from aileague.submissions import services, worker
from aileague.submissions.models import Submission
from tests.factories import (
    GOOD_PREDICTIONS,
    WEAK_PREDICTIONS,
    captain_of,
    make_entry,
    make_scenario,
    make_stage,
    make_team,
    make_user,
    upload,
)

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _, secret = create_api_token(user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def post_file(client, slug, text, headers, name="p.csv", **fields):
    data = {"file": SimpleUploadedFile(name, text.encode()), **fields}
    return client.post(f"/api/v1/scenarios/{slug}/submissions", data, headers=headers)


def scored(entry, stage, text=GOOD_PREDICTIONS):
    submission = services.submit_predictions(
        entry=entry,
        stage=stage,
        upload=upload(text),
        filename="p.csv",
        actor=captain_of(entry.team),
    )
    worker.score_submission(submission_id=submission.pk)
    return submission


def test_me_needs_a_token_and_names_the_fix(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer ail_wrong"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_me_lists_roles_and_teams(client):
    entry, _ = make_entry()
    user = captain_of(entry.team)
    body = client.get("/api/v1/me", headers=bearer(user)).json()
    assert body["roles"] == ["participant"]
    assert [team["name"] for team in body["teams"]] == [entry.team.name]


def test_scenario_list_hides_drafts_from_the_public():
    from django.test import Client

    published = make_stage().scenario
    draft = make_scenario(status=ScenarioStatus.DRAFT)
    slugs = [row["slug"] for row in Client().get("/api/v1/scenarios").json()]
    assert published.slug in slugs
    assert draft.slug not in slugs
    assert Client().get(f"/api/v1/scenarios/{draft.slug}").status_code == 404


def test_scenario_detail_never_reveals_the_reference(client):
    stage = make_stage()
    body = client.get(f"/api/v1/scenarios/{stage.scenario.slug}").json()
    assert body["submission_format"] == {
        "kind": "binary_probability",
        "metric": "roc_auc",
        "id_column": "id",
        "prediction_column": "prediction",
    }
    text = str(body)
    assert "references/" not in text
    assert "target_column" not in text
    assert "split_column" not in text


def test_upload_is_accepted_and_queued(client):
    entry, stage = make_entry()
    response = post_file(
        client, stage.scenario.slug, GOOD_PREDICTIONS, bearer(captain_of(entry.team))
    )
    assert response.status_code == 201
    assert response.json()["state"] == "queued"


def test_bad_file_gets_every_problem_and_is_not_charged(client):
    entry, stage = make_entry()
    headers = bearer(captain_of(entry.team))
    response = post_file(client, stage.scenario.slug, "id,prediction\n001,2\n", headers)
    assert response.status_code == 422
    assert [p["code"] for p in response.json()["problems"]] == [
        "missing_ids",
        "probability_out_of_range",
    ]
    quota = client.get(f"/api/v1/scenarios/{stage.scenario.slug}/quota", headers=headers).json()
    assert (quota["daily_used"], quota["total_used"]) == (0, 0)


def test_problems_come_in_chinese_when_asked(client):
    entry, stage = make_entry()
    headers = {**bearer(captain_of(entry.team)), "Accept-Language": "zh-hans"}
    response = post_file(client, stage.scenario.slug, "id,prediction\n001,2\n", headers)
    assert response.json()["problems"][1]["message"] == (
        "'prediction' 列中有 1 个值不在 [0, 1] 范围内；请给出概率。"
    )


def test_a_team_not_entered_cannot_submit(client):
    stage = make_stage()
    outsider = make_user()
    response = post_file(client, stage.scenario.slug, GOOD_PREDICTIONS, bearer(outsider))
    assert response.status_code == 403
    assert response.json()["code"] == "not_entered"


def test_closed_stage_refuses_uploads(client):
    stage = make_stage(opens_in=timedelta(days=-10), closes_in=timedelta(seconds=-1))
    entry, _ = make_entry(stage=stage)
    response = post_file(
        client, stage.scenario.slug, GOOD_PREDICTIONS, bearer(captain_of(entry.team))
    )
    assert response.status_code == 409
    assert response.json()["code"] == "stage_closed"


def test_quota_exhausted_answers_429_with_counts(client):
    stage = make_stage(daily_quota=1)
    entry, _ = make_entry(stage=stage)
    headers = bearer(captain_of(entry.team))
    assert post_file(client, stage.scenario.slug, GOOD_PREDICTIONS, headers).status_code == 201
    response = post_file(client, stage.scenario.slug, GOOD_PREDICTIONS, headers)
    assert response.status_code == 429
    assert response.json()["code"] == "quota_daily"
    assert response.json()["details"]["daily_used"] == 1


def test_another_team_cannot_read_a_submission(client):
    entry, stage = make_entry()
    submission = scored(entry, stage)
    rival = make_team(league=stage.scenario.track.league)
    make_entry(stage=stage, team=rival)
    response = client.get(f"/api/v1/submissions/{submission.pk}", headers=bearer(captain_of(rival)))
    assert response.status_code == 404
    response = client.get(
        f"/api/v1/submissions/{submission.uuid}", headers=bearer(captain_of(rival))
    )
    assert response.status_code == 404


def test_own_submission_shows_public_score_only_before_close(client):
    entry, stage = make_entry()
    submission = scored(entry, stage)
    body = client.get(
        f"/api/v1/submissions/{submission.pk}", headers=bearer(captain_of(entry.team))
    ).json()
    assert body["state"] == "scored"
    assert body["scores"] == {"public": 1.0}


def test_public_leaderboard_is_open_to_anyone_and_ranked(client):
    entry, stage = make_entry()
    rival_entry, _ = make_entry(stage=stage)
    scored(entry, stage, WEAK_PREDICTIONS)
    scored(rival_entry, stage, GOOD_PREDICTIONS)
    body = client.get(f"/api/v1/scenarios/{stage.scenario.slug}/leaderboard").json()
    assert [(r["rank"], r["team"]) for r in body["rows"]] == [
        (1, rival_entry.team.name),
        (2, entry.team.name),
    ]
    assert body["higher_is_better"] is True


def test_private_leaderboard_hidden_from_participants_until_the_close(client):
    entry, stage = make_entry()
    scored(entry, stage)
    url = f"/api/v1/scenarios/{stage.scenario.slug}/leaderboard?split=private"
    response = client.get(url, headers=bearer(captain_of(entry.team)))
    assert response.status_code == 403
    assert response.json()["code"] == "private_leaderboard_hidden"
    organiser = make_user(role="organiser")
    assert client.get(url, headers=bearer(organiser)).status_code == 200


def test_private_leaderboard_opens_after_the_close(client):
    entry, stage = make_entry()
    scored(entry, stage)
    stage.closes_at = stage.opens_at + timedelta(seconds=1)
    stage.save()
    body = client.get(f"/api/v1/scenarios/{stage.scenario.slug}/leaderboard?split=private").json()
    assert [(r["rank"], r["score"]) for r in body["rows"]] == [(1, 1.0)]


def test_selecting_a_final_through_the_api(client):
    entry, stage = make_entry()
    submission = scored(entry, stage)
    headers = bearer(captain_of(entry.team))
    response = client.post(
        f"/api/v1/submissions/{submission.pk}/final",
        {"selected": True},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    assert Submission.objects.get(pk=submission.pk).is_final_selection is True


def test_listing_submissions_shows_only_my_team(client):
    entry, stage = make_entry()
    rival_entry, _ = make_entry(stage=stage)
    mine = scored(entry, stage)
    scored(rival_entry, stage)
    url = f"/api/v1/scenarios/{stage.scenario.slug}/submissions"
    rows = client.get(url, headers=bearer(captain_of(entry.team))).json()
    assert [row["id"] for row in rows] == [mine.pk]


def test_session_login_works_for_the_api(client):
    entry, _ = make_entry()
    client.force_login(captain_of(entry.team))
    assert client.get("/api/v1/me").status_code == 200
