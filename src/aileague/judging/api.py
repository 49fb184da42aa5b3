"""JSON API of the jury: judges fill in score sheets, organisers assign and compute results,
teams hand in proposals. Thin adapters over ``judging.services``, ``assigning``, ``reviews``,
``calibration`` and ``queries``; domain errors are mapped to statuses in ``aileague.api``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from aileague.accounts.queries import is_organiser
from aileague.common.api import token_or_session
from aileague.common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from aileague.common.i18n import pick
from aileague.judging import assigning, calibration, pitch, queries, reviews, services
from aileague.judging.models import (
    Assignment,
    Criterion,
    EntryResult,
    JudgedEntry,
    JudgingRound,
    Juror,
    JurorRole,
    PitchSession,
    Review,
    SessionStatus,
)
from aileague.judging.models import Conflict as JuryConflict
from aileague.teams.queries import access_team, entry_of

router = Router(tags=["jury"])


# --- Schemas ---------------------------------------------------------------------------------


class RoundRef(Schema):
    id: int
    slug: str
    name: str
    kind: str
    status: str
    blind: bool


class EntryOut(Schema):
    id: int
    title: str
    summary: str
    language: str
    tags: list[str]
    track: str | None
    #: Hidden (None, "") when the round is blind and the reader is a judge.
    team: str | None
    country: str
    links: dict[str, str]
    has_document: bool
    formal_check: str
    formal_check_note: str


class ReviewOut(Schema):
    scores: dict[str, float]
    comment: str
    recommendation: str
    total: float | None
    submitted: bool
    submitted_at: datetime | None


class AssignmentOut(Schema):
    id: int
    round: RoundRef
    entry_id: int
    title: str
    team: str | None
    origin: str
    #: "to_do", "draft" or "submitted".
    state: str
    total: float | None


class CriterionOut(Schema):
    key: str
    name: str
    description: str
    weight: float
    scale_min: int
    scale_max: int
    anchors: dict[str, str]


class PeerReviewOut(Schema):
    label: str
    total: float | None
    scores: dict[str, float]
    comment: str
    recommendation: str


class ChoiceOut(Schema):
    value: str
    label: str


class AssignmentDetailOut(AssignmentOut):
    entry: EntryOut
    criteria: list[CriterionOut]
    recommendations: list[ChoiceOut]
    review: ReviewOut | None
    #: The other judges' submitted reviews, anonymous; empty until your own is submitted.
    peer_reviews: list[PeerReviewOut]


class ReviewIn(Schema):
    scores: dict[str, Any] = {}
    comment: str = ""
    recommendation: str = ""
    submit: bool = False


class ConflictIn(Schema):
    note: str = ""
    #: An organiser may declare a conflict for another judge (their user id).
    judge: int | None = None


class ConflictOut(Schema):
    entry_id: int
    judge: int
    reason: str
    assignments_withdrawn: bool


class FormalCheckIn(Schema):
    passed: bool
    note: str = ""


class AssignmentReportOut(Schema):
    entries: int
    judges: int
    created: int
    kept: int
    removed: int
    total_affinity: float
    components: int
    solve_seconds: float


class ResultRowOut(Schema):
    rank: int | None
    entry_id: int
    title: str
    team: str | None
    track: str | None
    n_reviews: int
    raw_mean: float | None
    score: float | None
    stderr: float | None
    spread: float | None
    flagged: bool


class RoundResultsOut(Schema):
    round: RoundRef
    method: str
    computed_at: datetime | None
    rows: list[ResultRowOut]


class ExtraReviewsOut(Schema):
    added: int
    no_free_judge: int


class RoundOut(RoundRef):
    stage: str | None
    scenario: str | None
    reviews_per_entry: int
    min_load: int
    max_load: int
    aggregation: str
    criteria: list[CriterionOut]
    #: Your seat in the round's jury ("reviewer", "panel_lead", "presidium"), if any.
    my_role: str | None
    #: Counts for organisers only (entries, passed, jurors, assignments, submitted, ...).
    progress: dict[str, int] | None


# --- Converters ------------------------------------------------------------------------------


def round_ref(round_: JudgingRound) -> RoundRef:
    return RoundRef(
        id=round_.pk,
        slug=round_.slug,
        name=pick(round_.name) or round_.slug,
        kind=round_.kind,
        status=round_.status,
        blind=round_.blind,
    )


def criterion_out(criterion: Criterion) -> CriterionOut:
    return CriterionOut(
        key=criterion.key,
        name=pick(criterion.name) or criterion.key,
        description=pick(criterion.description),
        weight=criterion.weight,
        scale_min=criterion.scale_min,
        scale_max=criterion.scale_max,
        anchors={point: pick(text) for point, text in criterion.anchors.items()},
    )


def entry_out(entry: JudgedEntry, *, blind: bool) -> EntryOut:
    return EntryOut(
        id=entry.pk,
        title=entry.title,
        summary=entry.summary,
        language=entry.language,
        tags=list(entry.tags),
        track=pick(entry.track.name) if entry.track_id else None,
        team=None if blind or entry.team_id is None else entry.team.name,
        country="" if blind else entry.country,
        links=dict(entry.links),
        has_document=bool(entry.document),
        formal_check=entry.formal_check,
        formal_check_note=entry.formal_check_note,
    )


def review_out(review: Review | None) -> ReviewOut | None:
    if review is None:
        return None
    return ReviewOut(
        scores=review.scores,
        comment=review.comment,
        recommendation=review.recommendation,
        total=review.total,
        submitted=review.is_submitted,
        submitted_at=review.submitted_at,
    )


def _review_of(assignment: Assignment) -> Review | None:
    try:
        return assignment.review
    except Review.DoesNotExist:
        return None


def _state(review: Review | None) -> str:
    if review is None:
        return "to_do"
    return "submitted" if review.is_submitted else "draft"


def assignment_out(assignment: Assignment) -> AssignmentOut:
    review = _review_of(assignment)
    entry = assignment.entry
    return AssignmentOut(
        id=assignment.pk,
        round=round_ref(assignment.round),
        entry_id=entry.pk,
        title=entry.title,
        team=None if assignment.round.blind or entry.team_id is None else entry.team.name,
        origin=assignment.origin,
        state=_state(review),
        total=review.total if review else None,
    )


def assignment_detail_out(assignment: Assignment, user) -> AssignmentDetailOut:
    from aileague.judging.models import Recommendation

    base = assignment_out(assignment)
    return AssignmentDetailOut(
        **base.dict(),
        entry=entry_out(assignment.entry, blind=assignment.round.blind),
        criteria=[criterion_out(c) for c in assignment.round.criteria.all()],
        recommendations=[
            ChoiceOut(value=value, label=str(label)) for value, label in Recommendation.choices
        ],
        review=review_out(_review_of(assignment)),
        peer_reviews=[
            PeerReviewOut(**peer.__dict__)
            for peer in queries.other_reviews(assignment=assignment, user=user)
        ],
    )


def result_row_out(result: EntryResult) -> ResultRowOut:
    entry = result.entry
    return ResultRowOut(
        rank=result.rank,
        entry_id=entry.pk,
        title=entry.title,
        team=entry.team.name if entry.team_id else None,
        track=pick(entry.track.name) if entry.track_id else None,
        n_reviews=result.n_reviews,
        raw_mean=result.raw_mean,
        score=result.score,
        stderr=result.stderr,
        spread=result.spread,
        flagged=result.flagged,
    )


def results_out(round_: JudgingRound, user) -> RoundResultsOut:
    rows = list(queries.round_results(round_=round_, user=user))
    return RoundResultsOut(
        round=round_ref(round_),
        method=rows[0].method if rows else round_.aggregation,
        computed_at=round_.results_computed_at,
        rows=[result_row_out(r) for r in rows],
    )


def _entry(pk: int) -> JudgedEntry:
    entry = (
        JudgedEntry.objects.select_related("round__stage__scenario__track__league", "team", "track")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise NotFound(_("No such entry."), code="entry_not_found")
    return entry


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
    entry = _entry(entry_id)
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
        entry=_entry(entry_id), actor=request.auth, passed=body.passed, note=body.note
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


# --- Pitch sessions ("8+7") ------------------------------------------------------------------


class SessionOut(Schema):
    id: int
    round: RoundRef
    name: str
    track_id: int | None
    track: str | None
    starts_at: datetime
    pitch_minutes: int
    qa_minutes: int
    room: str
    #: "scheduled", "live", "closed" or "ratified".
    status: str
    #: The published seed of the draw (None until drawn): anyone can re-draw the order with it.
    seed: str | None
    drawn_at: datetime | None
    n_slots: int


class SlotOut(Schema):
    id: int
    position: int
    starts_at: datetime
    ends_at: datetime
    #: "waiting", "live" (on stage) or "closed".
    status: str
    opened_at: datetime | None
    closed_at: datetime | None
    #: None, with the title and team, for a judge with a conflict with the entry (recused).
    entry_id: int | None
    title: str | None
    #: Also hidden from judges when the round is blind.
    team: str | None
    recused: bool
    #: The reader's panel score sheet for this pitch (``PUT /jury/assignments/{id}/review``
    #: while the slot is live), and where it stands: "to_do", "draft" or "submitted".
    assignment_id: int | None
    sheet: str | None
    #: Submitted and total panel sheets, for those who run the session.
    submitted: int | None
    panel: int | None


class RankingRowOut(Schema):
    rank: int | None
    position: int
    entry_id: int
    title: str
    team: str | None
    mean: float | None
    median: float | None
    stderr: float | None
    n_sheets: int


class RankingOut(Schema):
    session_id: int
    status: str
    tie_break: str
    ratified_at: datetime | None
    ratified_by: str | None
    pdf_sha256: str
    rows: list[RankingRowOut]


class SessionDetailOut(SessionOut):
    #: Your seat in the round's jury, if any.
    my_role: str | None
    can_draw: bool
    can_run: bool
    can_ratify: bool
    #: Whether you see every judge's scores (the ranking here and the signed PDF).
    sees_sheets: bool
    ratified_at: datetime | None
    pdf_sha256: str
    #: In the drawn order.
    slots: list[SlotOut]
    #: The ranking so far, for those who see the sheets; final once ratified.
    ranking: RankingOut | None


class SessionIn(Schema):
    track: int
    name: str
    #: ISO 8601 with its offset, e.g. ``2026-12-01T19:00+08:00`` (without one: the server's zone).
    starts_at: datetime
    pitch_minutes: int = 8
    qa_minutes: int = 7
    room: str = ""


class DrawIn(Schema):
    #: Leave out for a random seed (published with the order).
    seed: str | None = None


def _check_pitch_reader(user, session: PitchSession) -> None:
    """The round's jury and the organisers read a session through the API."""
    if pitch.juror_role(user, session.round) is None and not is_organiser(
        user, services.league_of_round(session.round)
    ):
        raise PermissionDenied(
            _("Only the round's jury and the organisers see its pitch sessions."),
        )


def session_out(session: PitchSession) -> SessionOut:
    return SessionOut(
        id=session.pk,
        round=round_ref(session.round),
        name=pick(session.name) or str(session),
        track_id=session.track_id,
        track=pick(session.track.name) if session.track_id else None,
        starts_at=session.starts_at,
        pitch_minutes=session.pitch_minutes,
        qa_minutes=session.qa_minutes,
        room=session.room,
        status=session.status,
        seed=session.draw_seed or None,
        drawn_at=session.drawn_at,
        n_slots=session.slots.count(),
    )


def ranking_out(session: PitchSession, ranking: list[pitch.RankedEntry]) -> RankingOut:
    ratifier = session.ratified_by
    return RankingOut(
        session_id=session.pk,
        status=session.status,
        tie_break=str(pitch.TIE_BREAK_RULE),
        ratified_at=session.ratified_at,
        ratified_by=(ratifier.real_name or str(ratifier)) if ratifier else None,
        pdf_sha256=session.pdf_sha256,
        rows=[
            RankingRowOut(
                rank=row.rank,
                position=row.position,
                entry_id=row.entry.pk,
                title=row.entry.title,
                team=row.entry.team.name if row.entry.team_id else None,
                mean=row.mean,
                median=row.median,
                stderr=row.stderr,
                n_sheets=len(row.totals),
            )
            for row in ranking
        ],
    )


def _slots_out(session: PitchSession, user, *, organiser: bool, runs: bool) -> list[SlotOut]:
    slots = list(session.slots.select_related("entry__team").order_by("position"))
    entry_ids = [slot.entry_id for slot in slots]
    recused = set(
        JuryConflict.objects.filter(entry_id__in=entry_ids, user_id=user.pk).values_list(
            "entry_id", flat=True
        )
    )
    sheets = {
        a.entry_id: a
        for a in Assignment.objects.filter(
            round=session.round, entry_id__in=entry_ids, user_id=user.pk
        ).select_related("review")
    }
    progress = pitch.slot_progress(session) if runs else {}
    hide_team = session.round.blind and not organiser
    length = timedelta(minutes=session.pitch_minutes + session.qa_minutes)
    out = []
    for slot in slots:
        hidden = slot.entry_id in recused
        sheet = None if hidden else sheets.get(slot.entry_id)
        entry = slot.entry
        done, panel = progress.get(slot.pk, (None, None))
        out.append(
            SlotOut(
                id=slot.pk,
                position=slot.position,
                starts_at=slot.starts_at,
                ends_at=slot.starts_at + length,
                status=slot.status,
                opened_at=slot.opened_at,
                closed_at=slot.closed_at,
                entry_id=None if hidden else entry.pk,
                title=None if hidden else entry.title,
                team=None if hidden or hide_team or entry.team_id is None else entry.team.name,
                recused=hidden,
                assignment_id=sheet.pk if sheet else None,
                sheet=_state(_review_of(sheet)) if sheet else None,
                submitted=done,
                panel=panel,
            )
        )
    return out


def session_detail_out(session: PitchSession, user) -> SessionDetailOut:
    session = pitch.access_session(pk=session.pk)  # fresh state after a change
    _check_pitch_reader(user, session)
    role = pitch.juror_role(user, session.round)
    organiser = is_organiser(user, services.league_of_round(session.round))
    runs = pitch.can_run_session(user, session)
    sees = pitch.can_see_sheets(user, session)
    slots = _slots_out(session, user, organiser=organiser, runs=runs)
    return SessionDetailOut(
        **session_out(session).model_dump(),
        my_role=role,
        can_draw=pitch.can_draw(user, session) and all(s.status == "waiting" for s in slots),
        can_run=runs,
        can_ratify=role == JurorRole.PRESIDIUM and session.status == SessionStatus.CLOSED,
        sees_sheets=sees,
        ratified_at=session.ratified_at,
        pdf_sha256=session.pdf_sha256,
        slots=slots,
        ranking=ranking_out(session, pitch.session_ranking(session)) if sees else None,
    )


def _league_track(round_: JudgingRound, track_id: int):
    from aileague.competitions.models import Track

    league = services.league_of_round(round_)
    track = Track.objects.filter(pk=track_id, league=league).first() if league else None
    if track is None:
        raise NotFound(_("No such track in the round's league."), code="track_not_found")
    return track


@router.get("/jury/rounds/{round_id}/sessions", response=list[SessionOut], auth=token_or_session)
def list_sessions(request, round_id: int):
    """The round's pitch sessions in time order (the round's jury and the organisers)."""
    round_ = services.access_round(pk=round_id)
    if pitch.juror_role(request.auth, round_) is None:
        services.check_organiser(request.auth, round_)
    return [session_out(s) for s in pitch.sessions_of_round(round_)]


@router.post(
    "/jury/rounds/{round_id}/sessions", response={201: SessionDetailOut}, auth=token_or_session
)
def create_session(request, round_id: int, body: SessionIn):
    """(Organisers) Schedule an "8+7" session of one track of a pitch round; draw it next."""
    round_ = services.access_round(pk=round_id)
    services.check_organiser(request.auth, round_)
    starts_at = body.starts_at
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    session = pitch.create_session(
        round_=round_,
        track=_league_track(round_, body.track),
        name={get_language() or "en": body.name.strip()},
        starts_at=starts_at,
        actor=request.auth,
        pitch_minutes=body.pitch_minutes,
        qa_minutes=body.qa_minutes,
        room=body.room,
    )
    return Status(201, session_detail_out(session, request.auth))


@router.get("/jury/sessions/{session_id}", response=SessionDetailOut, auth=token_or_session)
def get_session(request, session_id: int):
    """The drawn order with each slot's times and status; for a judge, the score sheet of each
    pitch (none, and no title or team, where recused); for the lead, sheets submitted so far."""
    return session_detail_out(pitch.access_session(pk=session_id), request.auth)


@router.post("/jury/sessions/{session_id}/draw", response=SessionDetailOut, auth=token_or_session)
def draw_session(request, session_id: int, body: DrawIn):
    """(Organisers) Draw the order from a seed (``{}``: a random one, published with the order);
    drawing again replaces the order until a slot opens."""
    session = pitch.access_session(pk=session_id)
    pitch.draw_order(session=session, actor=request.auth, seed=body.seed)
    return session_detail_out(session, request.auth)


@router.post(
    "/jury/sessions/{session_id}/slots/{slot_id}/open",
    response=SessionDetailOut,
    auth=token_or_session,
)
def open_slot(request, session_id: int, slot_id: int):
    """(Panel lead, organisers) Put a waiting slot on stage; one at a time."""
    session = pitch.access_session(pk=session_id)
    pitch.open_slot(slot=pitch.access_slot(session=session, pk=slot_id), actor=request.auth)
    return session_detail_out(session, request.auth)


@router.post(
    "/jury/sessions/{session_id}/slots/{slot_id}/close",
    response=SessionDetailOut,
    auth=token_or_session,
)
def close_slot(request, session_id: int, slot_id: int):
    """(Panel lead, organisers) Take the live slot off stage; its sheets can no longer change."""
    session = pitch.access_session(pk=session_id)
    pitch.close_slot(slot=pitch.access_slot(session=session, pk=slot_id), actor=request.auth)
    return session_detail_out(session, request.auth)


@router.post("/jury/sessions/{session_id}/ratify", response=RankingOut, auth=token_or_session)
def ratify_session(request, session_id: int):
    """(Presidium) Ratify a session whose slots are all closed: the ranking becomes final and
    the signed score-sheet PDF is made."""
    session = pitch.access_session(pk=session_id)
    ranking = pitch.ratify_session(session=session, actor=request.auth)
    return ranking_out(pitch.access_session(pk=session_id), ranking)


@router.get("/jury/sessions/{session_id}/score-sheets.pdf", auth=token_or_session)
def score_sheets_pdf(request, session_id: int):
    """(Organisers; the panel lead and the presidium without a conflict) Every judge's sheet of
    a ratified session, as the PDF signed by the platform."""
    from aileague.judging.pdf import signed_pdf_of

    session = pitch.access_session(pk=session_id)
    if not pitch.can_see_sheets(request.auth, session):
        raise PermissionDenied(
            _("Only the organisers, the panel lead and the presidium see these.")
        )
    if session.status != SessionStatus.RATIFIED:
        raise Conflict(
            _("The score sheets are signed once the presidium ratifies the session."),
            code="session_not_ratified",
        )
    response = HttpResponse(signed_pdf_of(session), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="pitch-session-{session.pk}-score-sheets.pdf"'
    )
    return response
