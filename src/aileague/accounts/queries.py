"""Who may do what. One place for role checks, used by views, API and services alike."""

from __future__ import annotations

from django.db.models import Q

from aileague.accounts.models import Role, RoleGrant


def _grants(user, role: Role):
    if not getattr(user, "is_authenticated", False):
        return RoleGrant.objects.none()
    return RoleGrant.objects.filter(user=user, role=role)


def is_organiser(user, league=None) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    grants = _grants(user, Role.ORGANISER)
    if league is not None:
        grants = grants.filter(Q(league=league) | Q(league__isnull=True))
    return grants.exists()


def can_manage_scenario(user, scenario) -> bool:
    """Organisers, the scenario's track manager and its owner may see and edit everything in it."""
    if is_organiser(user, scenario.track.league):
        return True
    if _grants(user, Role.TRACK_MANAGER).filter(track=scenario.track).exists():
        return True
    return _grants(user, Role.SCENARIO_OWNER).filter(scenario=scenario).exists()


def can_review_scenario(user, scenario) -> bool:
    """Track managers (and organisers) publish scenarios."""
    if is_organiser(user, scenario.track.league):
        return True
    return _grants(user, Role.TRACK_MANAGER).filter(track=scenario.track).exists()


def roles_of(user) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    roles = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    roles.add(Role.PARTICIPANT.value)
    return sorted(roles)


def api_tokens_of(user):
    """The user's API tokens, newest first, revoked ones included (shown as revoked)."""
    from aileague.accounts.models import ApiToken

    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
