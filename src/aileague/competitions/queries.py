"""Reads over leagues, tracks, scenarios and stages, with visibility rules applied."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from aileague.accounts.models import Role, RoleGrant
from aileague.accounts.queries import can_manage_scenario
from aileague.common.errors import NotFound
from aileague.competitions.models import League, Scenario, ScenarioStatus, Stage


def visible_scenarios(user) -> QuerySet[Scenario]:
    """Published scenarios, plus drafts the user manages."""
    queryset = Scenario.objects.select_related("track", "track__league", "owner")
    if getattr(user, "is_superuser", False):
        return queryset
    visible = Q(status=ScenarioStatus.PUBLISHED)
    if getattr(user, "is_authenticated", False):
        grants = RoleGrant.objects.filter(user=user)
        organiser = grants.filter(role=Role.ORGANISER)
        if organiser.filter(league__isnull=True).exists():
            return queryset
        # An organiser of one league sees that league's drafts, not another league's.
        visible |= Q(track__league__in=organiser.values("league"))
        visible |= Q(track__in=grants.filter(role=Role.TRACK_MANAGER).values("track"))
        visible |= Q(pk__in=grants.filter(role=Role.SCENARIO_OWNER).values("scenario"))
    return queryset.filter(visible)


def league_by_slug(slug: str) -> League:
    league = League.objects.filter(slug=slug).first()
    if league is None:
        raise NotFound(
            _("There is no league '%(slug)s'.") % {"slug": slug}, code="league_not_found"
        )
    return league


def access_scenario(*, slug: str, user) -> Scenario:
    """The scenario, if the user may see it; NotFound otherwise (drafts do not leak)."""
    scenario = visible_scenarios(user).filter(slug=slug).first()
    if scenario is None:
        raise NotFound(_("No scenario '%(slug)s'.") % {"slug": slug}, code="scenario_not_found")
    return scenario


def access_stage(*, scenario: Scenario, slug: str | None = None) -> Stage:
    """A stage by slug, or the scenario's current one (open now, else the latest opened)."""
    stages = scenario.stages.all()
    stage = stages.filter(slug=slug).first() if slug else current_stage(scenario)
    if stage is None:
        raise NotFound(_("This scenario has no such stage."), code="stage_not_found")
    return stage


def current_stage(scenario: Scenario) -> Stage | None:
    from django.utils import timezone

    now = timezone.now()
    stages = list(scenario.stages.order_by("opens_at"))
    for stage in stages:
        if stage.opens_at <= now < stage.closes_at:
            return stage
    started = [stage for stage in stages if stage.opens_at <= now]
    if started:
        return started[-1]
    return stages[0] if stages else None


def leagues_with_tracks() -> QuerySet[League]:
    return League.objects.prefetch_related("tracks")


def manageable(user, scenario: Scenario) -> bool:
    return can_manage_scenario(user, scenario)
