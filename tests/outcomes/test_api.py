"""The projects API: the same services and visibility as the pages."""

from __future__ import annotations

from datetime import date

import pytest

from aileague.accounts.services import create_api_token
from aileague.outcomes import services
from aileague.outcomes.models import Relation
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def auth(user) -> dict:
    return {"Authorization": f"Bearer {create_api_token(user=user, name='t')[1]}"}


def test_projects_list_filters(client, world):
    body = client.get("/api/v1/projects").json()
    assert (body["count"], body["pages"]) == (2, 1)
    assert [p["slug"] for p in body["projects"]] == ["parcel-delay-radar", "sugarcane-yield-eye"]
    body = client.get("/api/v1/projects", {"country": "ASEAN", "language": "vi"}).json()
    assert [p["slug"] for p in body["projects"]] == ["parcel-delay-radar"]
    assert body["projects"][0] == {
        "slug": "parcel-delay-radar",
        "title": "Parcel delay radar",
        "summary": "Predicts late parcels across the Youyiguan border.",
        "league": world.league.slug,
        "track": "cross-border-e-commerce",
        "team": "Mekong Minds",
        "country": "VN",
        "readiness": 6,
        "demo_url": "https://demo.example.org/radar",
        "languages": ["vi", "zh-hans"],
        "target_countries": ["VN", "TH"],
        "tags": ["logistics", "forecasting"],
        "award": None,
        "product_launched_at": None,
    }


def test_project_detail_hides_amounts_from_the_public(client, world):
    services.update_project(project=world.project, actor=world.captain, seeking_cny="500000")
    public = client.get("/api/v1/projects/parcel-delay-radar").json()
    assert (public["seeking_cny"], public["pipeline"]["interest"]) == (None, 0)
    team = client.get("/api/v1/projects/parcel-delay-radar", headers=auth(world.member)).json()
    assert team["seeking_cny"] == "500000.00"
    response = client.get("/api/v1/projects/nothing-here")
    assert (response.status_code, response.json()["code"]) == (404, "project_not_found")


def test_interest_meeting_and_steps_through_the_api(client, world):
    investor = auth(world.investor)
    response = client.post(
        "/api/v1/projects/parcel-delay-radar/interest",
        {"message": "Hello"},
        content_type="application/json",
        headers=investor,
    )
    assert response.status_code == 201
    relation_id = response.json()["id"]
    assert response.json()["next_actions"] == ["request_meeting", "withdraw"]
    again = client.post(
        "/api/v1/projects/parcel-delay-radar/interest",
        {},
        content_type="application/json",
        headers=investor,
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_related")
    response = client.post(
        f"/api/v1/relations/{relation_id}/meeting",
        {"at": "2026-02-10T10:00:00+07:00"},
        content_type="application/json",
        headers=investor,
    )
    assert response.json()["meeting_at"] == "2026-02-10T10:00:00+07:00"
    captain = auth(world.captain)
    response = client.post(f"/api/v1/relations/{relation_id}/accept", headers=captain)
    assert response.json()["stage"] == "meeting"
    response = client.post(
        f"/api/v1/relations/{relation_id}/advance",
        {"stage": "agreement", "amount": "1000", "currency": "THB", "on": "2026-03-02"},
        content_type="application/json",
        headers=investor,
    )
    assert (response.status_code, response.json()["code"]) == (422, "no_exchange_rate")
    response = client.post(
        f"/api/v1/relations/{relation_id}/advance",
        {"stage": "agreement", "amount": "1000", "currency": "USD", "on": "2026-03-02"},
        content_type="application/json",
        headers=investor,
    )
    body = response.json()
    assert (body["stage"], body["amount"], body["cny_per_unit"], body["amount_cny"]) == (
        "agreement",
        "1000.00",
        "7.20000000",
        "7200.00",
    )
    response = client.post(
        f"/api/v1/relations/{relation_id}/advance",
        {"stage": "interest"},
        content_type="application/json",
        headers=captain,
    )
    assert (response.status_code, response.json()["code"]) == (409, "stage_backwards")
    mine = client.get("/api/v1/relations", headers=captain).json()
    assert [(r["id"], r["stage"]) for r in mine] == [(relation_id, "agreement")]
    response = client.post(
        f"/api/v1/relations/{relation_id}/decline",
        {"reason": "Another offer"},
        content_type="application/json",
        headers=investor,
    )
    assert response.json()["stage"] == "withdrawn"


def test_non_partners_and_strangers_are_refused(client, world):
    response = client.post(
        "/api/v1/projects/parcel-delay-radar/interest",
        {},
        content_type="application/json",
        headers=auth(make_user()),
    )
    assert (response.status_code, response.json()["code"]) == (403, "not_a_partner")
    relation = services.express_interest(project=world.project, actor=world.investor)
    response = client.post(f"/api/v1/relations/{relation.pk}/accept", headers=auth(world.site))
    assert (response.status_code, response.json()["code"]) == (404, "relation_not_found")
    anonymous = client.post(f"/api/v1/relations/{relation.pk}/accept")
    assert anonymous.status_code == 401
    assert Relation.objects.get().stage == "interest"


def test_registry_through_the_api(client, world):
    services.sign_into_center(
        project=world.project,
        actor=world.operator,
        signed_on=date(2026, 3, 1),
        country="VN",
        field="logistics",
        agreed_investment="10",
        currency="USD",
    )
    services.sign_into_center(
        project=world.cn_project,
        actor=world.operator,
        signed_on=date(2026, 3, 2),
        country="CN",
        field="agriculture",
        agreed_investment="1000",
        currency="CNY",
    )
    body = client.get(
        "/api/v1/center/registry", {"countries": "asean", "year": 2026, "league": world.league.slug}
    ).json()
    assert (body["total_projects"], body["total_investment_cny"]) == (1, "72.00")
    assert body["by_country"] == [
        {"country": "VN", "projects": 1, "agreed_investment_cny": "72.00"}
    ]
    assert [r["project"] for r in body["rows"]] == ["parcel-delay-radar"]
    body = client.get("/api/v1/center/registry", {"countries": "CN,VN"}).json()
    assert body["total_investment_cny"] == "1072.00"
    response = client.get("/api/v1/center/registry", {"league": "nope"})
    assert (response.status_code, response.json()["code"]) == (404, "league_not_found")
