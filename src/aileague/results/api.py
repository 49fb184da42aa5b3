"""JSON API: a stage's results and notice, objections, my status, and the organisers' steps.

Every endpoint calls the same services and queries as the pages."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from aileague.common.api import optional_auth, token_or_session
from aileague.common.errors import InvalidInput
from aileague.competitions.queries import access_scenario, access_stage
from aileague.results import queries, services
from aileague.results.certificates import certificate_pdf
from aileague.results.models import Objection
from aileague.teams.models import Team

router = Router(tags=["results"])


class LineOut(Schema):
    team_id: int
    team: str
    country: str
    track_id: int | None
    rank: int | None
    final_score: float | None
    benchmark_score: float | None
    benchmark_component: float | None
    jury_score: float | None
    jury_component: float | None
    gated: bool
    advanced: bool
    reason: str


class StatusOut(Schema):
    team_id: int
    team: str
    advanced: bool
    reason: str
    #: Only once the results are published.
    line: LineOut | None = None


class ObjectionOut(Schema):
    id: int
    status: str
    team_id: int | None
    text: str
    decision: str
    filed_at: datetime
    decided_at: datetime | None


class NoticeOut(Schema):
    status: str
    published_at: datetime
    ends_at: datetime
    finalised_at: datetime | None


class ResultsOut(Schema):
    scenario: str
    stage: str
    #: "none", "computed" (not published), "provisional" (on notice) or "final".
    state: str
    notice: NoticeOut | None
    lines: list[LineOut]
    mine: list[StatusOut]
    objections: list[ObjectionOut]


class DecisionIn(Schema):
    upheld: bool
    decision: str


class ComputeOut(Schema):
    lines: int
    advanced: list[int]


class CertificateOut(Schema):
    serial: str
    team: str
    scenario: str
    stage: str
    rank: int | None
    advanced: bool
    issued_at: datetime


def _stage(slug: str, stage: str, user):
    return access_stage(scenario=access_scenario(slug=slug, user=user), slug=stage or None)


def _objection_out(o: Objection) -> ObjectionOut:
    return ObjectionOut(
        id=o.pk,
        status=o.status,
        team_id=o.team_id,
        text=o.text,
        decision=o.decision,
        filed_at=o.filed_at,
        decided_at=o.decided_at,
    )


def _results_out(stage, user) -> ResultsOut:
    view = queries.stage_results(stage=stage, user=user)
    notice = view.notice
    return ResultsOut(
        scenario=stage.scenario.slug,
        stage=stage.slug,
        state=view.state,
        notice=notice
        and NoticeOut(
            status=notice.status,
            published_at=notice.published_at,
            ends_at=notice.ends_at,
            finalised_at=notice.finalised_at,
        ),
        lines=[LineOut(**line) for line in view.lines],
        mine=[_status_out(s) for s in view.mine],
        objections=[_objection_out(o) for o in view.open_objections + view.decided_objections],
    )


def _status_out(status) -> StatusOut:
    return StatusOut(
        team_id=status.team_id,
        team=status.team,
        advanced=status.advanced,
        reason=status.reason,
        line=status.line and LineOut(**status.line),
    )


@router.get("/scenarios/{slug}/results", response=ResultsOut, auth=optional_auth)
def get_results(request, slug: str, stage: str = ""):
    """What the caller may see: nothing before publication (organisers: everything; a team's
    members: whether their team advances), then the list on notice and decided objections."""
    return _results_out(_stage(slug, stage, request.user), request.user)


@router.get("/scenarios/{slug}/results/mine", response=list[StatusOut], auth=token_or_session)
def get_my_status(request, slug: str, stage: str = ""):
    stage_obj = _stage(slug, stage, request.auth)
    return [_status_out(s) for s in queries.team_statuses(stage=stage_obj, user=request.auth)]


@router.post(
    "/scenarios/{slug}/results/objections",
    response={201: ObjectionOut},
    auth=token_or_session,
)
def post_objection(
    request,
    slug: str,
    text: Form[str],
    stage: Form[str] = "",
    team_id: Form[int | None] = None,
    evidence_link: Form[str] = "",
    evidence: File[UploadedFile | None] = None,
):
    """File an objection (multipart form) while the notice runs; needs a real name on the
    profile (``real_name_required``)."""
    stage_obj = _stage(slug, stage, request.auth)
    notice = queries.notice_of(stage_obj)
    if notice is None:
        raise InvalidInput(_("The results are not published."), code="not_published")
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    objection = services.file_objection(
        notice=notice,
        actor=request.auth,
        text=text,
        team=team,
        evidence=evidence,
        evidence_link=evidence_link,
    )
    return Status(201, _objection_out(objection))


@router.post("/scenarios/{slug}/results/compute", response=ComputeOut, auth=token_or_session)
def post_compute(request, slug: str, stage: str = ""):
    results = services.compute_stage_results(
        stage=_stage(slug, stage, request.auth), actor=request.auth
    )
    return ComputeOut(lines=len(results), advanced=[r.team_id for r in results if r.advanced])


@router.post("/scenarios/{slug}/results/publish", response=ResultsOut, auth=token_or_session)
def post_publish(request, slug: str, stage: str = "", notice_days: int | None = None):
    stage_obj = _stage(slug, stage, request.auth)
    services.publish_provisional_results(
        stage=stage_obj, actor=request.auth, notice_days=notice_days
    )
    return _results_out(stage_obj, request.auth)


@router.post("/scenarios/{slug}/results/republish", response=ResultsOut, auth=token_or_session)
def post_republish(request, slug: str, stage: str = "", notice_days: int | None = None):
    stage_obj = _stage(slug, stage, request.auth)
    services.republish_results(stage=stage_obj, actor=request.auth, notice_days=notice_days)
    return _results_out(stage_obj, request.auth)


@router.post("/scenarios/{slug}/results/finalise", response=ResultsOut, auth=token_or_session)
def post_finalise(request, slug: str, stage: str = ""):
    stage_obj = _stage(slug, stage, request.auth)
    services.finalise_results(stage=stage_obj, actor=request.auth)
    return _results_out(stage_obj, request.auth)


@router.post(
    "/scenarios/{slug}/results/certificates",
    response=list[CertificateOut],
    auth=token_or_session,
)
def post_certificates(request, slug: str, stage: str = ""):
    stage_obj = _stage(slug, stage, request.auth)
    return [
        _certificate_out(c)
        for c in services.issue_certificates(stage=stage_obj, actor=request.auth)
    ]


@router.post(
    "/results/objections/{objection_id}/investigate",
    response=ObjectionOut,
    auth=token_or_session,
)
def post_investigate(request, objection_id: int):
    objection = queries.access_objection(objection_id=objection_id)
    return _objection_out(services.start_investigation(objection=objection, actor=request.auth))


@router.post(
    "/results/objections/{objection_id}/decide", response=ObjectionOut, auth=token_or_session
)
def post_decide(request, objection_id: int, body: DecisionIn):
    objection = queries.access_objection(objection_id=objection_id)
    decided = services.decide_objection(
        objection=objection, actor=request.auth, upheld=body.upheld, decision=body.decision
    )
    return _objection_out(decided)


def _certificate_out(c) -> CertificateOut:
    from aileague.common.i18n import pick

    return CertificateOut(
        serial=c.serial,
        team=c.team.name,
        scenario=c.stage.scenario.slug,
        stage=pick(c.stage.name) or c.stage.slug,
        rank=c.rank,
        advanced=c.advanced,
        issued_at=c.issued_at,
    )


@router.get("/results/certificates/{serial}", response=CertificateOut, auth=optional_auth)
def get_certificate(request, serial: str):
    """Public verification of a certificate by its serial number."""
    return _certificate_out(queries.access_certificate(serial=serial.upper()))


@router.get("/results/certificates/{serial}/pdf", auth=token_or_session)
def get_certificate_pdf(request, serial: str):
    """The certificate's PDF, for the team's members and the organisers."""
    certificate = queries.access_certificate_file(serial=serial.upper(), user=request.auth)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.serial}.pdf"'
    return response
