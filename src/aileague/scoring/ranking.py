"""The one ranking function. Every leaderboard, export and report ranks through it.

Order: better score first (by the metric's direction); equal scores go to the earlier
submission, then the lower submission id, so ranks are total and stable.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RankedRow:
    rank: int
    key: Hashable  # what is ranked, e.g. a team id
    value: float
    submitted_at: datetime
    submission_id: int


def rank_rows(
    rows: Iterable[tuple[Hashable, float, datetime, int]],
    *,
    higher_is_better: bool,
) -> list[RankedRow]:
    """Rank ``(key, value, submitted_at, submission_id)`` rows; NaN values rank last.

    >>> from datetime import datetime as dt
    >>> rows = [("a", 0.8, dt(2026, 1, 2), 2), ("b", 0.9, dt(2026, 1, 3), 3),
    ...         ("c", 0.8, dt(2026, 1, 1), 1)]
    >>> [(r.rank, r.key) for r in rank_rows(rows, higher_is_better=True)]
    [(1, 'b'), (2, 'c'), (3, 'a')]
    """
    sign = -1.0 if higher_is_better else 1.0

    def sort_key(row: tuple[Hashable, float, datetime, int]):
        _, value, submitted_at, submission_id = row
        missing = value is None or math.isnan(value)
        return (missing, 0.0 if missing else sign * value, submitted_at, submission_id)

    ordered = sorted(rows, key=sort_key)
    return [
        RankedRow(rank=i, key=key, value=value, submitted_at=at, submission_id=sid)
        for i, (key, value, at, sid) in enumerate(ordered, start=1)
    ]


def best_per_key(
    rows: Iterable[tuple[Hashable, float, datetime, int]], *, higher_is_better: bool
) -> list[tuple[Hashable, float, datetime, int]]:
    """Each key's best row, chosen by the same order as ``rank_rows``."""
    best: dict[Hashable, tuple[Hashable, float, datetime, int]] = {}
    for ranked in rank_rows(rows, higher_is_better=higher_is_better):
        if ranked.key not in best:
            best[ranked.key] = (ranked.key, ranked.value, ranked.submitted_at, ranked.submission_id)
    return list(best.values())
