"""Team rules: who may found a team and where it is based, who joins, and who enters what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from aileague.common.errors import Conflict, InvalidInput, PermissionDenied
from aileague.common.models import AuditEntry
from aileague.competitions.models import ScenarioStatus
from aileague.teams import services
from aileague.teams.models import Entry, MemberRole, Membership, Team
from tests.factories import (
    captain_of,
    make_league,
    make_scenario,
    make_stage,
    make_team,
    make_track,
    make_user,
)

pytestmark = pytest.mark.django_db


def create(league, **fields) -> Team:
    defaults = {
        "name": "Mekong Vision",
        "captain": make_user(),
        "country": "VN",
        "organisation_type": "university",
    }
    return services.create_team(league=league, **{**defaults, **fields})


def open_scenario(league, **stage_fields):
    """A published scenario of ``league`` with one stage open for a month."""
    scenario = make_scenario(track=make_track(league=league))
    make_stage(scenario=scenario, **stage_fields)
    return scenario


def actions(target) -> list[str]:
    entries = AuditEntry.objects.filter(
        object_type=target._meta.label_lower, object_id=str(target.pk)
    ).order_by("id")
    return list(entries.values_list("action", flat=True))


def code_of(raised) -> str:
    return raised.value.code


# --- Creating a team ---------------------------------------------------------------------------


def test_a_verified_person_creates_a_team_and_becomes_its_captain():
    league = make_league()
    captain = make_user()
    team = create(league, captain=captain, name="  Mekong Vision  ", organisation_name="HCMUT")
    assert (team.name, team.country, team.province, team.organisation_name) == (
        "Mekong Vision",
        "VN",
        "",
        "HCMUT",
    )
    assert list(team.memberships.values_list("user", "role")) == [(captain.pk, "captain")]
    assert actions(team) == ["team.create"]


def test_a_team_based_in_china_gives_its_province():
    team = create(make_league(), country="CN", province="CN-GX")
    assert (team.country, team.province) == ("CN", "CN-GX")


def test_an_unverified_person_cannot_create_a_team():
    with pytest.raises(PermissionDenied) as raised:
        create(make_league(), captain=make_user(verified=False))
    assert code_of(raised) == "email_not_verified"
    assert Team.objects.count() == 0


def test_an_anonymous_visitor_cannot_create_a_team():
    with pytest.raises(PermissionDenied) as raised:
        create(make_league(), captain=AnonymousUser())
    assert code_of(raised) == "not_signed_in"


@pytest.mark.parametrize("province", ["", "CN-XX", "GX"])
def test_a_team_in_china_without_a_valid_province_is_refused(province):
    with pytest.raises(InvalidInput) as raised:
        create(make_league(), country="CN", province=province)
    assert code_of(raised) == "invalid_province"


def test_a_team_outside_china_must_not_give_a_province():
    with pytest.raises(InvalidInput) as raised:
        create(make_league(), country="TH", province="CN-GX")
    assert code_of(raised) == "invalid_province"


@pytest.mark.parametrize("country", ["", "US", "vn", "HK"])
def test_a_country_outside_china_and_asean_is_refused(country):
    with pytest.raises(InvalidInput) as raised:
        create(make_league(), country=country)
    assert code_of(raised) == "invalid_country"


def test_an_unknown_organisation_type_is_refused():
    with pytest.raises(InvalidInput) as raised:
        create(make_league(), organisation_type="government")
    assert code_of(raised) == "invalid_organisation_type"
    assert raised.value.message == (
        "Organisation type must be one of: enterprise, university, startup, individual."
    )


def test_a_blank_team_name_is_refused():
    with pytest.raises(InvalidInput) as raised:
        create(make_league(), name="   ")
    assert code_of(raised) == "empty_team_name"


def test_a_team_name_is_unique_within_a_league():
    league = make_league()
    create(league, name="Mekong Vision")
    with pytest.raises(Conflict) as raised:
        create(league, name="Mekong Vision")
    assert code_of(raised) == "team_name_taken"
    assert raised.value.message == "A team called 'Mekong Vision' already exists in this league."
    assert Team.objects.filter(league=league).count() == 1


def test_the_same_team_name_may_be_used_in_another_league():
    create(make_league(), name="Mekong Vision")
    assert create(make_league(), name="Mekong Vision").name == "Mekong Vision"


# --- Adding members ----------------------------------------------------------------------------


def test_the_captain_adds_a_verified_member():
    team = make_team(league=make_league())
    member = make_user()
    membership = services.add_member(team=team, user=member, actor=captain_of(team))
    assert (membership.user, membership.role) == (member, MemberRole.MEMBER)
    assert actions(team) == ["team.add_member"]


def test_only_the_captain_adds_members():
    team = make_team(league=make_league(), members=1)
    plain_member = team.memberships.get(role=MemberRole.MEMBER).user
    with pytest.raises(PermissionDenied) as raised:
        services.add_member(team=team, user=make_user(), actor=plain_member)
    assert code_of(raised) == "not_captain"


def test_an_unverified_person_cannot_be_added():
    team = make_team(league=make_league())
    with pytest.raises(PermissionDenied) as raised:
        services.add_member(team=team, user=make_user(verified=False), actor=captain_of(team))
    assert code_of(raised) == "email_not_verified"


def test_a_new_member_cannot_be_made_captain():
    team = make_team(league=make_league())
    with pytest.raises(InvalidInput) as raised:
        services.add_member(
            team=team, user=make_user(), role=MemberRole.CAPTAIN, actor=captain_of(team)
        )
    assert code_of(raised) == "invalid_role"


def test_a_full_team_refuses_another_member():
    team = make_team(league=make_league(team_size_max=3), members=2)
    with pytest.raises(Conflict) as raised:
        services.add_member(team=team, user=make_user(), actor=captain_of(team))
    assert code_of(raised) == "team_full"
    assert raised.value.message == "Teams have at most 3 members."
    assert team.memberships.count() == 3


def test_advisors_do_not_count_towards_the_size_limit():
    team = make_team(league=make_league(team_size_max=2), members=1)
    advisor = services.add_member(
        team=team, user=make_user(), role=MemberRole.ADVISOR, actor=captain_of(team)
    )
    assert advisor.role == MemberRole.ADVISOR
    with pytest.raises(Conflict) as raised:
        services.add_member(team=team, user=make_user(), actor=captain_of(team))
    assert code_of(raised) == "team_full"


def test_a_full_team_may_still_add_an_advisor():
    team = make_team(league=make_league(team_size_max=1))
    services.add_member(
        team=team, user=make_user(), role=MemberRole.ADVISOR, actor=captain_of(team)
    )
    assert team.memberships.count() == 2


def test_adding_someone_already_in_the_team_is_a_conflict():
    team = make_team(league=make_league())
    member = make_user()
    services.add_member(team=team, user=member, actor=captain_of(team))
    with pytest.raises(Conflict) as raised:
        services.add_member(team=team, user=member, actor=captain_of(team))
    assert code_of(raised) == "already_member"


def test_a_person_in_a_team_entered_in_a_scenario_cannot_join_another_team_entered_in_it():
    league = make_league()
    scenario = open_scenario(league)
    first, second = make_team(league=league), make_team(league=league)
    person = make_user()
    services.add_member(team=first, user=person, actor=captain_of(first))
    services.register_entry(team=first, scenario=scenario, actor=captain_of(first))
    services.register_entry(team=second, scenario=scenario, actor=captain_of(second))
    with pytest.raises(Conflict) as raised:
        services.add_member(team=second, user=person, actor=captain_of(second))
    assert code_of(raised) == "one_team_per_scenario"
    assert Membership.objects.filter(team=second, user=person).exists() is False


def test_a_person_may_be_in_two_teams_entered_in_different_scenarios():
    league = make_league()
    first, second = make_team(league=league), make_team(league=league)
    services.register_entry(team=first, scenario=open_scenario(league), actor=captain_of(first))
    services.register_entry(team=second, scenario=open_scenario(league), actor=captain_of(second))
    person = make_user()
    services.add_member(team=first, user=person, actor=captain_of(first))
    services.add_member(team=second, user=person, actor=captain_of(second))
    assert Membership.objects.filter(user=person).count() == 2


# --- Entering a scenario -----------------------------------------------------------------------


def test_the_captain_enters_the_team_into_an_open_scenario():
    league = make_league()
    scenario = open_scenario(league)
    team = make_team(league=league)
    entry = services.register_entry(team=team, scenario=scenario, actor=captain_of(team))
    assert (entry.team, entry.scenario, entry.registered_by) == (
        team,
        scenario,
        captain_of(team),
    )
    assert actions(entry) == ["entry.register"]


def test_only_the_captain_enters_the_team():
    league = make_league()
    team = make_team(league=league, members=1)
    member = team.memberships.get(role=MemberRole.MEMBER).user
    with pytest.raises(PermissionDenied) as raised:
        services.register_entry(team=team, scenario=open_scenario(league), actor=member)
    assert code_of(raised) == "not_captain"


@pytest.mark.parametrize("status", [ScenarioStatus.DRAFT, ScenarioStatus.IN_REVIEW])
def test_an_unpublished_scenario_takes_no_entries(status):
    league = make_league()
    scenario = open_scenario(league)
    scenario.status = status
    scenario.save(update_fields=["status"])
    team = make_team(league=league)
    with pytest.raises(Conflict) as raised:
        services.register_entry(team=team, scenario=scenario, actor=captain_of(team))
    assert code_of(raised) == "scenario_not_published"


def test_a_team_of_another_league_cannot_enter():
    scenario = open_scenario(make_league())
    team = make_team(league=make_league())
    with pytest.raises(InvalidInput) as raised:
        services.register_entry(team=team, scenario=scenario, actor=captain_of(team))
    assert code_of(raised) == "wrong_league"


def test_entries_close_when_the_last_stage_closes():
    league = make_league()
    scenario = open_scenario(league, opens_in=timedelta(days=-30), closes_in=timedelta(days=-2))
    make_stage(scenario=scenario, opens_in=timedelta(days=-2), closes_in=timedelta(seconds=-1))
    team = make_team(league=league)
    with pytest.raises(Conflict) as raised:
        services.register_entry(team=team, scenario=scenario, actor=captain_of(team))
    assert code_of(raised) == "entries_closed"


def test_entries_stay_open_while_a_later_stage_is_still_to_close():
    league = make_league()
    scenario = open_scenario(league, opens_in=timedelta(days=-30), closes_in=timedelta(days=-2))
    make_stage(scenario=scenario, opens_in=timedelta(days=5), closes_in=timedelta(days=9))
    team = make_team(league=league)
    assert services.register_entry(team=team, scenario=scenario, actor=captain_of(team)).pk


def test_a_scenario_without_stages_takes_no_entries():
    league = make_league()
    scenario = make_scenario(track=make_track(league=league))
    team = make_team(league=league)
    with pytest.raises(Conflict) as raised:
        services.register_entry(team=team, scenario=scenario, actor=captain_of(team))
    assert code_of(raised) == "entries_closed"


def test_a_team_below_the_minimum_size_cannot_enter():
    league = make_league(team_size_min=3)
    team = make_team(league=league, members=1)
    services.add_member(
        team=team, user=make_user(), role=MemberRole.ADVISOR, actor=captain_of(team)
    )
    with pytest.raises(Conflict) as raised:
        services.register_entry(team=team, scenario=open_scenario(league), actor=captain_of(team))
    assert code_of(raised) == "team_size"
    # The advisor does not make up the numbers.
    assert raised.value.message == "A team needs 3 to 5 members to enter; yours has 2."


def test_a_team_already_entered_cannot_enter_again():
    league = make_league()
    scenario = open_scenario(league)
    team = make_team(league=league)
    services.register_entry(team=team, scenario=scenario, actor=captain_of(team))
    with pytest.raises(Conflict) as raised:
        services.register_entry(team=team, scenario=scenario, actor=captain_of(team))
    assert code_of(raised) == "already_entered"
    assert Entry.objects.filter(team=team).count() == 1


def test_a_team_cannot_enter_if_a_member_is_in_another_team_entered_in_the_scenario():
    league = make_league()
    scenario = open_scenario(league)
    first, second = make_team(league=league, name="Red River"), make_team(league=league)
    person = make_user()
    services.add_member(team=first, user=person, actor=captain_of(first))
    services.add_member(team=second, user=person, actor=captain_of(second))
    services.register_entry(team=first, scenario=scenario, actor=captain_of(first))
    with pytest.raises(Conflict) as raised:
        services.register_entry(team=second, scenario=scenario, actor=captain_of(second))
    assert code_of(raised) == "one_team_per_scenario"
    assert raised.value.message == (
        "A member of your team is already in team 'Red River' for this scenario."
    )
    assert Entry.objects.filter(team=second).exists() is False
