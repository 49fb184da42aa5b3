"""Pages: a stage's results (organiser panel, public notice, objection form), my results,
certificate download and public verification. Every POST calls one service."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aileague.common.views import form_errors_to_messages, or_404, run_service
from aileague.competitions.queries import access_scenario, access_stage
from aileague.results import queries, services
from aileague.results.certificates import certificate_pdf as render_certificate
from aileague.results.certificates import verification_url
from aileague.results.forms import DecisionForm, ObjectionForm


def _stage(slug: str, stage_slug: str, user):
    scenario = or_404(access_scenario, slug=slug, user=user)
    return or_404(access_stage, scenario=scenario, slug=stage_slug)


def _back(stage):
    return redirect("results:stage", slug=stage.scenario.slug, stage_slug=stage.slug)


def stage_results(request, slug: str, stage_slug: str):
    stage = _stage(slug, stage_slug, request.user)
    view = queries.stage_results(stage=stage, user=request.user)
    snapshot = view.notice.snapshot if view.notice else []
    form = ObjectionForm(teams=[(line["team_id"], line["team"]) for line in snapshot])
    return render(
        request,
        "results/stage.html",
        {
            "stage": stage,
            "scenario": stage.scenario,
            "view": view,
            "policy": queries.policy_of(stage),
            "objection_form": form,
            "decision_form": DecisionForm(),
        },
    )


def _run(request, stage, action, success: str):
    run_service(request, action, success)
    return _back(stage)


def _stage_button(service, success):
    """A button on a stage's results page: one call of ``service(stage=, actor=)``, its refusal
    or ``success`` as a message, then back to the page."""

    @login_required
    @require_POST
    def view(request, slug: str, stage_slug: str):
        stage = _stage(slug, stage_slug, request.user)
        return _run(request, stage, lambda: service(stage=stage, actor=request.user), success)

    return view


compute = _stage_button(
    services.compute_stage_results,
    gettext_lazy("The results are computed. Check them, then publish them."),
)
publish = _stage_button(
    services.publish_provisional_results,
    gettext_lazy("The provisional results are on public notice."),
)
republish = _stage_button(
    services.republish_results,
    gettext_lazy("The corrected results are on public notice for a new period."),
)
finalise = _stage_button(services.finalise_results, gettext_lazy("The results are final."))
issue = _stage_button(services.issue_certificates, gettext_lazy("The certificates are issued."))


@login_required
@require_POST
def file_objection(request, slug: str, stage_slug: str):
    stage = _stage(slug, stage_slug, request.user)
    notice = queries.notice_of(stage)
    if notice is None:
        raise Http404(_("The results are not published."))
    form = ObjectionForm(
        request.POST,
        request.FILES,
        teams=[(line["team_id"], line["team"]) for line in notice.snapshot],
    )
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return _back(stage)
    return _run(
        request,
        stage,
        lambda: services.file_objection(
            notice=notice,
            actor=request.user,
            text=form.cleaned_data["text"],
            team=form.cleaned_data["team"],
            evidence=form.cleaned_data["evidence"],
            evidence_link=form.cleaned_data["evidence_link"],
        ),
        _("Your objection is filed. The organisers will publish their decision here."),
    )


def _objection(objection_id: int):
    return or_404(queries.access_objection, objection_id=objection_id)


@login_required
@require_POST
def investigate(request, objection_id: int):
    objection = _objection(objection_id)
    return _run(
        request,
        objection.notice.stage,
        lambda: services.start_investigation(objection=objection, actor=request.user),
        _("The objection is under investigation."),
    )


@login_required
@require_POST
def decide(request, objection_id: int):
    objection = _objection(objection_id)
    form = DecisionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    return _run(
        request,
        objection.notice.stage,
        lambda: services.decide_objection(
            objection=objection,
            actor=request.user,
            upheld=data.get("outcome") == "upheld",
            decision=data.get("decision", ""),
        ),
        _("The decision is published on the notice."),
    )


@login_required
def evidence(request, objection_id: int):
    """An objection's evidence file: for the organisers who decide it."""
    objection = _objection(objection_id)
    organiser = queries.can_manage_results(request.user, objection.notice.stage)
    if not organiser or not objection.evidence:
        raise Http404(_("No such file."))
    return FileResponse(objection.evidence.open("rb"), as_attachment=True)


@login_required
def mine(request):
    return render(
        request,
        "results/mine.html",
        {
            "stages": queries.stages_with_my_results(request.user),
            "certificates": queries.certificates_of(request.user),
        },
    )


def _certificate(serial: str):
    return or_404(queries.access_certificate, serial=serial.upper())


def verify(request, serial: str):
    """Public: anyone holding a certificate can check it here."""
    certificate = _certificate(serial)
    return render(
        request,
        "results/verify.html",
        {"certificate": certificate, "url": verification_url(certificate)},
    )


@login_required
def certificate_pdf(request, serial: str):
    """The PDF, for the team's members and the organisers."""
    certificate = or_404(queries.access_certificate_file, serial=serial.upper(), user=request.user)
    response = HttpResponse(render_certificate(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.serial}.pdf"'
    return response
