"""Introductions under capacity: each partner takes at most ``c`` introductions and each project
at most ``m``, and the total fit of the introductions made is as large as possible.

This is a maximum-weight bipartite b-matching, solved exactly as a min-cost flow (OR-Tools):

    source ─(cap c_p, cost 0)→ partner p ─(cap 1, cost −score)→ project j ─(cap m_j)→ sink
    source ─────────────────(bypass, cost 0)──────────────────────────────────────→ sink

The bypass arc lets capacity go unused, so a poor pair is never forced in to fill a slot.
Scores become integer costs in units of ``1 / SCALE``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from ortools.graph.python import min_cost_flow

from aileague.outcomes.matching.market import Market, score_matrix
from aileague.outcomes.matching.ranking import Match, matches_for_pairs

SCALE = 1_000_000


def _capacities(value: int | Sequence[int], n: int, name: str) -> np.ndarray:
    caps = np.broadcast_to(np.asarray(value, dtype=np.int64), (n,)).copy()
    if (caps < 0).any():
        raise ValueError(f"{name} must be non-negative")
    return caps


def _eligible_edges(market: Market, min_score: float) -> tuple[np.ndarray, ...]:
    scores = score_matrix(market)
    rows, cols = np.nonzero(np.isfinite(scores) & (scores >= min_score) & (scores > 0))
    return rows, cols, scores[rows, cols]


def units(score: float | np.ndarray) -> np.ndarray:
    """A score in the integer units the solver optimises (compare totals in these)."""
    return np.rint(np.asarray(score) * SCALE).astype(np.int64)


def assign_introductions(
    market: Market,
    *,
    partner_capacity: int | Sequence[int],
    project_capacity: int | Sequence[int],
    min_score: float = 0.0,
) -> list[Match]:
    """The introductions of greatest total score within the capacities, by partner then best
    first. Excluded pairs and pairs scoring below ``min_score`` are never introduced."""
    n_p, n_j = market.n_partners, market.n_projects
    c = _capacities(partner_capacity, n_p, "partner_capacity")
    m = _capacities(project_capacity, n_j, "project_capacity")
    rows, cols, scores = _eligible_edges(market, min_score)
    source, sink = 0, n_p + n_j + 1
    partner_node = 1 + np.arange(n_p)
    project_node = 1 + n_p + np.arange(n_j)
    supply = int(c.sum())

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(n_p, source), partner_node, c, np.zeros(n_p, dtype=np.int64)
    )
    first_pair_arc = n_p
    flow.add_arcs_with_capacity_and_unit_cost(
        partner_node[rows], project_node[cols], np.ones(len(rows), dtype=np.int64), -units(scores)
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        project_node, np.full(n_j, sink), m, np.zeros(n_j, dtype=np.int64)
    )
    flow.add_arc_with_capacity_and_unit_cost(source, sink, supply, 0)
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not solve: status {status}")

    pair_arcs = first_pair_arc + np.arange(len(rows))
    chosen = flow.flows(pair_arcs) > 0 if len(rows) else np.zeros(0, dtype=bool)
    matches = matches_for_pairs(market, rows[chosen], cols[chosen])
    return sorted(matches, key=lambda x: (x.partner, -x.score, x.project))


def greedy_introductions(
    market: Market,
    *,
    partner_capacity: int | Sequence[int],
    project_capacity: int | Sequence[int],
    min_score: float = 0.0,
) -> list[Match]:
    """The obvious baseline: take pairs best first while both sides have room. Not optimal —
    a partner's second choice may be the only fit of a project someone took greedily."""
    c = _capacities(partner_capacity, market.n_partners, "partner_capacity")
    m = _capacities(project_capacity, market.n_projects, "project_capacity")
    rows, cols, scores = _eligible_edges(market, min_score)
    order = np.lexsort((cols, rows, -scores))
    left_p, left_j = c.copy(), m.copy()
    chosen = []
    for i in order:
        p, j = rows[i], cols[i]
        if left_p[p] and left_j[j]:
            left_p[p] -= 1
            left_j[j] -= 1
            chosen.append(i)
    idx = np.array(chosen, dtype=np.int64)
    matches = matches_for_pairs(market, rows[idx], cols[idx])
    return sorted(matches, key=lambda x: (x.partner, -x.score, x.project))
