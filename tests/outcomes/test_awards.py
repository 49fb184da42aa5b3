"""Organisers record awards in the back office or through the API, always through the service;
anyone reads them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from aileague.accounts.services import create_api_token
from aileague.common.models import AuditEntry
from aileague.outcomes.models import Award
from tests.factories import make_scenario, make_team, make_track

pytestmark = pytest.mark.django_db


def auth(user) -> dict:
    return {"Authorization": f"Bearer {create_api_token(user=user, name='t')[1]}"}


def award_body(world, **changes) -> dict:
    body = {
        "team": world.vn_team.pk,
        "scenario": world.scenario.slug,
        "level": "first",
        "amount": "50000",
        "currency": "cny",
        "awarded_at": "2026-10-30",
    }
    return {**body, **changes}


def test_an_organiser_records_an_award_and_anyone_lists_it(client, world):
    response = client.post(
        "/api/v1/awards", award_body(world), content_type="application/json", **auth_kw(world)
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {k: body[k] for k in ("team", "country", "scenario", "level", "amount", "currency")} == {
        "team": "Mekong Minds",
        "country": "VN",
        "scenario": world.scenario.slug,
        "level": "first",
        "amount": "50000.00",
        "currency": "CNY",
    }
    award = Award.objects.get()
    assert (award.league, award.amount, award.awarded_at) == (
        world.league,
        Decimal("50000.00"),
        date(2026, 10, 30),
    )
    assert AuditEntry.objects.filter(action="outcomes.record_award").count() == 1
    listed = client.get("/api/v1/awards", {"league": world.league.slug}).json()
    assert [(a["team"], a["level"]) for a in listed] == [("Mekong Minds", "first")]
    assert client.get("/api/v1/awards", {"league": "another-league"}).json() == []


def auth_kw(world) -> dict:
    return {"headers": auth(world.organiser)}


def test_awards_are_listed_by_scenario_then_level_in_prize_order(client, world):
    for team, level in ((world.cn_team, "third"), (world.vn_team, "first")):
        response = client.post(
            "/api/v1/awards",
            award_body(world, team=team.pk, level=level),
            content_type="application/json",
            **auth_kw(world),
        )
        assert response.status_code == 201
    listed = client.get("/api/v1/awards", {"scenario": world.scenario.slug}).json()
    assert [a["level"] for a in listed] == ["first", "third"]


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"level": "gold"}, 422, "invalid_level"),
        ({"amount": "-5"}, 422, "invalid_amount"),
        ({"team": 999_999}, 404, "team_not_found"),
        ({"scenario": "no-such-scenario"}, 404, "scenario_not_found"),
    ],
)
def test_bad_awards_are_refused_with_their_code(client, world, changes, status, code):
    response = client.post(
        "/api/v1/awards",
        award_body(world, **changes),
        content_type="application/json",
        **auth_kw(world),
    )
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Award.objects.count() == 0


def test_one_award_per_team_and_scenario_and_only_for_the_leagues_organisers(client, world):
    first = client.post(
        "/api/v1/awards", award_body(world), content_type="application/json", **auth_kw(world)
    )
    assert first.status_code == 201
    again = client.post(
        "/api/v1/awards",
        award_body(world, level="second"),
        content_type="application/json",
        **auth_kw(world),
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_awarded")
    investor = client.post(
        "/api/v1/awards",
        award_body(world, team=world.cn_team.pk),
        content_type="application/json",
        headers=auth(world.investor),
    )
    assert investor.status_code == 403
    elsewhere = make_team(league=make_track(slug="elsewhere").league, name="Far away")
    wrong = client.post(
        "/api/v1/awards",
        award_body(world, team=elsewhere.pk),
        content_type="application/json",
        **auth_kw(world),
    )
    assert (wrong.status_code, wrong.json()["code"]) == (422, "wrong_league")
    assert Award.objects.count() == 1


def _back_office(client, world):
    world.organiser.is_staff = True
    world.organiser.save(update_fields=["is_staff"])
    client.force_login(world.organiser)


def test_the_back_office_records_an_award_through_the_service(client, world):
    _back_office(client, world)
    form = {
        "team": world.vn_team.pk,
        "scenario": world.scenario.pk,
        "level": "excellence",
        "amount": "1000",
        "currency": "usd",
        "awarded_at": "2026-10-30",
    }
    response = client.post("/admin/outcomes/award/add/", form)
    assert response.status_code == 302
    award = Award.objects.get()
    assert (award.level, award.currency, award.league) == ("excellence", "USD", world.league)
    assert AuditEntry.objects.filter(action="outcomes.record_award").count() == 1
    # Shown, not changed: the change page has no save, and a post changes nothing.
    client.post(f"/admin/outcomes/award/{award.pk}/change/", {**form, "level": "first"})
    award.refresh_from_db()
    assert award.level == "excellence"


def test_the_back_office_shows_the_services_refusal_and_records_nothing(client, world):
    _back_office(client, world)
    other_league_scenario = make_scenario(track=make_track(slug="far-track"))
    form = {
        "team": world.vn_team.pk,
        "scenario": other_league_scenario.pk,
        "level": "first",
        "currency": "CNY",
        "awarded_at": "2026-10-30",
    }
    response = client.post("/admin/outcomes/award/add/", form, follow=True)
    assert response.status_code == 200
    assert Award.objects.count() == 0
    shown = [str(m) for m in response.context["messages"]]
    assert any("league" in message for message in shown), shown
