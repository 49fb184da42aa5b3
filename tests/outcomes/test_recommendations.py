"""Recommendations from the database: a small market whose best fits and reasons are known."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from aileague.accounts.models import Organisation
from aileague.outcomes.models import (
    Award,
    AwardLevel,
    PartnerKind,
    PartnerProfile,
    Project,
    Relation,
)
from aileague.outcomes.recommendations import (
    PartnerFit,
    Recommendation,
    partners_for_project,
    recommendations_for_partner,
)
from tests.factories import make_league, make_scenario, make_team, make_track, make_user

pytestmark = pytest.mark.django_db


def make_project(league, track, slug, **fields):
    team = fields.pop("team", None) or make_team(league=league, name=f"Team {slug}")
    defaults = {"title": {"en": slug.title(), "zh-hans": slug}, "country": "VN", "readiness": 5}
    return Project.objects.create(
        league=league, team=team, track=track, slug=slug, **{**defaults, **fields}
    )


def make_partner(name, kind, *, tracks=(), **fields):
    organisation = Organisation.objects.create(name=name, kind="investor", country="CN")
    profile = PartnerProfile.objects.create(organisation=organisation, kind=kind, **fields)
    profile.tracks.set(tracks)
    return organisation


@pytest.fixture
def market():
    league = make_league()
    ecommerce = make_track(
        league=league,
        slug="ecommerce",
        name={"en": "Cross-border e-commerce", "zh-hans": "跨境电商"},
    )
    automotive = make_track(league=league, slug="auto", name={"en": "Automotive"})
    mekong = make_partner(
        "Mekong Capital",
        PartnerKind.INVESTOR,
        tracks=[ecommerce],
        countries=["ASEAN"],
        tags=["OCR"],
        readiness_min=5,
        readiness_max=8,
        ticket_min_cny=Decimal("1000000"),
        ticket_max_cny=Decimal("10000000"),
    )
    hanoi_port = make_partner(
        "Hanoi Port", PartnerKind.PILOT_SITE, tracks=[automotive], countries=["VN"]
    )
    delta = make_partner("Delta Fund", PartnerKind.INVESTOR, tracks=[ecommerce])
    scenario = make_scenario(track=ecommerce)  # its owner has no profile
    invoices = make_project(
        league,
        ecommerce,
        "invoices",
        tags=["OCR", "NLP"],
        readiness=7,
        seeking_cny=Decimal("5000000"),
    )
    team = make_team(league=league, name="Team parcels", country="CN", province="CN-GX")
    award = Award.objects.create(
        league=league,
        team=team,
        scenario=scenario,
        level=AwardLevel.FIRST,
        awarded_at=date(2026, 6, 1),
    )
    parcels = make_project(
        league,
        ecommerce,
        "parcels",
        team=team,
        country="CN",
        target_countries=["TH"],
        readiness=4,
        award=award,
    )
    make_project(league, automotive, "engines", country="CN", readiness=2)
    make_project(league, ecommerce, "hidden", is_public=False, readiness=7)
    related = make_project(league, ecommerce, "related", readiness=7)
    user = make_user()
    Relation.objects.create(
        project=related, partner=mekong, kind=PartnerKind.INVESTOR, created_by=user
    )
    Relation.objects.create(
        project=invoices, partner=delta, kind=PartnerKind.INVESTOR, created_by=user
    )
    return {
        "mekong": mekong,
        "hanoi_port": hanoi_port,
        "owner": scenario.owner,
        "invoices": invoices,
        "parcels": parcels,
    }


def test_investor_gets_the_best_fitting_public_project_first_with_its_reasons(market):
    with translation.override("en"):
        recommendations = recommendations_for_partner(organisation=market["mekong"])
    assert [r.project.slug for r in recommendations] == ["invoices", "parcels"]
    best = recommendations[0]
    assert round(best.score, 4) == 0.8914
    assert best.reasons == [
        "matches your interest in Cross-border e-commerce",
        "team in Vietnam",
        "seeks ¥5M within your ticket",
        "uses OCR",
        "TRL 7 within your range",
    ]
    assert recommendations[1].reasons == [
        "matches your interest in Cross-border e-commerce",
        "targets Thailand",
        "First prize",
    ]


def test_projects_outside_every_interest_private_or_already_related_are_left_out(market):
    slugs = [r.project.slug for r in recommendations_for_partner(organisation=market["mekong"])]
    assert "engines" not in slugs  # fits nothing the investor asked for
    assert "hidden" not in slugs  # not public
    assert "related" not in slugs  # already in the investor's pipeline


def test_k_limits_the_list(market):
    assert len(recommendations_for_partner(organisation=market["mekong"], k=1)) == 1


def test_pilot_site_is_matched_on_country_and_ignores_funding(market):
    with translation.override("en"):
        recommendations = recommendations_for_partner(organisation=market["hanoi_port"])
    assert [(r.project.slug, r.reasons) for r in recommendations] == [
        ("engines", ["matches your interest in Automotive"]),
        ("invoices", ["team in Vietnam"]),
        ("related", ["team in Vietnam"]),
    ]


def test_a_scenario_owner_without_a_profile_gets_projects_of_its_tracks(market):
    with translation.override("en"):
        recommendations = recommendations_for_partner(organisation=market["owner"])
    assert [(r.project.slug, r.reasons) for r in recommendations] == [
        ("parcels", ["matches your interest in Cross-border e-commerce", "First prize"]),
        # Equal fits: the earlier project first.
        ("invoices", ["matches your interest in Cross-border e-commerce"]),
        ("related", ["matches your interest in Cross-border e-commerce"]),
    ]


def test_an_organisation_without_interests_gets_nothing():
    organisation = Organisation.objects.create(name="Nobody", kind="other", country="CN")
    assert recommendations_for_partner(organisation=organisation) == []


def test_partners_for_a_project_best_first_without_those_already_related(market):
    with translation.override("en"):
        fits = partners_for_project(project=market["invoices"])
    assert [(f.organisation.name, f.kind) for f in fits] == [
        ("Mekong Capital", "investor"),
        (market["owner"].name, "pilot_site"),
        ("Hanoi Port", "pilot_site"),
    ]
    assert fits[0].reasons == [
        "interested in Cross-border e-commerce",
        "looks for teams in Vietnam",
        "tickets of ¥1M–¥10M",
        "looks for OCR",
        "takes TRL 5–8",
    ]
    assert fits[1].reasons == ["interested in Cross-border e-commerce"]
    assert fits[2].reasons == ["looks for teams in Vietnam"]


def test_a_private_project_gets_no_partners(market):
    market["invoices"].is_public = False
    market["invoices"].save()
    assert partners_for_project(project=market["invoices"]) == []


def test_template_lists_recommended_projects_with_reasons(market):
    with translation.override("en"):
        recommendations = recommendations_for_partner(organisation=market["mekong"], k=1)
        html = render_to_string(
            "outcomes/_recommendations.html", {"recommendations": recommendations}
        )
    assert "Recommended for you" in html
    assert 'href="/projects/invoices/"' in html
    assert (
        "matches your interest in Cross-border e-commerce; team in Vietnam; "
        "seeks ¥5M within your ticket; uses OCR; TRL 7 within your range"
    ) in html
    assert "fit 0.89" in html


def test_template_lists_partners_for_a_project(market):
    with translation.override("en"):
        fits = partners_for_project(project=market["invoices"], k=1)
        html = render_to_string("outcomes/_recommendations.html", {"recommendations": fits})
    assert "Investors and pilot sites that fit" in html
    assert "<strong>Mekong Capital</strong>" in html
    assert "· Investor" in html


def test_template_renders_nothing_without_the_variable_and_a_note_when_empty():
    assert render_to_string("outcomes/_recommendations.html", {}).strip() == ""
    html = render_to_string("outcomes/_recommendations.html", {"recommendations": []})
    assert "Nothing fits the stated interests yet." in html


def test_results_are_the_documented_dataclasses(market):
    assert type(recommendations_for_partner(organisation=market["mekong"])[0]) is Recommendation
    assert type(partners_for_project(project=market["invoices"])[0]) is PartnerFit
