"""The published rules that turn a stage's scores into a ranked list and an advancing set.

Plain functions over plain data (no database), so each rule can be checked by hand:

1. **Common scale, per track and per component.** Among the teams of a track that *have* the
   component, rank them (equal scores share the better rank, "1, 2, 2, 4"), n = how many have
   it. Percentile scale: ``100 × (n − r) / (n − 1)`` (100 when n = 1), so the best gets 100
   and the last 0. Rank scale: ``n − r + 1`` points (best n, last 1).
2. **Missing component counts as 0** on the common scale: a team without a benchmark score
   (or without a jury result) gets 0 for that component, the same as or less than the last
   team that has one.
3. **Final score** = ``w_b × benchmark component + w_j × jury component`` with the published
   weights normalised to sum 1, rounded to 6 decimals (so that equal inputs tie exactly).
   An automatic stage uses ``w_j = 0``, a jury stage ``w_b = 0``.
4. **Rank within the track** by final score (higher first); equal final scores are broken by the
   published tie-break (``TieBreak``), and last by the lower team id.
5. **Gate**: with a benchmark threshold, a team whose benchmark score is worse than it (in the
   metric's direction), or that has none, cannot advance ("below_gate"). It keeps its rank.
6. **Threshold**: a team whose final score is below ``min_final_score`` cannot advance
   ("below_threshold").
7. **Top-k per track**: the k best-ranked teams of each track that pass 5 and 6 advance
   ("top_k"); the other eligible teams do not ("outside_top_k"). Without k, every eligible
   team advances ("qualified").
8. **ASEAN quota** (stage-wide): if fewer than m advancing teams are ASEAN teams (registered
   country an ASEAN member), the best eligible non-advancing ASEAN teams are *added* beyond the
   top-k until there are m ("asean_quota"): nobody who earned a place by rank is displaced.
   Best means higher final score, then better rank in its track, then the tie-break. When too
   few eligible ASEAN teams exist, the shortfall is reported and nobody else is added.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from aileague.scoring.ranking import rank_rows

PERCENTILE = "percentile"
RANK = "rank"

JURY_FIRST = "jury_first"
BENCHMARK_FIRST = "benchmark_first"
EARLIER_ENTRY = "earlier_entry"

# Reasons stored on a result line.
TOP_K = "top_k"
QUALIFIED = "qualified"
ASEAN_QUOTA = "asean_quota"
BELOW_GATE = "below_gate"
BELOW_THRESHOLD = "below_threshold"
OUTSIDE_TOP_K = "outside_top_k"


@dataclass(frozen=True)
class Candidate:
    """One team's raw material: its scores as measured, before any scale or rule."""

    team_id: int
    track_id: int | None
    benchmark: float | None = None
    jury: float | None = None
    asean: bool = False
    # When the entry registered: the "earlier_entry" tie-break.
    registered_at: datetime | None = None
    # The benchmark score's submission time and id: how rank_rows orders equal benchmark scores.
    benchmark_at: datetime | None = None
    benchmark_submission: int = 0


@dataclass(frozen=True)
class Rules:
    benchmark_weight: float
    jury_weight: float
    higher_is_better: bool = True
    scale: str = PERCENTILE
    gate: float | None = None
    top_k: int | None = None
    min_final_score: float | None = None
    min_asean: int = 0
    tie_break: str = JURY_FIRST


@dataclass(frozen=True)
class Outcome:
    team_id: int
    track_id: int | None
    benchmark: float | None
    benchmark_component: float
    jury: float | None
    jury_component: float
    final: float
    rank: int = 0
    gated: bool = False
    advanced: bool = False
    reason: str = ""
    asean: bool = False


@dataclass(frozen=True)
class Decision:
    outcomes: list[Outcome]
    asean_shortfall: int


def normalised_weights(benchmark_weight: float, jury_weight: float) -> tuple[float, float]:
    """The weights scaled to sum 1. ``(0, 0)`` has no meaning and raises ValueError.

    >>> normalised_weights(3, 1)
    (0.75, 0.25)
    """
    total = benchmark_weight + jury_weight
    if benchmark_weight < 0 or jury_weight < 0 or total <= 0:
        raise ValueError("weights must be non-negative and not both zero")
    return benchmark_weight / total, jury_weight / total


def _present(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def shared_ranks(
    rows: Iterable[tuple[Hashable, float, datetime, int]], *, higher_is_better: bool
) -> dict[Hashable, int]:
    """Ranks from the one ranking function, with equal values sharing the better rank.

    >>> from datetime import datetime as dt
    >>> t = dt(2026, 1, 1)
    >>> shared_ranks([("a", 0.9, t, 1), ("b", 0.8, t, 2), ("c", 0.9, t, 3)],
    ...              higher_is_better=True)
    {'a': 1, 'c': 1, 'b': 3}
    """
    ranks: dict[Hashable, int] = {}
    previous: tuple[float, int] | None = None
    for row in rank_rows(rows, higher_is_better=higher_is_better):
        if previous is not None and previous[0] == row.value:
            ranks[row.key] = previous[1]
        else:
            ranks[row.key] = row.rank
            previous = (row.value, row.rank)
    return ranks


def scale_rank(rank: int, n: int, *, scale: str) -> float:
    """A rank r among n on the common scale.

    >>> [scale_rank(r, 5, scale="percentile") for r in (1, 2, 5)]
    [100.0, 75.0, 0.0]
    >>> [scale_rank(r, 5, scale="rank") for r in (1, 2, 5)]
    [5.0, 4.0, 1.0]
    """
    if scale == RANK:
        return float(n - rank + 1)
    if n == 1:
        return 100.0
    return 100.0 * (n - rank) / (n - 1)


def components(
    candidates: list[Candidate], *, field: str, higher_is_better: bool, scale: str
) -> dict[int, float]:
    """``team_id -> component`` for one component ("benchmark" or "jury") of one track."""
    rows = []
    for c in candidates:
        value = getattr(c, field)
        if _present(value):
            at = c.benchmark_at.timestamp() if field == "benchmark" and c.benchmark_at else 0.0
            rows.append((c.team_id, value, at, c.benchmark_submission or c.team_id))
    ranks = shared_ranks(rows, higher_is_better=higher_is_better)
    n = len(ranks)
    return {
        c.team_id: scale_rank(ranks[c.team_id], n, scale=scale) if c.team_id in ranks else 0.0
        for c in candidates
    }


def passes_gate(value: float | None, gate: float | None, *, higher_is_better: bool) -> bool:
    if gate is None:
        return True
    if not _present(value):
        return False
    return value >= gate if higher_is_better else value <= gate


def tie_key(outcome: Outcome, candidate: Candidate, rules: Rules) -> tuple:
    """Ascending: the team that wins an equal final score comes first."""
    jury = (not _present(outcome.jury), -(outcome.jury or 0.0))
    sign = -1.0 if rules.higher_is_better else 1.0
    bench = (not _present(outcome.benchmark), sign * (outcome.benchmark or 0.0))
    if rules.tie_break == BENCHMARK_FIRST:
        return (*bench, *jury)
    if rules.tie_break == EARLIER_ENTRY:
        return (candidate.registered_at is None, candidate.registered_at)
    return (*jury, *bench)


def rank_track(
    outcomes: list[Outcome], candidates: dict[int, Candidate], rules: Rules
) -> list[Outcome]:
    """One track's outcomes in final order with ranks 1..n (ties: the published tie-break)."""
    rows = [
        (o.team_id, o.final, tie_key(o, candidates[o.team_id], rules), o.team_id) for o in outcomes
    ]
    by_team = {o.team_id: o for o in outcomes}
    return [
        replace(by_team[row.key], rank=row.rank) for row in rank_rows(rows, higher_is_better=True)
    ]


def combine(candidates: list[Candidate], rules: Rules) -> list[Outcome]:
    """Components, final scores and ranks within each track (rules 1–4), tracks in id order."""
    w_b, w_j = normalised_weights(rules.benchmark_weight, rules.jury_weight)
    by_track: dict[int | None, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_track[c.track_id].append(c)
    by_team = {c.team_id: c for c in candidates}
    ranked: list[Outcome] = []
    for track_id in sorted(by_track, key=lambda t: (t is None, t or 0)):
        group = by_track[track_id]
        bench = components(
            group, field="benchmark", higher_is_better=rules.higher_is_better, scale=rules.scale
        )
        jury = components(group, field="jury", higher_is_better=True, scale=rules.scale)
        outcomes = [
            Outcome(
                team_id=c.team_id,
                track_id=track_id,
                benchmark=c.benchmark if _present(c.benchmark) else None,
                benchmark_component=bench[c.team_id],
                jury=c.jury if _present(c.jury) else None,
                jury_component=jury[c.team_id],
                final=round(w_b * bench[c.team_id] + w_j * jury[c.team_id], 6),
                asean=c.asean,
            )
            for c in group
        ]
        ranked.extend(rank_track(outcomes, by_team, rules))
    return ranked


def _eligibility(outcome: Outcome, rules: Rules) -> str:
    if not passes_gate(outcome.benchmark, rules.gate, higher_is_better=rules.higher_is_better):
        return BELOW_GATE
    if rules.min_final_score is not None and outcome.final < rules.min_final_score:
        return BELOW_THRESHOLD
    return ""


def advance(ranked: list[Outcome], candidates: dict[int, Candidate], rules: Rules) -> Decision:
    """Rules 5–8 over outcomes ranked by ``combine``."""
    taken: dict[int | None, int] = defaultdict(int)
    decided = []
    for o in ranked:
        blocked = _eligibility(o, rules)
        if blocked:
            decided.append(replace(o, gated=blocked == BELOW_GATE, reason=blocked))
        elif rules.top_k is None or taken[o.track_id] < rules.top_k:
            taken[o.track_id] += 1
            decided.append(replace(o, advanced=True, reason=TOP_K if rules.top_k else QUALIFIED))
        else:
            decided.append(replace(o, reason=OUTSIDE_TOP_K))
    return _asean_quota(decided, candidates, rules)


def _asean_quota(
    decided: list[Outcome], candidates: dict[int, Candidate], rules: Rules
) -> Decision:
    missing = rules.min_asean - sum(1 for o in decided if o.advanced and o.asean)
    if missing <= 0:
        return Decision(decided, 0)
    waiting = [o for o in decided if o.asean and o.reason == OUTSIDE_TOP_K]
    order = rank_rows(
        [
            (o.team_id, o.final, (o.rank, *tie_key(o, candidates[o.team_id], rules)), o.team_id)
            for o in waiting
        ],
        higher_is_better=True,
    )
    added = {row.key for row in order[:missing]}
    outcomes = [
        replace(o, advanced=True, reason=ASEAN_QUOTA) if o.team_id in added else o for o in decided
    ]
    return Decision(outcomes, missing - len(added))


def decide(candidates: list[Candidate], rules: Rules) -> Decision:
    """The whole published rule: combine, rank, gate, threshold, top-k, quota."""
    ranked = combine(candidates, rules)
    return advance(ranked, {c.team_id: c for c in candidates}, rules)
