"""Reads for the report pages: who may see a league's report, and the dashboard's data."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _

from aileague.accounts.queries import is_organiser
from aileague.common.errors import PermissionDenied
from aileague.competitions.models import League
from aileague.competitions.queries import league_by_slug
from aileague.reports.figures import SeasonFigures, season_figures
from aileague.reports.funnel import Funnel, season_funnel

#: The dashboard's figures may be this many seconds old; the season report is always fresh.
DASHBOARD_TTL_S = 60


def access_league_report(*, slug: str, user) -> League:
    """The league, if ``user`` organises it; the report shows every team's country and more."""
    league = league_by_slug(slug)
    if not is_organiser(user, league):
        raise PermissionDenied(_("Only the league's organisers see its season report."))
    return league


def default_league() -> League | None:
    """The newest league (what ``aileague report`` reports on without ``--league``)."""
    return League.objects.order_by("-season", "-created_at").first()


@dataclass(frozen=True)
class Dashboard:
    figures: SeasonFigures
    funnel: Funnel
    computed_in_ms: float
    cached: bool


def dashboard(*, league: League, fresh: bool = False) -> Dashboard:
    """The season's figures and funnels, computed at most every ``DASHBOARD_TTL_S`` seconds
    (``fresh`` computes them now, and caches that)."""
    key = f"reports:dashboard:{league.pk}:{translation.get_language()}"
    if not fresh:
        hit = cache.get(key)
        if hit is not None:
            return Dashboard(hit.figures, hit.funnel, hit.computed_in_ms, cached=True)
    started = time.perf_counter()
    data = Dashboard(
        figures=season_figures(league=league),
        funnel=season_funnel(league=league),
        computed_in_ms=round((time.perf_counter() - started) * 1000, 1),
        cached=False,
    )
    cache.set(key, data, DASHBOARD_TTL_S)
    return data
