"""The results API: the same services and visibility as the pages."""

from __future__ import annotations

import pytest

from aileague.accounts.services import create_api_token
from aileague.results.models import Objection
from tests.factories import captain_of, make_user

pytestmark = pytest.mark.django_db


def auth(user) -> dict:
    return {"Authorization": f"Bearer {create_api_token(user=user, name='t')[1]}"}


def url(league, tail: str = "") -> str:
    return f"/api/v1/scenarios/{league.stage.scenario.slug}/results{tail}?stage={league.stage.slug}"


def test_organiser_computes_and_publishes_through_the_api(client, scored):
    headers = auth(scored.organiser)
    response = client.post(url(scored, "/compute"), headers=headers)
    assert response.status_code == 200
    assert response.json()["lines"] == 3
    anonymous = client.get(url(scored)).json()
    assert (anonymous["state"], anonymous["lines"]) == ("computed", [])
    response = client.post(url(scored, "/publish"), headers=headers)
    assert response.status_code == 200
    public = client.get(url(scored)).json()
    assert public["state"] == "provisional"
    assert [(line["team"], line["rank"], line["final_score"]) for line in public["lines"]] == [
        ("Beta", 1, 75.0),
        ("深圳智驾队", 2, 50.0),
        ("Gamma", 3, 25.0),
    ]


def test_non_organiser_cannot_compute(client, scored):
    response = client.post(url(scored, "/compute"), headers=auth(make_user()))
    assert (response.status_code, response.json()["code"]) == (403, "not_organiser")


def test_my_status_shows_advancement_before_publication(client, scored):
    client.post(url(scored, "/compute"), headers=auth(scored.organiser))
    response = client.get(url(scored, "/mine"), headers=auth(captain_of(scored.teams["gamma"])))
    assert response.json() == [
        {
            "team_id": scored.teams["gamma"].pk,
            "team": "Gamma",
            "advanced": True,
            "reason": "asean_quota",
            "line": None,
        }
    ]


def test_objection_and_decision_through_the_api(client, scored):
    organiser = auth(scored.organiser)
    client.post(url(scored, "/compute"), headers=organiser)
    client.post(url(scored, "/publish"), headers=organiser)
    nameless = make_user()
    response = client.post(url(scored, "/objections"), {"text": "Wrong"}, headers=auth(nameless))
    assert (response.status_code, response.json()["code"]) == (403, "real_name_required")
    person = make_user()
    person.real_name = "Tran Thi Mai"
    person.save(update_fields=["real_name"])
    response = client.post(
        url(scored, "/objections"),
        {"text": "Beta's score", "team_id": scored.teams["beta"].pk},
        headers=auth(person),
    )
    assert response.status_code == 201
    objection_id = response.json()["id"]
    assert Objection.objects.get(pk=objection_id).filer_real_name == "Tran Thi Mai"
    response = client.post(
        f"/api/v1/results/objections/{objection_id}/decide",
        {"upheld": False, "decision": "The score is correct."},
        content_type="application/json",
        headers=organiser,
    )
    assert response.json()["status"] == "dismissed"
    decided = client.get(url(scored)).json()["objections"]
    assert [(o["status"], o["decision"]) for o in decided] == [
        ("dismissed", "The score is correct.")
    ]
    response = client.post(url(scored, "/finalise"), headers=organiser)
    assert (response.status_code, response.json()["code"]) == (409, "notice_running")


def test_unknown_certificate_is_404(client, db):
    response = client.get("/api/v1/results/certificates/NOPE")
    assert (response.status_code, response.json()["code"]) == (404, "certificate_not_found")
