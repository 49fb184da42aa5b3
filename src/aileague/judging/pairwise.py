"""Pairwise (expo) rounds: judges walk from project to project and say which of the last two
was better; Bradley–Terry strengths (``methods.pairwise``) rank the entries.

A judge's walk is kept in ``PairwiseVisit``: ``current`` is the project they stand at, ``next``
the one they are sent to. Comparing the two moves them on (``next`` becomes ``current``).
Undoing a misclick marks the comparison undone (it stays on record, it no longer counts) and
puts the judge back in front of the same pair. Because the fit depends only on the multiset of
counting comparisons, a ranking after an undo is exactly the ranking without the comparison.

Strength → score: ``10 / (1 + exp(-s))`` where ``s`` is the entry's log-strength centred on
the round's compared entries; it is 10 × the modelled chance of beating an average entry, so
5 is average. Entries nobody has compared yet have no score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aileague.common.audit import record_audit
from aileague.common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from aileague.judging.methods.pairwise import fit_ranking, next_pair, rank_per_group
from aileague.judging.models import (
    Comparison,
    FormalCheck,
    JudgedEntry,
    JudgingRound,
    Juror,
    JurorRole,
    PairwiseVisit,
    RoundKind,
    RoundStatus,
)
from aileague.judging.models import (
    Conflict as JuryConflict,
)


def pairwise_entries(round_: JudgingRound):
    """Entries on show: formally checked, not withdrawn, in id order (the model's indices)."""
    return round_.entries.filter(formal_check=FormalCheck.PASSED, withdrawn=False).order_by("pk")


def _check_judge(round_: JudgingRound, actor) -> None:
    if round_.kind != RoundKind.PAIRWISE:
        raise InvalidInput(_("This round is not a pairwise round."), code="not_a_pairwise_round")
    is_judge = Juror.objects.filter(
        round=round_,
        user_id=getattr(actor, "pk", None),
        role__in=[JurorRole.REVIEWER, JurorRole.PANEL_LEAD],
    ).exists()
    if not is_judge:
        raise PermissionDenied(_("Only the round's judges compare projects."))
    if round_.status != RoundStatus.OPEN:
        raise Conflict(_("The round is not open for judging."), code="round_not_open")


def _conflicted_ids(round_: JudgingRound, user) -> set[int]:
    return set(
        JuryConflict.objects.filter(entry__round=round_, user=user).values_list(
            "entry_id", flat=True
        )
    )


def counting_comparisons(round_: JudgingRound) -> list[tuple[int, int]]:
    """(winner, loser) entry ids of comparisons that count: not undone, between entries on
    show, and not made by a judge with a conflict with either entry."""
    conflicted = set(
        JuryConflict.objects.filter(entry__round=round_).values_list("entry_id", "user_id")
    )
    shown = set(pairwise_entries(round_).values_list("pk", flat=True))
    rows = Comparison.objects.filter(round=round_, undone_at__isnull=True).values_list(
        "winner_id", "loser_id", "user_id"
    )
    return [
        (w, lo)
        for w, lo, u in rows
        if w in shown and lo in shown and (w, u) not in conflicted and (lo, u) not in conflicted
    ]


def record_comparison(*, round_: JudgingRound, actor, winner: JudgedEntry, loser: JudgedEntry):
    """The judge preferred ``winner`` to ``loser``; they must be the judge's current pair. The
    judge moves on to the project they just judged (it becomes their current one)."""
    _check_judge(round_, actor)
    if winner.pk == loser.pk:
        raise InvalidInput(_("Compare two different projects."), code="same_entry")
    with transaction.atomic():
        visit = PairwiseVisit.objects.select_for_update().filter(round=round_, user=actor).first()
        pair = {visit.current_id, visit.next_id} if visit else set()
        if pair != {winner.pk, loser.pk}:
            raise Conflict(
                _("These are not the two projects you were sent to compare; reload the page."),
                code="not_current_pair",
            )
        if _conflicted_ids(round_, actor) & pair:
            raise PermissionDenied(_("You have a conflict of interest with this project."))
        comparison = Comparison.objects.create(round=round_, user=actor, winner=winner, loser=loser)
        visit.current_id, visit.next_id = visit.next_id, None
        visit.save(update_fields=["current", "next", "updated_at"])
        record_audit(
            actor=actor,
            action="jury.pairwise.compare",
            target=comparison,
            after={"winner": winner.pk, "loser": loser.pk},
        )
    return comparison


def undo_last(*, round_: JudgingRound, actor) -> Comparison:
    """Undo the judge's latest counting comparison and send them back to the same pair."""
    _check_judge(round_, actor)
    with transaction.atomic():
        comparison = (
            Comparison.objects.select_for_update()
            .filter(round=round_, user=actor, undone_at__isnull=True)
            .order_by("-created_at", "-pk")
            .first()
        )
        if comparison is None:
            raise Conflict(_("There is no comparison of yours to undo."), code="nothing_to_undo")
        comparison.undone_at = timezone.now()
        comparison.save(update_fields=["undone_at"])
        visit, _created = PairwiseVisit.objects.get_or_create(round=round_, user=actor)
        pair = (comparison.winner_id, comparison.loser_id)
        # The judge moved on to the later of the two; put them back before it.
        later = visit.current_id if visit.current_id in pair else comparison.loser_id
        visit.current_id = pair[1] if later == pair[0] else pair[0]
        visit.next_id = later
        visit.save(update_fields=["current", "next", "updated_at"])
        record_audit(
            actor=actor,
            action="jury.pairwise.undo",
            target=comparison,
            before={"undone": False},
            after={"undone": True, "winner": comparison.winner_id, "loser": comparison.loser_id},
        )
    return comparison


def next_for_judge(*, round_: JudgingRound, actor) -> tuple[JudgedEntry, JudgedEntry] | None:
    """The judge's current pair ``(current, next)``, choosing ``next`` (and ``current`` when the
    judge starts) by coverage first, then information gain. Never an entry the judge has a
    conflict with, never one they have already seen. None when nothing new is left."""
    _check_judge(round_, actor)
    entries = {e.pk: e for e in pairwise_entries(round_).select_related("team", "track")}
    excluded = _conflicted_ids(round_, actor)
    with transaction.atomic():
        visit, _created = PairwiseVisit.objects.select_for_update().get_or_create(
            round=round_, user=actor
        )
        pair = (visit.current_id, visit.next_id)
        if all(pk in entries and pk not in excluded for pk in pair):
            return entries[pair[0]], entries[pair[1]]
        ids = list(entries)
        index = {pk: i for i, pk in enumerate(ids)}
        comparisons = counting_comparisons(round_)
        seen = set(
            Comparison.objects.filter(round=round_, user=actor).values_list("winner_id", flat=True)
        ) | set(
            Comparison.objects.filter(round=round_, user=actor).values_list("loser_id", flat=True)
        )
        current = visit.current_id if visit.current_id in index else None
        if current is not None:
            seen.add(current)
        chosen = next_pair(
            len(ids),
            [index[w] for w, _lo in comparisons],
            [index[lo] for _w, lo in comparisons],
            judge_seen=[index[pk] for pk in seen if pk in index],
            current=index[current] if current is not None else None,
            exclude=[index[pk] for pk in excluded if pk in index],
            min_coverage=round_.pairwise_min_coverage,
            rng=np.random.default_rng([round_.pk, actor.pk, len(comparisons)]),
        )
        if chosen is None:
            visit.next_id = None
            visit.save(update_fields=["next", "updated_at"])
            return None
        visit.current_id, visit.next_id = ids[chosen[0]], ids[chosen[1]]
        visit.save(update_fields=["current", "next", "updated_at"])
        return entries[visit.current_id], entries[visit.next_id]


def strength_to_score(strength: float) -> float:
    """10 × the Bradley–Terry chance of beating an average entry (log-strength 0)."""
    return round(10.0 / (1.0 + math.exp(-strength)), 6)


def round_strengths(round_: JudgingRound) -> dict[int, float]:
    """Entry id → score on 0–10 (see :func:`strength_to_score`) for every entry on show that
    has at least one counting comparison. ``calibration.compute_round_results`` ranks by it."""
    ids = list(pairwise_entries(round_).values_list("pk", flat=True))
    index = {pk: i for i, pk in enumerate(ids)}
    comparisons = counting_comparisons(round_)
    if not comparisons:
        return {}
    strengths = fit_ranking(
        len(ids), [index[w] for w, _lo in comparisons], [index[lo] for _w, lo in comparisons]
    )
    compared = {pk for pair in comparisons for pk in pair}
    return {pk: strength_to_score(float(strengths[index[pk]])) for pk in ids if pk in compared}


@dataclass(frozen=True)
class TrackRanking:
    track: object  # competitions.Track or None
    rows: list[tuple[int | None, JudgedEntry, float | None]]  # (rank, entry, score)


def pairwise_ranking_per_track(round_: JudgingRound) -> list[TrackRanking]:
    """Each track's entries, best first (equal scores: the earlier entry first). Entries not
    yet compared come last, unranked. Tracks in id order, entries without a track last."""
    entries = list(pairwise_entries(round_).select_related("team", "track"))
    if not entries:
        return []
    scores = round_strengths(round_)
    values = [scores.get(e.pk, math.nan) for e in entries]
    groups = [e.track_id if e.track_id is not None else 2**62 for e in entries]
    rankings = []
    for order in rank_per_group(values, groups):
        rows = []
        for place, i in enumerate(order.tolist(), start=1):
            score = scores.get(entries[i].pk)
            rows.append((place if score is not None else None, entries[i], score))
        rankings.append(TrackRanking(track=entries[order[0]].track, rows=rows))
    return rankings


def access_entry(*, round_: JudgingRound, pk) -> JudgedEntry:
    entry = pairwise_entries(round_).filter(pk=pk).first() if str(pk).isdigit() else None
    if entry is None:
        raise NotFound(_("No such project in this round."))
    return entry


def judge_progress(*, round_: JudgingRound, actor) -> dict[str, int]:
    """How many comparisons the judge made (undone ones excepted) and can still undo."""
    mine = Comparison.objects.filter(round=round_, user=actor, undone_at__isnull=True)
    return {"compared": mine.count()}
