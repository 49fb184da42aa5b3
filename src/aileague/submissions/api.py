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
from aileague.leaderboards.queries import leaderboard_page
from aileague.scoring.messages import render
from aileague.submissions import services
from aileague.submissions.models import Submission, SubmissionState
from aileague.submissions.queries import (
    access_submission,
    quota_status,
    scenario_metric,
    submissions_of_entry,
    visible_scores,
)
from aileague.submissions.queue import queue_places
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
    #: While queued: 1 = next to be scored, and a rough wait in seconds (None: no estimate yet).
    queue_position: int | None = None
    eta_seconds: float | None = None


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
    team_id: int
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
    total: int
    page: int
    per_page: int
    pages: int
    #: The caller's team when it is on another page.
    mine: LeaderboardRowOut | None = None


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
    place = queue_places([submission]).get(submission.pk)
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
        queue_position=place.position if place else None,
        eta_seconds=place.rounded_eta if place else None,
    )


def entry_for(user, scenario):
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
    request,
    slug: str,
    file: File[UploadedFile],
    description: Form[str] = "",
    stage: Form[str] = "",
    sha256: Form[str] = "",
):
    """Upload a predictions file. 201: queued for scoring; 422: refused, with every problem.

    ``sha256`` (optional): the file's checksum; a file that arrives different is refused
    (``checksum_mismatch``) and no submission is made. Files over a few MB: use /uploads."""
    user = request.auth
    scenario = access_scenario(slug=slug, user=user)
    stage_obj = access_stage(scenario=scenario, slug=stage or None)
    submission = services.submit_predictions(
        entry=entry_for(user, scenario),
        stage=stage_obj,
        upload=file,
        filename=file.name,
        actor=user,
        description=description,
        expected_sha256=sha256,
    )
    status = 422 if submission.state == SubmissionState.INVALID else 201
    return Status(status, submission_out(submission, user))


@router.get("/scenarios/{slug}/submissions", response=list[SubmissionOut], auth=token_or_session)
def list_submissions(request, slug: str, stage: str = ""):
    user = request.auth
    scenario = access_scenario(slug=slug, user=user)
    stage_obj = access_stage(scenario=scenario, slug=stage or None)
    entry = entry_for(user, scenario)
    return [submission_out(s, user) for s in submissions_of_entry(entry=entry, stage=stage_obj)]


@router.get("/scenarios/{slug}/quota", response=QuotaOut, auth=token_or_session)
def get_quota(request, slug: str, stage: str = ""):
    user = request.auth
    scenario = access_scenario(slug=slug, user=user)
    stage_obj = access_stage(scenario=scenario, slug=stage or None)
    status = quota_status(entry=entry_for(user, scenario), stage=stage_obj)
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
def get_leaderboard(
    request, slug: str, stage: str = "", split: str = "public", page: int = 1, per_page: int = 100
):
    """Public (A) split during the stage; private (B) once it has closed. ``per_page`` rows
    (at most 1000) of page ``page``; ``mine`` is the caller's team when it is on another page."""
    scenario = access_scenario(slug=slug, user=request.user)
    stage_obj = access_stage(scenario=scenario, slug=stage or None)
    entry = entry_of(request.user, scenario) if request.user.is_authenticated else None
    board = leaderboard_page(
        stage=stage_obj,
        split=split,
        user=request.user,
        page=page,
        per_page=per_page,
        team_id=entry.team_id if entry else None,
    )
    metric = scenario_metric(scenario)
    return LeaderboardOut(
        scenario=scenario.slug,
        stage=stage_obj.slug,
        split=split,
        metric=metric.name,
        higher_is_better=metric.higher_is_better,
        rows=[leaderboard_row_out(r) for r in board.rows],
        total=board.total,
        page=board.page,
        per_page=board.per_page,
        pages=board.pages,
        mine=board.mine and leaderboard_row_out(board.mine),
    )


def leaderboard_row_out(row) -> LeaderboardRowOut:
    return LeaderboardRowOut(
        rank=row.rank,
        team=row.team_name,
        team_id=row.team_id,
        country=row.country,
        province=row.province,
        is_joint=row.is_joint,
        score=row.score,
        submitted_at=row.submitted_at,
        entries=row.entries,
    )
