"""A round's results: submitted reviews (never a conflicted one) aggregated by the round's
method into a calibrated score with its uncertainty, ranked, and flagged where judges disagree."""

from __future__ import annotations

import math

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aileague.common.audit import record_audit
from aileague.common.errors import Conflict as ConflictError
from aileague.judging.methods.aggregation import aggregate
from aileague.judging.models import (
    Conflict,
    EntryResult,
    FormalCheck,
    JudgingRound,
    Review,
    RoundKind,
)
from aileague.judging.services import check_organiser


def counting_reviews(round_: JudgingRound):
    """Submitted reviews of the round's live entries, minus any whose judge has a conflict."""
    conflicted = set(
        Conflict.objects.filter(entry__round=round_).values_list("entry_id", "user_id")
    )
    rows = Review.objects.filter(
        assignment__round=round_,
        submitted_at__isnull=False,
        total__isnull=False,
        assignment__entry__withdrawn=False,
    ).values_list("assignment__entry_id", "assignment__user_id", "total")
    return [(e, u, t) for e, u, t in rows if (e, u) not in conflicted]


def _clean(value) -> float | None:
    return None if value is None or not math.isfinite(float(value)) else round(float(value), 6)


def compute_round_results(*, round_: JudgingRound, actor) -> list[EntryResult]:
    """(Re)compute every entry's result. Pairwise rounds rank by Bradley–Terry strengths."""
    check_organiser(actor, round_)
    if round_.kind == RoundKind.PITCH:
        raise ConflictError(
            _("A pitch round's results come from ratifying each session, not from this step."),
            code="pitch_results_by_ratification",
        )
    entries = list(
        round_.entries.filter(withdrawn=False, formal_check=FormalCheck.PASSED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    index = {pk: i for i, pk in enumerate(entries)}
    if round_.kind == RoundKind.PAIRWISE:
        from aileague.judging.pairwise import round_strengths

        strengths = round_strengths(round_)
        raw = np.array([strengths.get(pk, np.nan) for pk in entries], dtype=float)
        score, stderr, spread = raw, np.full(len(entries), np.nan), np.full(len(entries), np.nan)
        n_reviews = np.zeros(len(entries), dtype=int)
        flagged = np.zeros(len(entries), dtype=bool)
        method = "mean"
    else:
        reviews = [r for r in counting_reviews(round_) if r[0] in index]
        judges = sorted({u for _e, u, _t in reviews})
        judge_index = {u: i for i, u in enumerate(judges)}
        result = aggregate(
            np.array([index[e] for e, _u, _t in reviews], dtype=np.int64),
            np.array([judge_index[u] for _e, u, _t in reviews], dtype=np.int64),
            np.array([t for _e, _u, t in reviews], dtype=float),
            n_entries=len(entries),
            n_judges=len(judges),
            method=round_.aggregation,
            trim=round_.trim,
            disagreement=round_.disagreement_threshold,
        )
        raw, score, stderr = result.raw_mean, result.score, result.stderr
        spread, flagged, n_reviews = result.spread, result.flagged, result.n_reviews
        method = round_.aggregation
    # Rank: calibrated score, then raw mean, then the earlier entry; no score ranks last.
    order = sorted(
        range(len(entries)),
        key=lambda i: (
            math.isnan(score[i]),
            -(score[i] if not math.isnan(score[i]) else 0.0),
            -(raw[i] if not math.isnan(raw[i]) else 0.0),
            entries[i],
        ),
    )
    rank = {i: position + 1 for position, i in enumerate(order)}
    with transaction.atomic():
        EntryResult.objects.filter(round=round_).exclude(entry_id__in=entries).delete()
        existing = {r.entry_id: r for r in EntryResult.objects.filter(round=round_)}
        rows = []
        for i, pk in enumerate(entries):
            row = existing.get(pk) or EntryResult(round=round_, entry_id=pk)
            row.method = method
            row.n_reviews = int(n_reviews[i])
            row.raw_mean = _clean(raw[i])
            row.score = _clean(score[i])
            row.stderr = _clean(stderr[i])
            row.spread = _clean(spread[i])
            row.flagged = bool(flagged[i])
            row.rank = rank[i] if row.score is not None else None
            rows.append(row)
        EntryResult.objects.bulk_create([r for r in rows if r.pk is None])
        EntryResult.objects.bulk_update(
            [r for r in rows if r.pk is not None],
            ["method", "n_reviews", "raw_mean", "score", "stderr", "spread", "flagged", "rank"],
        )
        round_.results_computed_at = timezone.now()
        round_.save(update_fields=["results_computed_at"])
        record_audit(
            actor=actor,
            action="jury.results.compute",
            target=round_,
            after={
                "method": method,
                "entries": len(entries),
                "flagged": int(np.count_nonzero(flagged)),
            },
        )
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0))


def request_extra_reviews(*, round_: JudgingRound, actor) -> dict[str, int]:
    """One more review for every flagged entry that does not have one pending already."""
    from aileague.judging.assigning import add_extra_review
    from aileague.judging.models import Assignment, AssignmentOrigin, JudgedEntry

    check_organiser(actor, round_)
    flagged = JudgedEntry.objects.filter(round=round_, result__flagged=True, withdrawn=False)
    added = unavailable = 0
    for entry in flagged:
        # An extra review not yet submitted (no sheet, or a draft): the LEFT JOIN covers both.
        pending = Assignment.objects.filter(
            entry=entry, origin=AssignmentOrigin.EXTRA, review__submitted_at__isnull=True
        ).exists()
        if pending:
            continue
        if add_extra_review(entry=entry, actor=actor) is None:
            unavailable += 1
        else:
            added += 1
    return {"added": added, "no_free_judge": unavailable}
