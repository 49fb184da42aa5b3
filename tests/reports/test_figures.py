"""Every figure of the season report, exact on the hand-built season of conftest.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from aileague.reports.figures import season_figures
from aileague.reports.funnel import season_funnel

pytestmark = pytest.mark.django_db


def test_team_figures(season):
    f = season_figures(league=season.league)
    assert f.teams == 5
    assert f.teams_by_province["CN-GX"] == 1
    assert f.teams_by_province["CN-GD"] == 1
    assert len(f.teams_by_province) == 31
    assert sum(f.teams_by_province.values()) == 2
    assert f.teams_by_asean_country == {
        "BN": 0,
        "KH": 0,
        "ID": 0,
        "LA": 0,
        "MY": 0,
        "MM": 0,
        "PH": 0,
        "SG": 0,
        "TH": 1,
        "TL": 0,
        "VN": 2,
    }
    assert (f.provinces, f.asean_countries, f.asean_teams) == (2, 2, 3)
    assert f.asean_share == 3 / 5
    assert f.joint_teams == 2


def test_tracks_scenarios_and_stages(season):
    f = season_figures(league=season.league)
    # Track B's first stage opened on Jan 20, after the launch week (Jan 1-7).
    assert (f.tracks_at_launch, f.tracks_at_close) == (1, 2)
    assert [(t.slug, t.scenarios, t.excellent, t.at_launch) for t in f.tracks] == [
        ("track-a", 2, 1, True),
        ("track-b", 1, 1, False),
    ]
    assert (f.scenarios_published, f.scenarios_excellent) == (3, 2)
    assert f.stages_by_mode == {"automatic": 2, "jury": 0, "combined": 1}
    assert f.contest_types == 2
    assert (f.judged_entries, f.judged_reviews) == (1, 0)
    assert (f.opens_on, f.closes_on, f.duration_days) == (date(2026, 1, 1), date(2026, 3, 1), 59)


def test_submissions_per_day_in_the_league_time_zone(season):
    f = season_figures(league=season.league)
    assert f.submissions == 4
    assert f.submissions_by_day == [
        (date(2026, 1, 11), 2),
        (date(2026, 1, 12), 1),
        (date(2026, 1, 21), 1),
    ]


def test_awards_and_outcomes(season):
    f = season_figures(league=season.league)
    assert f.awards_by_level == {"first": 1, "second": 1, "third": 0, "excellence": 0, "special": 0}
    assert (f.awards, f.award_amount_cny) == (2, Decimal(70000))
    assert (f.projects, f.products) == (3, 2)
    assert (f.projects_started, f.contracts) == (1, 2)
    assert f.contracts_value_cny == Decimal(700_000)
    # p1 (contract) and p2 (interest); p3's investor withdrew.
    assert f.projects_with_investor_interest == 2
    assert f.technologies_in_use == 1
    assert f.relations_by_stage == {
        "interest": 1,
        "meeting": 0,
        "agreement": 1,
        "contract": 1,
        "deployed": 1,
        "declined": 0,
        "withdrawn": 1,
    }
    assert (f.agreements, f.agreements_by_country) == (3, {"VN": 2, "LA": 1})
    assert (f.center_sign_ins, f.center_by_country, f.center_countries) == (
        2,
        {"CN": 1, "VN": 1},
        2,
    )
    assert f.center_investment_cny == Decimal(1000)


def test_funnel_per_scenario_and_track(season):
    funnel = season_funnel(league=season.league)
    by_scenario = {line.slug: line.steps() for line in funnel.scenarios}
    assert by_scenario[season.a1.slug] == (3, 2, 1, 1, 1)
    assert by_scenario[season.a2.slug] == (2, 0, 0, 1, 0)
    assert by_scenario[season.b1.slug] == (1, 1, 0, 0, 1)
    assert [(line.slug, line.steps()) for line in funnel.tracks] == [
        ("track-a", (5, 2, 1, 2, 1)),
        ("track-b", (1, 1, 0, 0, 1)),
    ]
    assert funnel.total.steps() == (6, 3, 1, 2, 2)


def test_funnel_takes_a_handful_of_queries(season, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        season_funnel(league=season.league)
