"""What the jury API reads and answers, and the converters from models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Schema

from aileague.common.errors import NotFound
from aileague.common.i18n import pick
from aileague.judging import queries
from aileague.judging.models import (
    Assignment,
    Criterion,
    EntryResult,
    JudgedEntry,
    JudgingRound,
    Review,
)

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


def review_of(assignment: Assignment) -> Review | None:
    try:
        return assignment.review
    except Review.DoesNotExist:
        return None


def review_state(review: Review | None) -> str:
    if review is None:
        return "to_do"
    return "submitted" if review.is_submitted else "draft"


def assignment_out(assignment: Assignment) -> AssignmentOut:
    review = review_of(assignment)
    entry = assignment.entry
    return AssignmentOut(
        id=assignment.pk,
        round=round_ref(assignment.round),
        entry_id=entry.pk,
        title=entry.title,
        team=None if assignment.round.blind or entry.team_id is None else entry.team.name,
        origin=assignment.origin,
        state=review_state(review),
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
        review=review_out(review_of(assignment)),
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


def entry_or_404(pk: int) -> JudgedEntry:
    entry = (
        JudgedEntry.objects.select_related("round__stage__scenario__track__league", "team", "track")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise NotFound(_("No such entry."), code="entry_not_found")
    return entry
