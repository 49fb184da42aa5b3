"""JSON API: submit predictions, follow their state, read leaderboards."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from aileague.accounts.queries import can_manage_scenario
from aileague.common.api import optional_auth, token_or_session
from aileague.common.errors import NotFound, PermissionDenied
from aileague.competitions.queries import access_scenario, access_stage
from aileague.scoring.messages import render
from aileague.submissions import services
from aileague.submissions.models import Submission, SubmissionState
from aileague.submissions.queries import (
    access_submission,
    leaderboard_for_stage,
    quota_status,
    scenario_metric,
    submissions_of_entry,
    visible_scores,
)
from aileague.teams.queries import entry_of

router = Router(tags=["submissions"])


class ProblemOut(Schema):
    code: str
    message: str
    lines: list[int] = []
    examples: list[str] = []


class SubmissionOut(Schema):
    id: int
    uuid: str
    scenario: str
    stage: str
    team: str
    state: str
    original_name: str
    size: int
    sha256: str
    description: str
    created_at: datetime
    finished_at: datetime | None
    scores: dict[str, float]
    problems: list[ProblemOut]
    is_final_selection: bool


class QuotaOut(Schema):
    daily_used: int
    daily_left: int
    total_used: int
    total_left: int
    running: int
    resets_at: datetime


class LeaderboardRowOut(Schema):
    rank: int
    team: str
    country: str
    province: str
    is_joint: bool
    score: float
    submitted_at: datetime
    entries: int


class LeaderboardOut(Schema):
    scenario: str
    stage: str
    split: str
    metric: str
    higher_is_better: bool
    rows: list[LeaderboardRowOut]


class FinalIn(Schema):
    selected: bool


def problems_out(submission: Submission, user=None) -> list[ProblemOut]:
    """Problems in the reader's language; a failure's log only for the scenario's managers."""
    language = get_language() or "en"
    show_logs = user is not None and can_manage_scenario(user, submission.stage.scenario)
    out = []
    for problem in submission.problems:
        code = problem.get("code", "error")
        message = (
            problem.get("log")
            if "log" in problem
            else render(code, problem.get("params", {}), language)
        )
        if submission.state == SubmissionState.FAILED and not show_logs:
            message = _(
                "Scoring failed on our side; this submission is not charged to your quota. "
                "The organisers have been told."
            )
        out.append(
            ProblemOut(
                code=code,
                message=message,
                lines=problem.get("lines", []),
                examples=[str(e) for e in problem.get("examples", [])],
            )
        )
    return out


def submission_out(submission: Submission, user) -> SubmissionOut:
    return SubmissionOut(
        id=submission.pk,
        uuid=str(submission.uuid),
        scenario=submission.stage.scenario.slug,
        stage=submission.stage.slug,
        team=submission.entry.team.name,
        state=submission.state,
        original_name=submission.original_name,
        size=submission.size,
        sha256=submission.sha256,
        description=submission.description,
        created_at=submission.created_at,
        finished_at=submission.finished_at,
        scores=visible_scores(submission, user),
        problems=problems_out(submission, user),
        is_final_selection=submission.is_final_selection,
    )


def _entry_for(user, scenario):
    entry = entry_of(user, scenario)
    if entry is None:
        raise PermissionDenied(
            _("Your team is not entered in this scenario; enter it first."), code="not_entered"
        )
    return entry


@router.post(
    "/scenarios/{slug}/submissions",
    response={201: SubmissionOut, 422: SubmissionOut},
    auth=token_or_session,
)
def create_submission(
    request, slug: str, file: File[UploadedFile], description: Form[str] = "", stage: Form[str] = ""
):
    """Upload a predictions file. 201: queued for scoring; 422: refused, with every problem."""
    user = request.auth
    scenario = access_scenario(slug=slug, user=user)
    stage_obj = access_stage(scenario=scenario, slug=stage or None)
    submission = services.submit_predictions(
        entry=_entry_for(user, scenario),
        stage=stage_obj,
        upload=file,
        filename=file.name,
        actor=user,
        description=description,
    )
    status = 422 if submission.state == SubmissionState.INVALID else 201
    return Status(status, submission_out(submission, user))


@router.get("/scenarios/{slug}/submissions", response=list[SubmissionOut], auth=token_or_session)
def list_submissions(request, slug: str, stage: str = ""):
    user = request.auth
    scenario = access_scenario(slug=slug, user=user)
    stage_obj = access_stage(scenario=scenario, slug=stage or None)
    entry = _entry_for(user, scenario)
    return [submission_out(s, user) for s in submissions_of_entry(entry=entry, stage=stage_obj)]


@router.get("/scenarios/{slug}/quota", response=QuotaOut, auth=token_or_session)
def get_quota(request, slug: str, stage: str = ""):
    user = request.auth
    scenario = access_scenario(slug=slug, user=user)
    stage_obj = access_stage(scenario=scenario, slug=stage or None)
    status = quota_status(entry=_entry_for(user, scenario), stage=stage_obj)
    return QuotaOut(**status.as_dict())


@router.get("/submissions/{submission_id}", response=SubmissionOut, auth=token_or_session)
def get_submission(request, submission_id: str):
    submission = access_submission(submission_id=_id(submission_id), user=request.auth)
    return submission_out(submission, request.auth)


@router.post("/submissions/{submission_id}/final", response=SubmissionOut, auth=token_or_session)
def set_final(request, submission_id: str, body: FinalIn):
    submission = access_submission(submission_id=_id(submission_id), user=request.auth)
    services.select_final(submission=submission, selected=body.selected, actor=request.auth)
    return submission_out(submission, request.auth)


def _id(raw: str) -> int | str:
    if raw.isdigit():
        return int(raw)
    if len(raw) == 36:
        return raw
    raise NotFound(_("No such submission."), code="submission_not_found")


@router.get("/scenarios/{slug}/leaderboard", response=LeaderboardOut, auth=optional_auth)
def get_leaderboard(request, slug: str, stage: str = "", split: str = "public"):
    """Public (A) split during the stage; private (B) once it has closed."""
    scenario = access_scenario(slug=slug, user=request.user)
    stage_obj = access_stage(scenario=scenario, slug=stage or None)
    rows = leaderboard_for_stage(stage=stage_obj, split=split, user=request.user)
    metric = scenario_metric(scenario)
    return LeaderboardOut(
        scenario=scenario.slug,
        stage=stage_obj.slug,
        split=split,
        metric=metric.name,
        higher_is_better=metric.higher_is_better,
        rows=[
            LeaderboardRowOut(
                rank=r.rank,
                team=r.team_name,
                country=r.country,
                province=r.province,
                is_joint=r.is_joint,
                score=r.score,
                submitted_at=r.submitted_at,
                entries=r.entries,
            )
            for r in rows
        ],
    )
