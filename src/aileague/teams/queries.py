from __future__ import annotations

from aileague.teams.models import Entry, Membership, Team


def teams_of(user, league=None):
    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    teams = Team.objects.filter(memberships__user=user)
    if league is not None:
        teams = teams.filter(league=league)
    return teams.distinct()


def entry_of(user, scenario) -> Entry | None:
    """The user's team's entry in a scenario (a person is in at most one team per scenario)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Entry.objects.select_related("team")
        .filter(scenario=scenario, team__memberships__user=user)
        .first()
    )


def is_member(user, team: Team) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and Membership.objects.filter(team=team, user=user).exists()
    )


def teams_captained_by(user, league=None):
    """Teams the user captains (only a captain enters a team or adds members)."""
    from aileague.teams.models import MemberRole

    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    return teams_of(user, league).filter(
        memberships__user=user, memberships__role=MemberRole.CAPTAIN
    )


def access_team(*, team_id: int, user) -> Team:
    """A team, for its members; NotFound for anyone else (team pages are not public)."""
    from django.utils.translation import gettext as _

    from aileague.common.errors import NotFound

    team = Team.objects.select_related("league").filter(pk=team_id).first()
    if team is None or not is_member(user, team):
        raise NotFound(_("No such team."), code="team_not_found")
    return team
