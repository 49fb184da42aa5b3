"""The jury API of pitch sessions ("8+7"): draw, open and close slots, ratify,
signed score sheets."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from aileague.accounts.queries import is_organiser
from aileague.common.api import token_or_session
from aileague.common.errors import Conflict, NotFound, PermissionDenied
from aileague.common.i18n import pick
from aileague.judging import pitch, services
from aileague.judging.api.schemas import (
    RoundRef,
    review_of,
    review_state,
    round_ref,
)
from aileague.judging.models import (
    Assignment,
    JudgingRound,
    JurorRole,
    PitchSession,
    SessionStatus,
)
from aileague.judging.models import Conflict as JuryConflict

router = Router(tags=["jury"])


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
                sheet=review_state(review_of(sheet)) if sheet else None,
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
