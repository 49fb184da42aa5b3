"""A matchmaking day's introductions: capacities respected, the best total fit, no pair that
already has a relation or meets no stated interest; on the page, as CSV and through the API."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from aileague.accounts.services import create_api_token
from aileague.common.errors import InvalidInput, PermissionDenied
from aileague.outcomes.introductions import plan_introductions
from aileague.outcomes.models import PartnerKind, Relation
from tests.factories import make_league, make_track, make_user
from tests.outcomes.test_recommendations import make_partner, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    """Two investors who both like the e-commerce track best, one pilot site for agriculture."""
    league = make_league()
    ecommerce = make_track(league=league, slug="ecommerce", name={"en": "E-commerce"})
    farming = make_track(league=league, slug="farming", name={"en": "Smart farming"})
    partners = {
        "mekong": make_partner(
            "Mekong Capital", PartnerKind.INVESTOR, tracks=[ecommerce], countries=["ASEAN"]
        ),
        "delta": make_partner("Delta Fund", PartnerKind.INVESTOR, tracks=[ecommerce]),
        "fields": make_partner("Green Fields", PartnerKind.PILOT_SITE, tracks=[farming]),
    }
    projects = {
        "invoices": make_project(league, ecommerce, "invoices", country="VN", readiness=7),
        "parcels": make_project(league, ecommerce, "parcels", country="TH", readiness=6),
        "rice": make_project(league, farming, "rice", country="LA"),
    }
    organiser = make_user(role="organiser", league=league)
    return league, partners, projects, organiser


def pairs(plan) -> set[tuple[str, str]]:
    return {(row.partner.name, row.project.slug) for row in plan}


def test_each_partner_and_project_within_capacity_and_every_pair_has_a_reason(day):
    league, _partners, _projects, organiser = day
    plan = plan_introductions(league=league, actor=organiser, per_partner=1, per_project=1)
    # One each way: the two investors share the two e-commerce projects instead of both taking
    # the same best one (either split has the same total fit), and the site gets its farm.
    assert len(plan) == 3
    assert {p for p, _ in pairs(plan)} == {"Mekong Capital", "Delta Fund", "Green Fields"}
    assert {j for _, j in pairs(plan)} == {"invoices", "parcels", "rice"}
    assert ("Green Fields", "rice") in pairs(plan)
    assert all(row.reasons for row in plan)
    plan = plan_introductions(league=league, actor=organiser, per_partner=2, per_project=2)
    assert ("Green Fields", "invoices") not in pairs(plan)  # farming site, e-commerce project
    assert {p for p, _ in pairs(plan)} == {"Mekong Capital", "Delta Fund", "Green Fields"}
    per_partner = {}
    for partner, _project in pairs(plan):
        per_partner[partner] = per_partner.get(partner, 0) + 1
    assert max(per_partner.values()) <= 2


def test_a_pair_that_already_has_a_relation_is_not_introduced_again(day):
    league, partners, projects, organiser = day
    Relation.objects.create(
        project=projects["rice"],
        partner=partners["fields"],
        kind=PartnerKind.PILOT_SITE,
        created_by=organiser,
    )
    plan = plan_introductions(league=league, actor=organiser, per_partner=3, per_project=3)
    assert ("Green Fields", "rice") not in pairs(plan)


def test_only_organisers_plan_and_bad_parameters_are_refused(day):
    league, _partners, _projects, organiser = day
    with pytest.raises(PermissionDenied):
        plan_introductions(league=league, actor=make_user())
    with pytest.raises(InvalidInput) as caught:
        plan_introductions(league=league, actor=organiser, per_partner=0)
    assert caught.value.code == "invalid_capacity"
    with pytest.raises(InvalidInput) as caught:
        plan_introductions(league=league, actor=organiser, min_score=1.5)
    assert caught.value.code == "invalid_min_score"


def test_the_page_shows_the_plan_and_downloads_it_as_csv(client, day):
    league, _partners, _projects, organiser = day
    client.force_login(organiser)
    page = client.get("/projects/pipeline/introductions/")
    assert page.status_code == 200
    assert b'id="introductions"' not in page.content
    query = {"league": league.slug, "per_partner": 1, "per_project": 1, "min_score": 0}
    page = client.get("/projects/pipeline/introductions/", query)
    assert page.status_code == 200
    assert b"Green Fields" in page.content
    assert b"rice" in page.content
    download = client.get("/projects/pipeline/introductions/", {**query, "format": "csv"})
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert {row["partner"] for row in rows} == {"Mekong Capital", "Delta Fund", "Green Fields"}
    assert all(Decimal(row["fit"]) > 0 and row["why"] for row in rows)
    bad = client.get("/projects/pipeline/introductions/", {**query, "per_partner": 0})
    assert bad.status_code == 200
    assert b'id="introductions"' not in bad.content


def test_the_page_is_for_organisers_only(client, day):
    client.force_login(make_user())
    assert client.get("/projects/pipeline/introductions/").status_code == 403


def test_the_api_gives_the_plan_to_organisers(client, day):
    league, _partners, _projects, organiser = day
    token = create_api_token(user=organiser, name="t")[1]
    response = client.get(
        "/api/v1/introductions",
        {"league": league.slug, "per_partner": 1, "per_project": 1},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert len(body) == 3
    assert {"partner", "kind", "project", "team", "track", "score", "reasons"} == set(body[0])
    stranger = create_api_token(user=make_user(), name="t")[1]
    refused = client.get(
        "/api/v1/introductions",
        {"league": league.slug},
        headers={"Authorization": f"Bearer {stranger}"},
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "not_organiser")
    missing = client.get(
        "/api/v1/introductions",
        {"league": "no-such-league"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "league_not_found")
