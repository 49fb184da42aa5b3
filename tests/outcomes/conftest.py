"""A league after the finals: two teams with projects, an investor, a pilot site, the center's
operator, an organiser and recorded exchange rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from aileague.accounts.models import Organisation
from aileague.outcomes import services
from aileague.outcomes.models import ExchangeRate, PartnerProfile
from tests.factories import captain_of, make_scenario, make_team, make_track, make_user


def partner(name: str, kind: str, country: str = "SG"):
    """An organisation with a partner profile and one person in it."""
    organisation = Organisation.objects.create(name=name, kind="investor", country=country)
    profile = PartnerProfile.objects.create(organisation=organisation, kind=kind)
    person = make_user()
    person.organisation = organisation
    person.save(update_fields=["organisation"])
    return profile, person


class World:
    def __init__(self):
        self.track = make_track(
            slug="cross-border-e-commerce", name={"en": "Cross-border e-commerce"}
        )
        self.league = self.track.league
        self.other_track = make_track(league=self.league, slug="smart-agriculture")
        self.scenario = make_scenario(track=self.track)
        self.organiser = make_user(role="organiser", league=self.league)
        self.vn_team = make_team(league=self.league, name="Mekong Minds", country="VN", members=1)
        self.cn_team = make_team(
            league=self.league, name="Guilin AI Lab", country="CN", province="CN-GX"
        )
        self.captain = captain_of(self.vn_team)
        self.member = self.vn_team.memberships.get(role="member").user
        self.investor_profile, self.investor = partner("Mekong Ventures", "investor")
        self.site_profile, self.site = partner("Nanning Port Authority", "pilot_site", "CN")
        self.center_profile, self.operator = partner("China-ASEAN AI Center", "center", "CN")
        self.project = services.create_project(
            team=self.vn_team,
            track=self.track,
            actor=self.captain,
            title={"en": "Parcel delay radar", "vi": "Radar trễ bưu kiện"},
            summary={"en": "Predicts late parcels across the Youyiguan border."},
            readiness=6,
            scenario=self.scenario,
            demo_url="https://demo.example.org/radar",
            languages=["vi", "zh-hans"],
            target_countries=["VN", "TH"],
            tags=["logistics", "forecasting"],
        )
        self.cn_project = services.create_project(
            team=self.cn_team,
            track=self.other_track,
            actor=self.organiser,
            title="Sugarcane yield eye",
            readiness=3,
            languages=["zh-hans"],
            tags=["vision"],
        )
        for currency, on, rate in (
            ("USD", date(2026, 1, 1), "7.10000000"),
            ("USD", date(2026, 3, 1), "7.20000000"),
            ("VND", date(2026, 1, 1), "0.00028000"),
        ):
            ExchangeRate.objects.create(currency=currency, on=on, cny_per_unit=Decimal(rate))


@pytest.fixture
def world(db):
    return World()
