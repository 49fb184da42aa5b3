"""The organisers' introductions page: a plan of who meets whom at a matchmaking day, with room
for each partner and project (``outcomes.introductions``), on the page or as CSV."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from aileague.accounts.queries import is_organiser
from aileague.common.errors import AileagueError
from aileague.common.i18n import pick
from aileague.competitions.models import League
from aileague.outcomes.forms import IntroductionsForm
from aileague.outcomes.introductions import plan_introductions


@login_required
def introductions(request):
    """The organisers' plan of introductions for a matchmaking day, on the page or as CSV."""
    leagues = [
        league
        for league in League.objects.order_by("-season", "slug")
        if is_organiser(request.user, league)
    ]
    if not leagues:
        raise HttpForbidden(_("Only organisers plan introductions."))
    data = request.GET if "league" in request.GET else None
    form = IntroductionsForm(data, leagues=leagues, initial={"league": leagues[0].slug})
    plan = None
    if form.is_valid():
        league = next(x for x in leagues if x.slug == form.cleaned_data["league"])
        try:
            plan = plan_introductions(
                league=league,
                actor=request.user,
                per_partner=form.cleaned_data["per_partner"],
                per_project=form.cleaned_data["per_project"],
                min_score=form.cleaned_data["min_score"],
            )
        except AileagueError as exc:
            form.add_error(None, exc.message)
    if plan is not None and request.GET.get("format") == "csv":
        return _introductions_csv(plan, form.cleaned_data["league"])
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "format" and v])
    return render(
        request, "outcomes/introductions.html", {"form": form, "plan": plan, "query": query}
    )


def _introductions_csv(plan, league_slug: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="introductions-{league_slug}.csv"'
    response.write("\ufeff")  # spreadsheet programs then read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(["partner", "kind", "project", "team", "track", "fit", "why"])
    for row in plan:
        writer.writerow(
            [
                row.partner.name,
                row.kind,
                row.project.slug,
                row.project.team.name,
                pick(row.project.track.name),
                f"{row.score:.3f}",
                "; ".join(row.reasons),
            ]
        )
    return response
