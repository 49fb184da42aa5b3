"""What each person may see of a jury. One rule above all: a judge with a conflict never sees
the entry, its reviews, or any aggregate that includes it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext as _

from aileague.accounts.queries import is_organiser
from aileague.common.errors import NotFound, PermissionDenied
from aileague.judging.models import (
    Assignment,
    Conflict,
    EntryResult,
    JudgedEntry,
    JudgingRound,
    Juror,
    Review,
)
from aileague.judging.services import league_of_round


def _not_conflicted(user, entry_field: str = "entry"):
    return ~Exists(Conflict.objects.filter(entry_id=OuterRef(f"{entry_field}_id"), user_id=user.pk))


def assignments_of(user, round_: JudgingRound | None = None):
    """A judge's assignments (never a conflicted one), with their review if started."""
    if not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    qs = (
        Assignment.objects.filter(user=user)
        .filter(_not_conflicted(user))
        .select_related("entry", "round", "review", "entry__team", "entry__track")
        .order_by("round_id", "entry_id")
    )
    if round_ is not None:
        qs = qs.filter(round=round_)
    return qs


def rounds_of_judge(user):
    if not getattr(user, "is_authenticated", False):
        return JudgingRound.objects.none()
    return JudgingRound.objects.filter(jurors__user=user).distinct().order_by("-created_at")


def access_assignment(*, user, pk: int) -> Assignment:
    """The judge's own assignment; anyone else (or a conflicted judge) gets not found."""
    assignment = assignments_of(user).filter(pk=pk).first()
    if assignment is None:
        raise NotFound(_("No such review assignment for you."))
    return assignment


def is_conflicted(user, entry: JudgedEntry) -> bool:
    return Conflict.objects.filter(entry=entry, user_id=getattr(user, "pk", None)).exists()


@dataclass(frozen=True)
class PeerReview:
    """Another judge's review as a judge sees it: anonymous label, no identity."""

    label: str
    total: float | None
    scores: dict
    comment: str
    recommendation: str


def other_reviews(*, assignment: Assignment, user) -> list[PeerReview]:
    """The other submitted reviews of the entry, shown only after the judge's own is submitted.
    Judges appear as "Judge A", "Judge B"...; conflicted judges' reviews are not counted."""
    own = Review.objects.filter(assignment=assignment, submitted_at__isnull=False).first()
    if assignment.user_id != user.pk or own is None or is_conflicted(user, assignment.entry):
        return []
    conflicted = Conflict.objects.filter(entry_id=assignment.entry_id).values("user_id")
    peers = (
        Review.objects.filter(assignment__entry_id=assignment.entry_id, submitted_at__isnull=False)
        .exclude(assignment__user_id=user.pk)
        .exclude(assignment__user_id__in=conflicted)
        .order_by("assignment__pk")
    )
    return [
        PeerReview(
            label=_("Judge %(letter)s") % {"letter": chr(ord("A") + i)},
            total=r.total,
            scores=r.scores,
            comment=r.comment,
            recommendation=r.get_recommendation_display() if r.recommendation else "",
        )
        for i, r in enumerate(peers)
    ]


def can_see_results(user, round_: JudgingRound) -> bool:
    """Organisers, and the round's presidium (for ratification), see results."""
    if is_organiser(user, league_of_round(round_)):
        return True
    return Juror.objects.filter(
        round=round_, user_id=getattr(user, "pk", None), role="presidium"
    ).exists()


def round_results(*, round_: JudgingRound, user):
    """Raw and calibrated results side by side. A presidium member with a conflict does not see
    the conflicted entries' lines."""
    if not can_see_results(user, round_):
        raise PermissionDenied(_("Only the organisers and the presidium see the jury's results."))
    qs = EntryResult.objects.filter(round=round_).select_related(
        "entry", "entry__team", "entry__track"
    )
    if not is_organiser(user, league_of_round(round_)):
        qs = qs.filter(_not_conflicted(user))
    return qs.order_by(F("rank").asc(nulls_last=True), "entry_id")


def round_progress(round_: JudgingRound) -> dict[str, int]:
    """Counts for the organiser's round page."""
    assignments = Assignment.objects.filter(round=round_)
    return {
        "entries": round_.entries.filter(withdrawn=False).count(),
        "passed": round_.entries.filter(withdrawn=False, formal_check="passed").count(),
        "jurors": round_.jurors.count(),
        "assignments": assignments.count(),
        "submitted": assignments.filter(review__submitted_at__isnull=False).count(),
        "conflicts": Conflict.objects.filter(entry__round=round_).count(),
        "flagged": EntryResult.objects.filter(round=round_, flagged=True).count(),
    }
