"""Pages for organisers: the season report (figures, charts, downloads) and the live dashboard.
Each view checks access, calls one query or build function and renders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from aileague.common.errors import NotFound, PermissionDenied
from aileague.reports import queries
from aileague.reports.build import CONTENT_TYPES, FORMATS, build_season_report, chart_svgs
from aileague.reports.figures import season_figures
from aileague.reports.funnel import season_funnel
from aileague.reports.tables import headline_rows, step_labels


def _league(request, slug: str):
    try:
        return queries.access_league_report(slug=slug, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except PermissionDenied as exc:
        raise HttpForbidden(exc.message) from None


@login_required
@never_cache
def season(request, league: str):
    league_obj = _league(request, league)
    figures = season_figures(league=league_obj)
    funnel = season_funnel(league=league_obj)
    return render(
        request,
        "reports/season.html",
        {
            "league": league_obj,
            "figures": figures,
            "rows": headline_rows(figures),
            "charts": chart_svgs(figures, funnel),
            "formats": FORMATS,
        },
    )


@login_required
@never_cache
def download(request, league: str, fmt: str):
    if fmt not in FORMATS:
        raise Http404(fmt)
    report = build_season_report(league=_league(request, league), formats=(fmt,))
    response = HttpResponse(report.files[fmt], content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report.filename(fmt)}"'
    return response


@login_required
@never_cache
def dashboard(request, league: str):
    league_obj = _league(request, league)
    data = queries.dashboard(league=league_obj, fresh=request.GET.get("fresh") == "1")
    return render(
        request,
        "reports/dashboard.html",
        {
            "league": league_obj,
            "data": data,
            "figures": data.figures,
            "rows": headline_rows(data.figures),
            "steps": step_labels(),
        },
    )
