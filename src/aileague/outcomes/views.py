"""Pages: browse projects, a project's profile and its create and edit forms, my pipeline, the
organisers' overview and the partner profile (the cooperation center's pages are in
``center_views``). Every POST calls one service."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aileague.accounts.queries import is_organiser
from aileague.common.errors import AileagueError
from aileague.common.i18n import pick
from aileague.common.views import form_errors_to_messages, or_404, redirect_back, run_service
from aileague.competitions.models import Track
from aileague.outcomes import queries, services
from aileague.outcomes.forms import (
    AdvanceForm,
    BrowseForm,
    InterestForm,
    MeetingForm,
    MilestoneForm,
    OverviewForm,
    PartnerProfileForm,
    ProjectForm,
    ReasonForm,
    SignInForm,
)
from aileague.teams.models import Team

#: Owned by the recommendations module; included only when present.
RECOMMENDATIONS_TEMPLATE = "outcomes/_recommendations.html"
RECOMMENDED = 5


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _track_choices():
    return [(t.slug, pick(t.name)) for t in Track.objects.order_by("league", "position", "slug")]


def _project(slug: str, user):
    return or_404(queries.access_project, slug=slug, user=user)


def _relation(relation_id: int, user):
    return or_404(queries.access_relation, relation_id=relation_id, user=user)


def _run(request, action, success: str, fallback):
    run_service(request, action, success)
    return redirect_back(request, fallback)


def _rows(relations, user) -> list[dict]:
    """Relations with the buttons ``user`` may press, each with its own forms."""
    rows = []
    for relation in relations:
        auto_id = f"r{relation.pk}_%s"
        rows.append(
            {
                "relation": relation,
                "actions": queries.next_actions(relation, user),
                "meeting_form": MeetingForm(auto_id=auto_id),
                "advance_form": AdvanceForm(
                    auto_id=auto_id, initial={"stage": queries.next_stage(relation)}
                ),
            }
        )
    return rows


# --- Browsing and profiles -----------------------------------------------------------------


def browse(request):
    form = BrowseForm(request.GET or None, tracks=_track_choices())
    filters = form.cleaned_data if form.is_valid() else {}
    projects = queries.browse_projects(
        user=request.user,
        track=filters.get("track"),
        country=filters.get("country"),
        readiness_min=filters.get("readiness_min"),
        language=filters.get("language"),
        tag=filters.get("tag"),
        text=filters.get("q"),
    )
    page = Paginator(projects, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    profile = queries.partner_profile_of(request.user)
    recommendations = []
    organisation = getattr(request.user, "organisation", None)
    show_recommendations = organisation is not None and _template_exists(RECOMMENDATIONS_TEMPLATE)
    if show_recommendations:
        from aileague.outcomes.recommendations import recommendations_for_partner

        recommendations = recommendations_for_partner(organisation=organisation, k=RECOMMENDED)
        # Partners see the box even when empty (it says why); others only when something fits.
        show_recommendations = profile is not None or bool(recommendations)
    return render(
        request,
        "outcomes/browse.html",
        {
            "form": form,
            "page": page,
            "query": f"{query}&" if query else "",
            "partner_profile": profile,
            "recommendations": recommendations,
            "recommendations_template": RECOMMENDATIONS_TEMPLATE if show_recommendations else "",
            "known_tags": queries.known_tags(),
            "captained_teams": queries.teams_able_to_start(request.user),
        },
    )


def detail(request, slug: str):
    project = _project(slug, request.user)
    user = request.user
    profile = queries.partner_profile_of(user)
    own_relation = (
        project.relations.filter(partner_id=user.organisation_id).first()
        if profile is not None
        else None
    )
    sees_all = is_organiser(user, project.league) or queries.is_team_member(user, project.team)
    relations = list(project.relations.select_related("partner")) if sees_all else []
    if own_relation is not None and not sees_all:
        relations = [own_relation]
    sign_in = getattr(project, "center_sign_in", None)
    can_run_center = is_organiser(user, project.league) or queries.is_center_operator(user)
    partner_fits = []
    fits_template = sees_all and _template_exists(RECOMMENDATIONS_TEMPLATE)
    if fits_template:
        from aileague.outcomes.recommendations import partners_for_project

        partner_fits = partners_for_project(project=project, k=RECOMMENDED)
    return render(
        request,
        "outcomes/detail.html",
        {
            "project": project,
            "counts": queries.pipeline_counts(project),
            "amounts_visible": queries.can_see_amounts(user, project),
            "rows": _rows(relations, user),
            "can_express_interest": profile is not None and own_relation is None,
            "interest_form": InterestForm(),
            "sign_in": sign_in,
            "can_run_center": can_run_center,
            "sign_in_form": SignInForm(initial={"country": project.country}),
            "milestone_form": MilestoneForm(),
            "can_manage": queries.can_manage_project(user, project),
            "partner_fits": partner_fits,
            "partner_fits_template": RECOMMENDATIONS_TEMPLATE if fits_template else "",
        },
    )


def _team_for_new_project(request):
    """The ``?team=`` of the new-project page, if the user may start a project for it."""
    team_id = request.GET.get("team", "")
    team = (
        Team.objects.select_related("league").filter(pk=team_id).first()
        if team_id.isdigit()
        else None
    )
    if team is None:
        raise Http404(_("No such team."))
    if not queries.can_start_project(request.user, team):
        raise HttpForbidden(_("Only the team's captain and the organisers may start a project."))
    return team


@login_required
def create_project(request):
    if "team" not in request.GET:
        # Which team? The captain picks one of theirs.
        teams = queries.teams_able_to_start(request.user)
        return render(request, "outcomes/project_form.html", {"teams": teams, "form": None})
    team = _team_for_new_project(request)
    tracks = Track.objects.filter(league=team.league).order_by("position", "slug")
    form = ProjectForm(request.POST or None, tracks=tracks)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.create_project(
                team=team, track=form.cleaned_data["track"], actor=request.user, **form.profile()
            )
        except AileagueError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The project profile is created."))
            return redirect(project_url(project))
    return render(request, "outcomes/project_form.html", {"form": form, "team": team})


@login_required
def edit_project(request, slug: str):
    project = _project(slug, request.user)
    if not queries.can_manage_project(request.user, project):
        raise HttpForbidden(
            _("Only the team's captain and the organisers may change this project.")
        )
    form = ProjectForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_project(project=project, actor=request.user, **form.profile())
        except AileagueError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The project profile is saved."))
            return redirect(project_url(project))
    return render(
        request,
        "outcomes/project_form.html",
        {"form": form, "team": project.team, "project": project},
    )


@login_required
@require_POST
def express_interest(request, slug: str):
    project = _project(slug, request.user)
    form = InterestForm(request.POST)
    form.is_valid()
    return _run(
        request,
        lambda: services.express_interest(
            project=project, actor=request.user, message=form.cleaned_data.get("message", "")
        ),
        _("Your interest is sent to the team. Follow it in your pipeline."),
        "outcomes:pipeline",
    )


@login_required
@require_POST
def launch_product(request, slug: str):
    project = _project(slug, request.user)
    return _run(
        request,
        lambda: services.mark_product_launched(project=project, actor=request.user),
        _("The product launch is recorded."),
        project_url(project),
    )


def project_url(project) -> str:
    from django.urls import reverse

    return reverse("outcomes:detail", args=[project.slug])


# --- Relations -----------------------------------------------------------------------------


@login_required
@require_POST
def request_meeting(request, relation_id: int):
    relation = _relation(relation_id, request.user)
    form = MeetingForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect_back(request, "outcomes:pipeline")
    return _run(
        request,
        lambda: services.request_meeting(
            relation=relation,
            actor=request.user,
            at=form.cleaned_data["at"],
            note=form.cleaned_data["note"],
        ),
        _("The meeting request is sent to the team."),
        "outcomes:pipeline",
    )


@login_required
@require_POST
def accept_meeting(request, relation_id: int):
    relation = _relation(relation_id, request.user)
    return _run(
        request,
        lambda: services.accept_meeting(relation=relation, actor=request.user),
        _("The meeting is accepted."),
        "outcomes:pipeline",
    )


@login_required
@require_POST
def decline(request, relation_id: int):
    relation = _relation(relation_id, request.user)
    form = ReasonForm(request.POST)
    form.is_valid()
    return _run(
        request,
        lambda: services.decline(
            relation=relation, actor=request.user, reason=form.cleaned_data.get("reason", "")
        ),
        _("The relation is declined."),
        "outcomes:pipeline",
    )


@login_required
@require_POST
def withdraw(request, relation_id: int):
    relation = _relation(relation_id, request.user)
    form = ReasonForm(request.POST)
    form.is_valid()
    return _run(
        request,
        lambda: services.withdraw(
            relation=relation, actor=request.user, reason=form.cleaned_data.get("reason", "")
        ),
        _("The relation is withdrawn."),
        "outcomes:pipeline",
    )


@login_required
@require_POST
def advance(request, relation_id: int):
    relation = _relation(relation_id, request.user)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect_back(request, "outcomes:pipeline")
    data = form.cleaned_data
    return _run(
        request,
        lambda: services.advance_relation(
            relation=relation,
            actor=request.user,
            stage=data["stage"],
            amount=data["amount"],
            currency=data["currency"] or "CNY",
            on=data["on"],
            note=data["note"],
        ),
        _("The step is recorded."),
        "outcomes:pipeline",
    )


@login_required
def pipeline(request):
    user = request.user
    as_partner = _rows(queries.relations_of_partner(user), user)
    as_team = _rows(queries.relations_of_teams(user), user)
    return render(
        request,
        "outcomes/pipeline.html",
        {
            "partner_profile": queries.partner_profile_of(user),
            "as_partner": as_partner,
            "as_team": as_team,
            "captained_teams": queries.teams_able_to_start(user),
        },
    )


@login_required
def overview(request):
    if not is_organiser(request.user):
        raise HttpForbidden(_("Only organisers see the whole pipeline."))
    form = OverviewForm(request.GET or None, tracks=_track_choices())
    filters = form.cleaned_data if form.is_valid() else {}
    relations = queries.pipeline_overview(
        stage=filters.get("stage", ""), kind=filters.get("kind", ""), track=filters.get("track", "")
    )
    page = Paginator(relations, 50).get_page(request.GET.get("page"))
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return render(
        request,
        "outcomes/overview.html",
        {"form": form, "page": page, "query": f"{query}&" if query else ""},
    )


@login_required
def partner_profile(request):
    profile = queries.partner_profile_of(request.user)
    if profile is None:
        raise Http404(_("Your organisation has no partner profile."))
    tracks = Track.objects.order_by("league", "position", "slug")
    if request.method == "POST":
        form = PartnerProfileForm(request.POST, track_queryset=tracks)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.update_partner_profile(
                    profile=profile, actor=request.user, tracks=list(data.pop("tracks")), **data
                )
            except AileagueError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("outcomes:partner_profile")
    else:
        form = PartnerProfileForm(
            track_queryset=tracks,
            initial={
                "tracks": list(profile.tracks.all()),
                "countries": profile.countries,
                "tags": ", ".join(profile.tags),
                "readiness_min": profile.readiness_min,
                "readiness_max": profile.readiness_max,
                "ticket_min_cny": profile.ticket_min_cny,
                "ticket_max_cny": profile.ticket_max_cny,
                "statement": pick(profile.statement),
            },
        )
    return render(request, "outcomes/partner.html", {"profile": profile, "form": form})
