"""The min-cost flow itself (OR-Tools), and naming what to relax when it has no solution."""

from __future__ import annotations

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

from aileague.judging.methods.assignment.problem import (
    AFFINITY_STEPS,
    DETAIL_LIMIT,
    InfeasibleAssignment,
    Prepared,
    named,
)


def _integer_costs(affinity: np.ndarray) -> np.ndarray:
    """Non-negative integer costs, lowest for the highest affinity.

    Every unit of flow crosses exactly one entry→judge arc, so shifting all costs by a constant
    changes the objective by a constant and keeps the optimum.
    """
    if affinity.size == 0:
        return np.zeros(0, dtype=np.int64)
    high, span = affinity.max(), np.ptp(affinity)
    if span == 0:
        return np.zeros(affinity.size, dtype=np.int64)
    return np.rint((high - affinity) * (AFFINITY_STEPS / span)).astype(np.int64)


def solve_flow(prep: Prepared, affinity: np.ndarray) -> np.ndarray:
    """The chosen free edges (boolean mask) of a min-cost flow honouring every bound."""
    n_e, n_j = prep.n_entries, prep.n_judges
    need, fixed_load = prep.need, prep.fixed_load
    min_rem = np.maximum(prep.min_load - fixed_load, 0)
    max_rem = prep.max_load - fixed_load
    sink = n_e + n_j
    judges = np.arange(n_e, n_e + n_j, dtype=np.int32)
    flow = SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([prep.edge_entry.astype(np.int32), judges]),
        np.concatenate(
            [(prep.edge_judge + n_e).astype(np.int32), np.full(n_j, sink, dtype=np.int32)]
        ),
        np.concatenate([np.ones(prep.edge_entry.size, np.int64), max_rem - min_rem]),
        np.concatenate([_integer_costs(affinity), np.zeros(n_j, np.int64)]),
    )
    supplies = np.concatenate([need, -min_rem, [min_rem.sum() - need.sum()]]).astype(np.int64)
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        _explain_infeasible(prep, status)
    return flow.flows(np.arange(prep.edge_entry.size, dtype=np.int32)) > 0


def _explain_infeasible(prep: Prepared, status) -> None:
    """Name the constraint behind an infeasible flow, from a diagnostic max-flow.

    The diagnostic network drops the minimum loads to preferences (arcs of cost -1 up to each
    judge's minimum): its maximum flow shows which entries cannot be served within the maximum
    loads, and among maximum flows the cheapest shows which judges cannot reach their minimum.
    """
    n_e, n_j = prep.n_entries, prep.n_judges
    need, fixed_load = prep.need, prep.fixed_load
    min_rem = np.maximum(prep.min_load - fixed_load, 0)
    max_rem = prep.max_load - fixed_load
    sink, n_edges = n_e + n_j, prep.edge_entry.size
    judges = np.arange(n_e, n_e + n_j, dtype=np.int32)
    flow = SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([prep.edge_entry.astype(np.int32), judges, judges]),
        np.concatenate(
            [(prep.edge_judge + n_e).astype(np.int32), np.full(2 * n_j, sink, dtype=np.int32)]
        ),
        np.concatenate([np.ones(n_edges, np.int64), min_rem, max_rem - min_rem]),
        np.concatenate(
            [np.zeros(n_edges, np.int64), np.full(n_j, -1, np.int64), np.zeros(n_j, np.int64)]
        ),
    )
    supplies = np.concatenate([need, np.zeros(n_j), [-need.sum()]]).astype(np.int64)
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    flow.solve_max_flow_with_min_cost()
    served = np.bincount(
        prep.edge_entry, weights=flow.flows(np.arange(n_edges, dtype=np.int32)), minlength=n_e
    )
    short = np.flatnonzero(served < need)
    if short.size:
        missing = int((need - served)[short].sum())
        raise InfeasibleAssignment(
            "judge_capacity",
            "max_load",
            f"Entries {named(short)} cannot get all their reviews: their eligible judges reach "
            f"their maximum load ({missing} reviews missing). Raise those judges' maximum "
            "loads, add judges with matching expertise, or lower reviews per entry.",
            {"entries": short[:DETAIL_LIMIT].tolist(), "missing": missing},
        )
    must = flow.flows(np.arange(n_edges, n_edges + n_j, dtype=np.int32))
    below = np.flatnonzero(must < min_rem)
    if below.size:
        raise InfeasibleAssignment(
            "min_load",
            "min_load",
            f"Judges {named(below)} cannot reach their minimum load with the reviews the "
            "entries need: lower their minimum loads or widen their expertise.",
            {
                "judges": below[:DETAIL_LIMIT].tolist(),
                "missing": int((min_rem - must)[below].sum()),
            },
        )
    raise InfeasibleAssignment(
        "solver_failed",
        "reviews_per_entry",
        f"The assignment solver stopped with status {status}: check the inputs.",
        {"status": str(status)},
    )
