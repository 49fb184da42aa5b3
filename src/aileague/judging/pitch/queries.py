"""Reads of pitch sessions: the ranking, progress, the live view, the score sheets."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from aileague.accounts.queries import is_organiser
from aileague.common.errors import NotFound, PermissionDenied
from aileague.judging.models import (
    Assignment,
    JudgedEntry,
    JudgingRound,
    PitchSession,
    PitchSlot,
    Review,
    SessionStatus,
    SlotStatus,
)
from aileague.judging.models import (
    Conflict as JuryConflict,
)
from aileague.judging.pitch.access import juror_role
from aileague.judging.services import league_of_round

# --- Reads -----------------------------------------------------------------------------------


@dataclass
class RankedEntry:
    """One line of a session's ranking."""

    entry: JudgedEntry
    position: int  # place in the drawn order
    totals: list[float] = field(default_factory=list)  # counting panel totals
    key_scores: list[float] = field(default_factory=list)  # on the highest-weight criterion
    rank: int | None = None

    @property
    def mean(self) -> float | None:
        return round(statistics.fmean(self.totals), 6) if self.totals else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.totals) if self.totals else None

    @property
    def stderr(self) -> float | None:
        if len(self.totals) < 2:
            return None
        return round(statistics.stdev(self.totals) / len(self.totals) ** 0.5, 6)

    def sort_key(self):
        key_mean = statistics.fmean(self.key_scores) if self.key_scores else float("-inf")
        if not self.totals:
            return (1, 0.0, 0.0, 0.0, self.position)
        return (0, -self.mean, -self.median, -key_mean, self.position)


def key_criterion(round_: JudgingRound):
    """The criterion of highest weight (the earlier one on the sheet if weights are equal)."""
    return round_.criteria.order_by("-weight", "position", "key").first()


def session_ranking(session: PitchSession) -> list[RankedEntry]:
    """The session's ranking from submitted panel sheets (a conflicted judge's never counts),
    by :data:`TIE_BREAK_RULE`. Entries without a counting sheet come last, unranked."""
    slots = list(session.slots.select_related("entry__team", "entry__track"))
    rows = {s.entry_id: RankedEntry(entry=s.entry, position=s.position) for s in slots}
    conflicted = set(
        JuryConflict.objects.filter(entry_id__in=rows).values_list("entry_id", "user_id")
    )
    key = key_criterion(session.round)
    reviews = Review.objects.filter(
        assignment__entry_id__in=rows,
        assignment__round=session.round,
        submitted_at__isnull=False,
        total__isnull=False,
    ).values_list("assignment__entry_id", "assignment__user_id", "total", "scores")
    for entry_id, user_id, total, scores in reviews.order_by("assignment__user_id"):
        if (entry_id, user_id) in conflicted:
            continue
        rows[entry_id].totals.append(total)
        if key is not None and key.key in scores:
            rows[entry_id].key_scores.append(float(scores[key.key]))
    ranking = sorted(rows.values(), key=RankedEntry.sort_key)
    for place, row in enumerate(ranking, start=1):
        row.rank = place if row.totals else None
    return ranking


def access_session(*, pk: int) -> PitchSession:
    session = (
        PitchSession.objects.select_related("round", "track", "ratified_by").filter(pk=pk).first()
    )
    if session is None:
        raise NotFound(_("No such pitch session."))
    return session


def access_slot(*, session: PitchSession, pk: int) -> PitchSlot:
    slot = session.slots.select_related("entry").filter(pk=pk).first()
    if slot is None:
        raise NotFound(_("No such slot in this session."))
    return slot


def slot_progress(session: PitchSession) -> dict[int, tuple[int, int]]:
    """Per slot: (submitted sheets, panel sheets) — what the lead watches before closing."""
    counts: dict[int, tuple[int, int]] = {}
    for slot in session.slots.all():
        sheets = Assignment.objects.filter(round=session.round, entry_id=slot.entry_id)
        counts[slot.pk] = (
            sheets.filter(review__submitted_at__isnull=False).count(),
            sheets.count(),
        )
    return counts


@dataclass(frozen=True)
class LiveView:
    """What a judge's live page shows: the slot on stage (or the last one), and their sheet."""

    slot: PitchSlot | None
    recused: bool
    assignment: Assignment | None
    review: Review | None
    read_only: bool
    version: str  # changes whenever the page should reload


def live_view(*, session: PitchSession, user) -> LiveView:
    """The live slot, else the one that was on stage last; a recused judge learns nothing of
    the entry. Raises PermissionDenied for anyone who is neither juror nor organiser."""
    role = juror_role(user, session.round)
    if role is None and not is_organiser(user, league_of_round(session.round)):
        raise PermissionDenied(_("Only the round's jury sees the live pitch page."))
    slot = (
        session.slots.filter(status=SlotStatus.LIVE).select_related("entry__team").first()
        or session.slots.filter(opened_at__isnull=False)
        .select_related("entry__team")
        .order_by("-opened_at")
        .first()
    )
    version = f"{session.status}:{slot.pk}:{slot.status}" if slot else f"{session.status}:-"
    if slot is None:
        return LiveView(None, False, None, None, True, version)
    if JuryConflict.objects.filter(entry_id=slot.entry_id, user_id=user.pk).exists():
        return LiveView(slot, True, None, None, True, version)
    assignment = (
        Assignment.objects.filter(round=session.round, entry_id=slot.entry_id, user_id=user.pk)
        .select_related("round")
        .first()
    )
    review = Review.objects.filter(assignment=assignment).first() if assignment else None
    read_only = (
        slot.status != SlotStatus.LIVE
        or session.status == SessionStatus.RATIFIED
        or assignment is None
    )
    return LiveView(slot, False, assignment, review, read_only, version)


def sessions_of_round(round_: JudgingRound):
    return round_.sessions.select_related("track").order_by("starts_at", "pk")


def session_sheets(session: PitchSession) -> list[tuple[PitchSlot, list[tuple[object, Review]]]]:
    """Every slot with its submitted panel sheets (judge, review); conflicted sheets left out."""
    out = []
    conflicted = set(
        JuryConflict.objects.filter(entry__slots__session=session).values_list(
            "entry_id", "user_id"
        )
    )
    for slot in session.slots.select_related("entry__team").order_by("position"):
        reviews = (
            Review.objects.filter(
                assignment__round=session.round,
                assignment__entry_id=slot.entry_id,
            )
            .filter(~Q(submitted_at=None))
            .select_related("assignment__user")
            .order_by("assignment__user_id")
        )
        out.append(
            (
                slot,
                [
                    (r.assignment.user, r)
                    for r in reviews
                    if (slot.entry_id, r.assignment.user_id) not in conflicted
                ],
            )
        )
    return out
