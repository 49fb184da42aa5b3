"""The jury API for judges (score sheets, conflicts), organisers (assignment,
results, formal checks) and teams (proposals)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from aileague.accounts.queries import is_organiser
from aileague.common.api import token_or_session
from aileague.common.errors import InvalidInput, NotFound
from aileague.judging import assigning, calibration, queries, reviews, services
from aileague.judging.api.schemas import (
    AssignmentDetailOut,
    AssignmentOut,
    AssignmentReportOut,
    ConflictIn,
    ConflictOut,
    EntryOut,
    ExtraReviewsOut,
    FormalCheckIn,
    ReviewIn,
    RoundOut,
    RoundResultsOut,
    assignment_detail_out,
    assignment_out,
    criterion_out,
    entry_or_404,
    entry_out,
    results_out,
    round_ref,
)
from aileague.judging.models import (
    Assignment,
    JudgingRound,
    Juror,
)
from aileague.teams.queries import access_team, entry_of

router = Router(tags=["jury"])


# --- Judges ----------------------------------------------------------------------------------


@router.get("/jury/assignments", response=list[AssignmentOut], auth=token_or_session)
def list_assignments(request, round: int | None = None):  # noqa: A002 - the query parameter
    """Your review assignments (never one you have a conflict with), with their review state."""
    round_ = services.access_round(pk=round) if round is not None else None
    return [assignment_out(a) for a in queries.assignments_of(request.auth, round_)]


@router.get(
    "/jury/assignments/{assignment_id}", response=AssignmentDetailOut, auth=token_or_session
)
def get_assignment(request, assignment_id: int):
    """The entry (without the team in a blind round), the score sheet with its anchors, your
    review, and the other judges' reviews once yours is submitted."""
    assignment = queries.access_assignment(user=request.auth, pk=assignment_id)
    return assignment_detail_out(assignment, request.auth)


@router.put(
    "/jury/assignments/{assignment_id}/review", response=AssignmentDetailOut, auth=token_or_session
)
def put_review(request, assignment_id: int, body: ReviewIn):
    """Save a draft, or submit with ``submit: true``. 422 lists every problem in ``details``."""
    assignment = queries.access_assignment(user=request.auth, pk=assignment_id)
    reviews.save_review(
        assignment=assignment,
        actor=request.auth,
        scores=body.scores,
        comment=body.comment,
        recommendation=body.recommendation,
        submit=body.submit,
    )
    assignment = queries.access_assignment(user=request.auth, pk=assignment_id)
    return assignment_detail_out(assignment, request.auth)


@router.post("/jury/entries/{entry_id}/conflict", response=ConflictOut, auth=token_or_session)
def declare_conflict(request, entry_id: int, body: ConflictIn):
    """Declare a conflict of interest with an entry of a round you judge (organisers: for any
    judge). An unstarted assignment to it is withdrawn."""
    from aileague.accounts.models import User

    user = request.auth
    entry = entry_or_404(entry_id)
    organiser = is_organiser(user, services.league_of_round(entry.round))
    if not organiser and not Juror.objects.filter(round=entry.round, user=user).exists():
        raise NotFound(_("No such entry."), code="entry_not_found")
    judge = user
    if body.judge is not None and body.judge != user.pk:
        judge = User.objects.filter(pk=body.judge).first()
        if judge is None:
            raise NotFound(_("No such judge."), code="judge_not_found")
    before = Assignment.objects.filter(entry=entry, user=judge).count()
    conflict = services.declare_conflict(entry=entry, judge=judge, actor=user, note=body.note)
    after = Assignment.objects.filter(entry=entry, user=judge).count()
    return ConflictOut(
        entry_id=entry.pk,
        judge=judge.pk,
        reason=conflict.reason,
        assignments_withdrawn=after < before,
    )


# --- Organisers ------------------------------------------------------------------------------


@router.get("/jury/rounds/{round_id}", response=RoundOut, auth=token_or_session)
def get_round(request, round_id: int):
    """A round's rules and score sheet; organisers also get its progress counts."""
    round_ = services.access_round(pk=round_id)
    user = request.auth
    seat = Juror.objects.filter(round=round_, user=user).first()
    organiser = is_organiser(user, services.league_of_round(round_))
    stage = round_.stage
    return RoundOut(
        **round_ref(round_).dict(),
        stage=stage.slug if stage else None,
        scenario=stage.scenario.slug if stage else None,
        reviews_per_entry=round_.reviews_per_entry,
        min_load=round_.min_load,
        max_load=round_.max_load,
        aggregation=round_.aggregation,
        criteria=[criterion_out(c) for c in round_.criteria.all()],
        my_role=seat.role if seat else None,
        progress=queries.round_progress(round_) if organiser else None,
    )


@router.post("/jury/rounds/{round_id}/assign", response=AssignmentReportOut, auth=token_or_session)
def assign(request, round_id: int):
    """Run (or re-run) the assignment; finished and started reviews are kept."""
    round_ = services.access_round(pk=round_id)
    report = assigning.assign_reviewers(round_=round_, actor=request.auth)
    return AssignmentReportOut(**report.__dict__)


@router.post("/jury/rounds/{round_id}/results", response=RoundResultsOut, auth=token_or_session)
def compute_results(request, round_id: int):
    """(Re)compute the round's results by its aggregation method."""
    round_ = services.access_round(pk=round_id)
    calibration.compute_round_results(round_=round_, actor=request.auth)
    round_.refresh_from_db(fields=["results_computed_at"])
    return results_out(round_, request.auth)


@router.get("/jury/rounds/{round_id}/results", response=RoundResultsOut, auth=token_or_session)
def get_results(request, round_id: int):
    """Raw and calibrated scores side by side, with uncertainty and disagreement flags."""
    round_ = services.access_round(pk=round_id)
    return results_out(round_, request.auth)


@router.post(
    "/jury/rounds/{round_id}/extra-reviews", response=ExtraReviewsOut, auth=token_or_session
)
def extra_reviews(request, round_id: int):
    """One more review for every entry flagged for disagreement."""
    round_ = services.access_round(pk=round_id)
    return ExtraReviewsOut(**calibration.request_extra_reviews(round_=round_, actor=request.auth))


@router.post("/jury/entries/{entry_id}/formal-check", response=EntryOut, auth=token_or_session)
def formal_check(request, entry_id: int, body: FormalCheckIn):
    """Pass an entry's formal check, or return it to the team with a note."""
    entry = services.check_entry_formally(
        entry=entry_or_404(entry_id), actor=request.auth, passed=body.passed, note=body.note
    )
    return entry_out(entry, blind=False)


# --- Teams -----------------------------------------------------------------------------------


def _proposing_team(user, round_: JudgingRound, team_id: int | None):
    """The team named, or the caller's team entered in the round's scenario."""
    if team_id is not None:
        return access_team(team_id=team_id, user=user)
    entry = entry_of(user, round_.stage.scenario) if round_.stage_id else None
    if entry is None:
        raise InvalidInput(
            _("Say which team the proposal is for (its id), or enter your team in the scenario."),
            code="team_required",
        )
    return entry.team


@router.post("/jury/rounds/{round_id}/proposal", response={201: EntryOut}, auth=token_or_session)
def submit_proposal(
    request,
    round_id: int,
    title: Form[str],
    summary: Form[str] = "",
    language: Form[str] = "en",
    tags: Form[str] = "",
    team: Form[int | None] = None,
    file: File[UploadedFile | None] = None,
):
    """Hand in (or revise, until reviews start) your team's proposal. ``tags``: comma-separated;
    ``file``: the proposal as a PDF, optional. A team member of the team entered in the round's
    scenario, or of the team given by id, may call it."""
    round_ = services.access_round(pk=round_id)
    entry = services.submit_proposal(
        round_=round_,
        team=_proposing_team(request.auth, round_, team),
        actor=request.auth,
        title=title,
        summary=summary,
        language=language,
        tags=[t for t in tags.split(",") if t.strip()],
        document=file,
    )
    return Status(201, entry_out(entry, blind=False))
