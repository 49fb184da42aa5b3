"""Score sheets: a judge fills in the round's weighted criteria, comments and recommends.

A review is a draft until submitted; it can be revised until the round closes (a pitch's
sheet until the panel lead closes its slot). Other judges' reviews of the same entry become
visible to a judge only once their own is submitted (see ``queries.other_reviews``).
"""

from __future__ import annotations

import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aileague.common.audit import record_audit
from aileague.common.errors import Conflict, InvalidInput, PermissionDenied
from aileague.judging.models import (
    Assignment,
    Criterion,
    PitchSlot,
    Recommendation,
    Review,
    RoundKind,
    RoundStatus,
    SlotStatus,
)
from aileague.judging.models import (
    Conflict as JuryConflict,
)


def weighted_total(criteria: list[Criterion], scores: dict[str, float]) -> float | None:
    """The weighted mean of the criteria, each mapped onto 0–10 first; None if one is missing."""
    total = weight = 0.0
    for criterion in criteria:
        value = scores.get(criterion.key)
        if value is None:
            return None
        span = criterion.scale_max - criterion.scale_min
        total += criterion.weight * 10.0 * (float(value) - criterion.scale_min) / span
        weight += criterion.weight
    return round(total / weight, 6) if weight else None


def clean_scores(
    criteria: list[Criterion], raw: dict, *, complete: bool, extra: list[str] = ()
) -> dict[str, float]:
    """Parse and check a sheet, reporting every problem at once (criterion, value, range), and
    the ``extra`` problems the caller found elsewhere on the sheet."""
    problems: list[str] = []
    known = {c.key: c for c in criteria}
    cleaned: dict[str, float] = {}
    for key in raw:
        if key not in known:
            problems.append(_("“%(key)s” is not a criterion of this score sheet.") % {"key": key})
    for criterion in criteria:
        value = raw.get(criterion.key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if complete:
                problems.append(
                    _("Score “%(criterion)s” before submitting.") % {"criterion": criterion}
                )
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            problems.append(
                _("“%(value)s” for “%(criterion)s” is not a number.")
                % {"value": value, "criterion": criterion}
            )
            continue
        if not math.isfinite(number) or not (criterion.scale_min <= number <= criterion.scale_max):
            problems.append(
                _("“%(criterion)s” takes a score from %(min)d to %(max)d, not %(value)s.")
                % {
                    "criterion": criterion,
                    "min": criterion.scale_min,
                    "max": criterion.scale_max,
                    "value": value,
                }
            )
            continue
        cleaned[criterion.key] = number
    problems += list(extra)
    if problems:
        raise InvalidInput(" ".join(problems), code="invalid_score_sheet", details=problems)
    return cleaned


def check_can_review(assignment: Assignment, actor) -> None:
    """The assigned judge, without a conflict, while the round (or the pitch slot) is open."""
    if assignment.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("This score sheet belongs to another judge."))
    if JuryConflict.objects.filter(entry_id=assignment.entry_id, user=actor).exists():
        raise PermissionDenied(_("You have a conflict of interest with this entry."))
    round_ = assignment.round
    if round_.kind == RoundKind.PITCH:
        if not PitchSlot.objects.filter(
            entry_id=assignment.entry_id, session__round=round_, status=SlotStatus.LIVE
        ).exists():
            raise Conflict(
                _("This pitch is not on stage: sheets can be filled only while its slot is open."),
                code="slot_not_live",
            )
    elif round_.status != RoundStatus.OPEN:
        raise Conflict(_("The round is not open for reviews."), code="round_not_open")


def save_review(
    *,
    assignment: Assignment,
    actor,
    scores: dict,
    comment: str = "",
    recommendation: str = "",
    submit: bool = False,
) -> Review:
    """Save a draft, or submit (every criterion scored). Revising a submitted review keeps it
    submitted and re-checks it completely."""
    check_can_review(assignment, actor)
    if recommendation and recommendation not in Recommendation.values:
        raise InvalidInput(_("Unknown recommendation."), code="invalid_score_sheet")
    criteria = list(assignment.round.criteria.all())
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(assignment=assignment).first()
        submitting = submit or (review is not None and review.is_submitted)
        missing_recommendation = (
            submitting and not recommendation and assignment.round.kind == RoundKind.REVIEW
        )
        cleaned = clean_scores(
            criteria,
            scores,
            complete=submitting,
            extra=[_("Give an overall recommendation before submitting.")]
            if missing_recommendation
            else [],
        )
        before = {"scores": review.scores, "submitted": review.is_submitted} if review else None
        review = review or Review(assignment=assignment)
        review.scores = cleaned
        review.comment = comment.strip()
        review.recommendation = recommendation
        review.total = weighted_total(criteria, cleaned)
        if submitting and review.submitted_at is None:
            review.submitted_at = timezone.now()
        review.save()
        record_audit(
            actor=actor,
            action="jury.review.submit" if submitting else "jury.review.draft",
            target=review,
            before=before,
            after={"scores": cleaned, "total": review.total, "submitted": submitting},
        )
    return review
