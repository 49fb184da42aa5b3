"""``solve_assignment``: prepare, solve the flow, repair connectivity, report."""

from __future__ import annotations

import time

import numpy as np

from aileague.judging.methods.assignment.connectivity import (
    count_components,
    pairs_chosen,
    repair_connectivity,
)
from aileague.judging.methods.assignment.flow import solve_flow
from aileague.judging.methods.assignment.prepare import check_obvious, prepare
from aileague.judging.methods.assignment.problem import (
    AssignmentProblem,
    AssignmentResult,
)


def solve_assignment(problem: AssignmentProblem) -> AssignmentResult:
    """Assign judges to entries with maximum total affinity.

    Obvious infeasibility is reported before solving, with the entries or judges at fault. When
    the optimum splits the judge–entry graph into several components (scores in different
    components cannot be calibrated against each other), candidate pairs that join two
    components get an affinity bonus and the flow is solved again: for each stray component, the
    best candidate pair between it and the largest component gets ``connectivity_weight`` times
    the affinity span, growing fourfold each round for up to ``REPAIR_ROUNDS`` rounds. The result
    with the fewest components is kept (on a tie, the earlier, which has the higher affinity).
    A bridge whose cheapest rearrangement costs more than the last bonus is not made, so a
    split may remain; ``components`` reports it.

    Raises
    ------
    InfeasibleAssignment
        With a code, the constraint to relax, and a message naming the entries or judges.
    ValueError
        On malformed input (indices out of range, mismatched lengths, NaN affinity).

    Examples
    --------
    >>> p = AssignmentProblem(2, 2, 1, 0, 1, np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]),
    ...                       np.array([1.0, 0.0, 5.0, 1.0]))
    >>> r = solve_assignment(p)
    >>> r.entry.tolist(), r.judge.tolist(), r.total_affinity
    ([0, 1], [1, 0], 5.0)
    """
    started = time.perf_counter()
    prep = prepare(problem)
    check_obvious(prep)
    chosen = solve_flow(prep, prep.edge_affinity)
    components = count_components(prep, chosen)
    if components > 1 and problem.connectivity_weight > 0:
        chosen, components = repair_connectivity(
            prep, chosen, components, problem.connectivity_weight
        )
    entry, judge = pairs_chosen(prep, chosen)
    order = np.lexsort((judge, entry))
    entry, judge = entry[order], judge[order]
    return AssignmentResult(
        entry=entry,
        judge=judge,
        total_affinity=_affinity_of(
            prep.cand_keys, prep.cand_affinity, entry, judge, prep.n_judges
        ),
        loads=np.bincount(judge, minlength=prep.n_judges),
        solve_seconds=time.perf_counter() - started,
        components=components,
    )


def _affinity_of(cand_keys, cand_affinity, entry, judge, n_judges) -> float:
    keys = entry.astype(np.int64) * n_judges + judge
    position = np.clip(np.searchsorted(cand_keys, keys), 0, max(cand_keys.size - 1, 0))
    hit = cand_keys[position] == keys if cand_keys.size else np.zeros(keys.size, bool)
    return float(cand_affinity[position[hit]].sum()) if hit.any() else 0.0
