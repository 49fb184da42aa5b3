"""Ranking quality against known relevant items (binary relevance), as in recommender papers.

Each function takes, per user, the ranked item indices (best first) and the set of relevant
items, and returns the mean over users that have at least one relevant item. Higher is better.

>>> precision_at_k([[3, 1, 2]], [{1}], k=2)
0.5
>>> recall_at_k([[3, 1, 2]], [{1, 2}], k=2)
0.5
>>> round(ndcg_at_k([[3, 1, 2]], [{1}], k=3), 4)
0.6309
"""

from __future__ import annotations

from collections.abc import Sequence, Set

import numpy as np


def _users(ranked: Sequence[Sequence[int]], relevant: Sequence[Set[int]]):
    if len(ranked) != len(relevant):
        raise ValueError("one ranking and one relevant set per user")
    return [(list(r), rel) for r, rel in zip(ranked, relevant, strict=True) if rel]


def precision_at_k(ranked, relevant, *, k: int) -> float:
    """Share of the first k recommendations that are relevant (a short list counts as k)."""
    users = _users(ranked, relevant)
    return float(np.mean([sum(i in rel for i in r[:k]) / k for r, rel in users]))


def recall_at_k(ranked, relevant, *, k: int) -> float:
    """Share of the relevant items found in the first k."""
    users = _users(ranked, relevant)
    return float(np.mean([sum(i in rel for i in r[:k]) / len(rel) for r, rel in users]))


def ndcg_at_k(ranked, relevant, *, k: int) -> float:
    """Normalised discounted cumulative gain: hits count 1 / log2(rank + 1), divided by the
    gain of the ideal ranking."""
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    scores = []
    for r, rel in _users(ranked, relevant):
        gain = sum(discounts[n] for n, i in enumerate(r[:k]) if i in rel)
        scores.append(gain / discounts[: min(k, len(rel))].sum())
    return float(np.mean(scores))
