"""Setting up and running pitch sessions: create, draw the order, seat the panel, open and
close slots, ratify."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aileague.common.audit import record_audit
from aileague.common.errors import Conflict, InvalidInput, PermissionDenied
from aileague.judging.models import (
    Assignment,
    AssignmentOrigin,
    EntryResult,
    FormalCheck,
    JudgingRound,
    JurorRole,
    PitchSession,
    PitchSlot,
    RoundKind,
    SessionStatus,
    SlotStatus,
)
from aileague.judging.models import (
    Conflict as JuryConflict,
)
from aileague.judging.pitch.access import (
    PANEL_ROLES,
    check_can_run,
    check_not_ratified,
    juror_role,
)
from aileague.judging.pitch.queries import RankedEntry, session_ranking
from aileague.judging.services import check_organiser, league_of_round, withdraw_unreviewed

# --- Setting up ------------------------------------------------------------------------------


def create_session(
    *,
    round_: JudgingRound,
    track,
    name: dict,
    starts_at,
    actor,
    pitch_minutes: int = 8,
    qa_minutes: int = 7,
    room: str = "",
) -> PitchSession:
    """A pitch session of ``track`` in a pitch round. The round's reviewers and panel lead are
    the panel; its presidium ratifies."""
    check_organiser(actor, round_)
    if round_.kind != RoundKind.PITCH:
        raise InvalidInput(
            _("Pitch sessions belong to a round of the “pitch session” kind."),
            code="not_a_pitch_round",
        )
    if pitch_minutes < 1 or qa_minutes < 0:
        raise InvalidInput(
            _("A slot needs at least one minute of pitch and no negative question time."),
            code="invalid_session",
        )
    if not any(str(text).strip() for text in (name or {}).values()):
        raise InvalidInput(_("Give the session a name."), code="name_required")
    league = league_of_round(round_)
    if track is not None and league is not None and track.league_id != league.pk:
        raise InvalidInput(_("No such track in the round's league."), code="track_not_found")
    with transaction.atomic():
        session = PitchSession.objects.create(
            round=round_,
            track=track,
            name=name,
            starts_at=starts_at,
            pitch_minutes=pitch_minutes,
            qa_minutes=qa_minutes,
            room=room.strip(),
        )
        record_audit(
            actor=actor,
            action="jury.pitch.session.create",
            target=session,
            after={
                "round": round_.pk,
                "track": getattr(track, "pk", None),
                "starts_at": starts_at.isoformat(),
                "pitch_minutes": pitch_minutes,
                "qa_minutes": qa_minutes,
            },
        )
    return session


def drawn_order(entry_ids, seed: str) -> list[int]:
    """The published draw: shuffle the ids, ascending, with ``random.Random(seed)``.

    >>> drawn_order([3, 1, 2], "a1b2") == drawn_order([1, 2, 3], "a1b2")
    True
    """
    order = sorted(entry_ids)
    random.Random(seed).shuffle(order)
    return order


def session_entries(session: PitchSession):
    """Entries that pitch in the session: of its track, formally checked, not withdrawn, and not
    drawn into another session of the round."""
    elsewhere = PitchSlot.objects.filter(session__round=session.round).exclude(session=session)
    return (
        session.round.entries.filter(
            track=session.track, formal_check=FormalCheck.PASSED, withdrawn=False
        )
        .exclude(pk__in=elsewhere.values("entry_id"))
        .order_by("pk")
    )


def draw_order(*, session: PitchSession, actor, seed: str | None = None) -> list[PitchSlot]:
    """Draw the order, create the slots (``starts_at + i × (pitch + questions)``) and one panel
    assignment per judge and entry, except where the judge has a conflict. Drawing again
    replaces the order until a slot has been opened."""
    check_organiser(actor, session.round)
    seed = (seed or "").strip() or secrets.token_hex(8)
    caller = session
    with transaction.atomic():
        session = PitchSession.objects.select_for_update().get(pk=session.pk)
        if session.slots.exclude(status=SlotStatus.WAITING).exists():
            raise Conflict(
                _("A slot has been opened: the order can no longer be drawn again."),
                code="draw_locked",
            )
        entries = {e.pk: e for e in session_entries(session)}
        if not entries:
            raise InvalidInput(
                _("No entry of this track has passed the formal check: nothing to draw."),
                code="no_entries",
            )
        before = {"seed": session.draw_seed, "order": list(_order_of(session))}
        old_entries = list(session.slots.values_list("entry_id", flat=True))
        withdraw_unreviewed(
            Assignment.objects.filter(entry_id__in=old_entries, origin=AssignmentOrigin.PANEL)
        )
        session.slots.all().delete()
        order = drawn_order(entries, seed)
        step = timedelta(minutes=session.pitch_minutes + session.qa_minutes)
        slots = PitchSlot.objects.bulk_create(
            PitchSlot(
                session=session,
                entry=entries[pk],
                position=i + 1,
                starts_at=session.starts_at + i * step,
            )
            for i, pk in enumerate(order)
        )
        conflicted = _seat_panel(session.round, order)
        session.draw_seed = seed
        session.drawn_at = timezone.now()
        session.save(update_fields=["draw_seed", "drawn_at"])
        caller.draw_seed, caller.drawn_at = session.draw_seed, session.drawn_at
        record_audit(
            actor=actor,
            action="jury.pitch.draw",
            target=session,
            before=before,
            after={"seed": seed, "order": order, "recused": sorted(conflicted)},
        )
    return slots


def _seat_panel(round_: JudgingRound, entry_ids: list[int]) -> set[tuple[int, int]]:
    """One panel sheet per (panel judge, entry) except conflicted pairs; existing sheets are
    kept. Returns the conflicted (entry, judge) pairs: those judges are recused."""
    panel = list(round_.jurors.filter(role__in=PANEL_ROLES).values_list("user_id", flat=True))
    conflicted = set(
        JuryConflict.objects.filter(entry_id__in=entry_ids, user_id__in=panel).values_list(
            "entry_id", "user_id"
        )
    )
    Assignment.objects.bulk_create(
        [
            Assignment(round=round_, entry_id=e, user_id=u, origin=AssignmentOrigin.PANEL)
            for e in entry_ids
            for u in panel
            if (e, u) not in conflicted
        ],
        ignore_conflicts=True,
    )
    return conflicted


def seat_late_panel_judges(round_: JudgingRound) -> None:
    """A judge who joins the panel after the draw gets sheets for the pitches still to come
    (slots not yet closed, in sessions not ratified); closed pitches stay as they were."""
    entry_ids = list(
        PitchSlot.objects.filter(session__round=round_)
        .exclude(status=SlotStatus.CLOSED)
        .exclude(session__status=SessionStatus.RATIFIED)
        .values_list("entry_id", flat=True)
    )
    if entry_ids:
        _seat_panel(round_, entry_ids)


def _order_of(session: PitchSession):
    return session.slots.order_by("position").values_list("entry_id", flat=True)


# --- Running the session ---------------------------------------------------------------------


def open_slot(*, slot: PitchSlot, actor) -> PitchSlot:
    """Put a waiting slot on stage; one slot is live at a time. The session becomes live."""
    check_can_run(actor, slot.session)
    with transaction.atomic():
        session = PitchSession.objects.select_for_update().get(pk=slot.session_id)
        check_not_ratified(session)
        slot = PitchSlot.objects.select_for_update().get(pk=slot.pk)
        if slot.status != SlotStatus.WAITING:
            raise Conflict(_("This slot has already been on stage."), code="slot_not_waiting")
        if session.slots.filter(status=SlotStatus.LIVE).exists():
            raise Conflict(
                _("Another slot is on stage: close it before opening the next."),
                code="slot_already_live",
            )
        slot.status = SlotStatus.LIVE
        slot.opened_at = timezone.now()
        slot.save(update_fields=["status", "opened_at"])
        before = {"status": session.status}
        session.status = SessionStatus.LIVE
        session.save(update_fields=["status"])
        record_audit(
            actor=actor,
            action="jury.pitch.slot.open",
            target=slot,
            before=before,
            after={"slot": slot.position, "entry": slot.entry_id, "session": SessionStatus.LIVE},
        )
    return slot


def close_slot(*, slot: PitchSlot, actor) -> PitchSlot:
    """Take the slot off stage: its score sheets can no longer change. Drafts not submitted by
    then do not count. Closing the last slot closes the session."""
    check_can_run(actor, slot.session)
    with transaction.atomic():
        session = PitchSession.objects.select_for_update().get(pk=slot.session_id)
        slot = PitchSlot.objects.select_for_update().get(pk=slot.pk)
        if slot.status != SlotStatus.LIVE:
            raise Conflict(_("This slot is not on stage."), code="slot_not_live")
        slot.status = SlotStatus.CLOSED
        slot.closed_at = timezone.now()
        slot.closed_by = actor
        slot.save(update_fields=["status", "closed_at", "closed_by"])
        if not session.slots.exclude(status=SlotStatus.CLOSED).exists():
            session.status = SessionStatus.CLOSED
            session.save(update_fields=["status"])
        sheets = Assignment.objects.filter(round=session.round, entry=slot.entry)
        record_audit(
            actor=actor,
            action="jury.pitch.slot.close",
            target=slot,
            after={
                "slot": slot.position,
                "entry": slot.entry_id,
                "panel": sheets.count(),
                "submitted": sheets.filter(review__submitted_at__isnull=False).count(),
                "session": session.status,
            },
        )
    return slot


def ratify_session(*, session: PitchSession, actor) -> list[RankedEntry]:
    """The presidium's ratification once every slot is closed: the ranking is stored on the
    entries' results (rank within the session), the signed score-sheet PDF is produced, and
    nothing in the session changes afterwards."""
    if juror_role(actor, session.round) != JurorRole.PRESIDIUM:
        raise PermissionDenied(_("Only a member of the jury presidium ratifies a session."))
    if JuryConflict.objects.filter(entry__slots__session=session, user=actor).exists():
        raise PermissionDenied(
            _("You have a conflict with an entry of this session: another member must ratify."),
            code="presidium_conflicted",
        )
    caller = session
    with transaction.atomic():
        session = PitchSession.objects.select_for_update().get(pk=session.pk)
        check_not_ratified(session)
        if not session.drawn_at or session.slots.exclude(status=SlotStatus.CLOSED).exists():
            raise Conflict(
                _("Every slot must be closed before the session is ratified."),
                code="slots_not_closed",
            )
        ranking = session_ranking(session)
        _store_results(session, ranking)
        session.status = SessionStatus.RATIFIED
        session.ratified_by = actor
        session.ratified_at = timezone.now()
        session.save(update_fields=["status", "ratified_by", "ratified_at"])
        from aileague.judging.pdf import session_score_sheets_pdf

        session_score_sheets_pdf(session)
        for name in ("status", "ratified_by", "ratified_at", "pdf_sha256"):
            setattr(caller, name, getattr(session, name))
        record_audit(
            actor=actor,
            action="jury.pitch.ratify",
            target=session,
            after={
                "ranking": [[r.rank, r.entry.pk, r.mean] for r in ranking],
                "pdf_sha256": session.pdf_sha256,
            },
        )
    return ranking


def _store_results(session: PitchSession, ranking: list[RankedEntry]) -> None:
    for row in ranking:
        EntryResult.objects.update_or_create(
            entry=row.entry,
            defaults={
                "round": session.round,
                "method": "mean",
                "n_reviews": len(row.totals),
                "raw_mean": row.mean,
                "score": row.mean,
                "stderr": row.stderr,
                "spread": (max(row.totals) - min(row.totals)) if row.totals else None,
                "flagged": False,
                "rank": row.rank,
            },
        )
