"""The cooperation center: sign-ins, milestones and the registry's numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from aileague.common.errors import Conflict, InvalidInput, PermissionDenied
from aileague.outcomes import queries, services
from tests.factories import make_team

pytestmark = pytest.mark.django_db

#: (team country, signed on, sign-in country, field, investment, currency)
SIGN_INS = [
    ("VN", date(2026, 2, 1), "VN", "logistics", "1000000", "USD"),  # 7.10 -> 7,100,000.00
    ("VN", date(2026, 3, 15), "VN", "tourism", "500000", "CNY"),
    ("TH", date(2026, 4, 1), "TH", "logistics", "2000000", "USD"),  # 7.20 -> 14,400,000.00
    ("LA", date(2026, 5, 1), "LA", "agriculture", "1000000000", "VND"),  # -> 280,000.00
    ("CN", date(2026, 5, 2), "CN", "logistics", "30000000", "CNY"),
    ("TH", date(2025, 11, 1), "TH", "logistics", "800000", "CNY"),  # last year
]


@pytest.fixture
def registry_world(world):
    for i, (team_country, signed_on, country, field, amount, currency) in enumerate(SIGN_INS):
        team = make_team(
            league=world.league,
            name=f"Team {i}",
            country=team_country,
            province="CN-GX" if team_country == "CN" else "",
        )
        project = services.create_project(
            team=team, track=world.track, actor=world.organiser, title=f"Project {i}"
        )
        services.sign_into_center(
            project=project,
            actor=world.operator,
            signed_on=signed_on,
            country=country,
            field=field,
            agreed_investment=amount,
            currency=currency,
        )
    return world


def lines(registry):
    return [(c.country, c.projects, c.agreed_investment_cny) for c in registry.by_country]


def test_asean_projects_signed_this_year_by_country(registry_world):
    registry = queries.center_registry(league=registry_world.league, year=2026, countries="asean")
    assert lines(registry) == [
        ("TH", 1, Decimal("14400000.00")),
        ("VN", 2, Decimal("7600000.00")),
        ("LA", 1, Decimal("280000.00")),
    ]
    assert (registry.total_projects, registry.total_investment_cny) == (
        4,
        Decimal("22280000.00"),
    )
    assert [r.project.title["en"] for r in registry.rows] == [
        "Project 3",
        "Project 2",
        "Project 1",
        "Project 0",
    ]


def test_registry_filters_by_year_field_and_country(registry_world):
    league = registry_world.league
    everything = queries.center_registry(league=league)
    assert (everything.total_projects, everything.total_investment_cny) == (
        6,
        Decimal("53080000.00"),
    )
    assert lines(queries.center_registry(league=league, year=2025)) == [
        ("TH", 1, Decimal("800000.00"))
    ]
    assert lines(queries.center_registry(league=league, field="Logistics", year=2026)) == [
        ("CN", 1, Decimal("30000000.00")),
        ("TH", 1, Decimal("14400000.00")),
        ("VN", 1, Decimal("7100000.00")),
    ]
    assert lines(queries.center_registry(league=league, countries=["CN", "LA"])) == [
        ("CN", 1, Decimal("30000000.00")),
        ("LA", 1, Decimal("280000.00")),
    ]


def test_a_project_signs_in_once_and_only_the_center_signs_it(world):
    def sign(actor):
        return services.sign_into_center(
            project=world.project,
            actor=actor,
            signed_on=date(2026, 3, 1),
            country="VN",
            field="logistics",
            agreed_investment="10",
            currency="USD",
        )

    with pytest.raises(PermissionDenied) as error:
        sign(world.investor)
    assert error.value.code == "not_center_operator"
    sign_in = sign(world.organiser)
    assert (sign_in.cny_per_unit, sign_in.agreed_investment_cny) == (
        Decimal("7.20000000"),
        Decimal("72.00"),
    )
    with pytest.raises(Conflict) as error:
        sign(world.operator)
    assert error.value.code == "already_signed_in"


def test_sign_in_without_a_rate_is_refused(world):
    with pytest.raises(InvalidInput) as error:
        services.sign_into_center(
            project=world.project,
            actor=world.operator,
            signed_on=date(2026, 3, 1),
            country="VN",
            field="logistics",
            agreed_investment="10",
            currency="MYR",
        )
    assert error.value.code == "no_exchange_rate"


def test_milestones_are_added_and_completed(world):
    sign_in = services.sign_into_center(
        project=world.project,
        actor=world.operator,
        signed_on=date(2026, 3, 1),
        country="VN",
        field="logistics",
        agreed_investment="0",
        currency="CNY",
    )
    first = services.add_milestone(
        sign_in=sign_in, actor=world.operator, title="Pilot at Dong Dang", due_on=date(2026, 6, 1)
    )
    second = services.add_milestone(
        sign_in=sign_in, actor=world.organiser, title="First customer", due_on=date(2026, 9, 1)
    )
    with pytest.raises(PermissionDenied):
        services.complete_milestone(milestone=first, actor=world.captain)
    services.complete_milestone(milestone=first, actor=world.operator, done_on=date(2026, 5, 30))
    assert [(m.position, str(m), m.done_on) for m in sign_in.milestones.all()] == [
        (0, "Pilot at Dong Dang", date(2026, 5, 30)),
        (1, "First customer", None),
    ]
    with pytest.raises(Conflict):
        services.complete_milestone(milestone=first, actor=world.operator)
    assert second.done_on is None


def test_registry_page_and_csv_export(client, registry_world):
    url = reverse("outcomes:center")
    page = client.get(url, {"year": "2026", "countries": "asean"})
    assert page.status_code == 200
    html = page.content.decode()
    assert '<th class="num" id="total-investment">22,280,000.00</th>' in html
    export = client.get(reverse("outcomes:center_export"), {"year": "2026", "countries": "asean"})
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    rows = export.content.decode().splitlines()
    assert rows[0] == (
        "project,team,country,field,signed_on,agreed_investment,currency,cny_per_unit,"
        "agreed_investment_cny"
    )
    assert rows[1:] == [
        "Project 3,Team 3,LA,agriculture,2026-05-01,1000000000.00,VND,0.00028000,280000.00",
        "Project 2,Team 2,TH,logistics,2026-04-01,2000000.00,USD,7.20000000,14400000.00",
        "Project 1,Team 1,VN,tourism,2026-03-15,500000.00,CNY,1.00000000,500000.00",
        "Project 0,Team 0,VN,logistics,2026-02-01,1000000.00,USD,7.10000000,7100000.00",
    ]
