"""The cooperation center's pages: the registry (with its CSV), signing a project in, and its
incubation milestones. Every POST calls one service."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aileague.common.views import form_errors_to_messages, or_404, redirect_back, run_service
from aileague.outcomes import queries, services
from aileague.outcomes.forms import (
    MilestoneForm,
    RegistryForm,
    SignInForm,
)
from aileague.outcomes.models import Milestone
from aileague.outcomes.views import project_url


def _run(request, action, success: str, fallback):
    run_service(request, action, success)
    return redirect_back(request, fallback)


# --- The cooperation center ----------------------------------------------------------------


def _registry(request):
    form = RegistryForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    registry = queries.center_registry(
        year=filters.get("year"),
        countries=filters.get("countries") or None,
        field=filters.get("field") or None,
    )
    return form, registry


def center(request):
    form, registry = _registry(request)
    query = urlencode([(k, v) for k, v in request.GET.items() if v])
    return render(
        request,
        "outcomes/center.html",
        {"form": form, "registry": registry, "query": query, "fields": queries.center_fields()},
    )


def center_export(request):
    _form, registry = _registry(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="center-registry.csv"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(
        [
            "project",
            "team",
            "country",
            "field",
            "signed_on",
            "agreed_investment",
            "currency",
            "cny_per_unit",
            "agreed_investment_cny",
        ]
    )
    for row in registry.rows:
        writer.writerow(
            [
                str(row.project),
                row.project.team.name,
                row.country,
                row.field,
                row.signed_on.isoformat(),
                row.agreed_investment,
                row.currency,
                row.cny_per_unit,
                row.agreed_investment_cny,
            ]
        )
    return response


@login_required
@require_POST
def sign_in(request, slug: str):
    project = or_404(queries.access_project, slug=slug, user=request.user)
    form = SignInForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(project_url(project))
    return _run(
        request,
        lambda: services.sign_into_center(project=project, actor=request.user, **form.cleaned_data),
        _("The project is signed into the center."),
        project_url(project),
    )


@login_required
@require_POST
def add_milestone(request, slug: str):
    project = or_404(queries.access_project, slug=slug, user=request.user)
    sign_in = getattr(project, "center_sign_in", None)
    form = MilestoneForm(request.POST)
    if sign_in is None or not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(project_url(project))
    return _run(
        request,
        lambda: services.add_milestone(sign_in=sign_in, actor=request.user, **form.cleaned_data),
        _("The milestone is added."),
        project_url(project),
    )


@login_required
@require_POST
def complete_milestone(request, milestone_id: int):
    milestone = Milestone.objects.select_related("sign_in__project").filter(pk=milestone_id).first()
    if milestone is None:
        raise Http404(_("No such milestone."))
    project = milestone.sign_in.project
    return _run(
        request,
        lambda: services.complete_milestone(milestone=milestone, actor=request.user),
        _("The milestone is done."),
        project_url(project),
    )
