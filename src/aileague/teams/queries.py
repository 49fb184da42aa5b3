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
    return getattr(user, "is_authenticated", False) and Membership.objects.filter(
        team=team, user=user
    ).exists()
