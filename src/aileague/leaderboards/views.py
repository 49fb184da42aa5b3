"""Leaderboard pages beyond the board itself: the public → private shake-up."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404
from django.shortcuts import render

from aileague.common.errors import NotFound, PermissionDenied
from aileague.competitions.queries import access_scenario, access_stage
from aileague.leaderboards.queries import shakeup_for_stage
from aileague.submissions.queries import scenario_metric
from aileague.teams.queries import entry_of

SHAKEUP_PER_PAGE = 100


def shakeup(request, slug: str, stage_slug: str):
    """Each team's private rank beside its public rank, once the private board is visible."""
    try:
        scenario = access_scenario(slug=slug, user=request.user)
        stage = access_stage(scenario=scenario, slug=stage_slug)
    except NotFound as exc:
        raise Http404(exc.message) from None
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    try:
        board = shakeup_for_stage(
            stage=stage, user=request.user, page=page, per_page=SHAKEUP_PER_PAGE
        )
    except PermissionDenied as exc:
        raise HttpForbidden(exc.message) from None
    entry = entry_of(request.user, scenario)
    context = {
        "scenario": scenario,
        "stage": stage,
        "board": board,
        "higher_is_better": scenario_metric(scenario).higher_is_better,
        "my_team_id": entry.team_id if entry else None,
    }
    return render(request, "leaderboards/shakeup.html", context)
