"""Team pages: my teams, create a team, a team's members and entries, enter a scenario."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aileague.common.errors import AileagueError, NotFound
from aileague.competitions.queries import access_scenario
from aileague.teams import queries, services
from aileague.teams.forms import AddMemberForm, EnterForm, TeamForm
from aileague.teams.models import MemberRole

TEAM_ERROR_FIELDS = {
    "empty_team_name": "name",
    "team_name_taken": "name",
    "invalid_country": "country",
    "invalid_province": "province",
    "invalid_organisation_type": "organisation_type",
}

ROLE_ORDER = {MemberRole.CAPTAIN: 0, MemberRole.MEMBER: 1, MemberRole.ADVISOR: 2}


def _team_or_404(team_id: int, user):
    try:
        return queries.access_team(team_id=team_id, user=user)
    except NotFound as exc:
        raise Http404(exc.message) from None


@login_required
def my_teams(request):
    teams = (
        queries.teams_of(request.user)
        .select_related("league")
        .prefetch_related("memberships__user", "entries__scenario")
    )
    return render(request, "teams/my_teams.html", {"teams": teams})


@login_required
def create_team(request):
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = services.create_team(
                league=data["league"],
                name=data["name"],
                captain=request.user,
                country=data["country"],
                province=data["province"],
                organisation_type=data["organisation_type"],
                organisation_name=data["organisation_name"],
                is_joint=data["is_joint"],
            )
        except AileagueError as exc:
            form.add_error(TEAM_ERROR_FIELDS.get(exc.code), exc.message)
        else:
            messages.success(
                request, _("Team “%(name)s” is created; you are its captain.") % {"name": team.name}
            )
            return redirect("teams:detail", team_id=team.pk)
    return render(request, "teams/create.html", {"form": form})


@login_required
def team_detail(request, team_id: int):
    team = _team_or_404(team_id, request.user)
    context = {
        "team": team,
        "memberships": sorted(
            team.memberships.select_related("user"),
            key=lambda m: (ROLE_ORDER.get(m.role, 9), m.joined_at),
        ),
        "entries": team.entries.select_related("scenario").prefetch_related("scenario__stages"),
        "is_captain": services.is_captain(request.user, team),
        "form": AddMemberForm(),
    }
    return render(request, "teams/detail.html", context)


@login_required
@require_POST
def add_member(request, team_id: int):
    team = _team_or_404(team_id, request.user)
    form = AddMemberForm(request.POST)
    if form.is_valid():
        try:
            services.add_member(
                team=team, user=form.user, role=form.cleaned_data["role"], actor=request.user
            )
        except AileagueError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(person)s joined the team.") % {"person": form.user})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("teams:detail", team_id=team.pk)


@login_required
@require_POST
def enter_scenario(request, slug: str):
    try:
        scenario = access_scenario(slug=slug, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from None
    form = EnterForm(request.POST)
    if not form.is_valid():
        raise Http404
    team = _team_or_404(form.cleaned_data["team"], request.user)
    try:
        services.register_entry(team=team, scenario=scenario, actor=request.user)
    except AileagueError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Team “%(team)s” is entered in this scenario. Good luck!") % {"team": team.name},
        )
    return redirect("competitions:scenario", slug=scenario.slug)
