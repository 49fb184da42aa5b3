"""Reviewer assignment: which judge reviews which entry, solved as a min-cost flow.

Each entry needs ``R`` reviews, each judge's load stays within ``[min_load, max_load]``, only
candidate pairs (the caller leaves conflicts out), pinned and existing pairs are kept, and the sum
of affinities is as high as possible. The flow network is::

    entry e  --(capacity 1, cost -affinity)-->  judge j  --(capacity max - min, cost 0)-->  sink
    supply: need_e = R_e - fixed_e             demand: min_j - fixed_j          demand: the rest

Minimum loads are node demands on the judges rather than arcs with a large negative cost: the
solver then either honours them exactly or reports the instance infeasible, never a flow that
quietly misses one. On infeasibility a second, diagnostic max-flow names what to relax.

Only numpy, scipy and OR-Tools are imported: the Django service layer builds the arrays.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

# Integer cost steps across the affinity range: the solver's answer is within
# ``reviews * span / AFFINITY_STEPS`` of the true optimum.
AFFINITY_STEPS = 1_000_000
# Connectivity repair re-solves at most this many times, the bonus growing fourfold each time
# (with the default weight it passes the whole affinity span in the third round).
REPAIR_ROUNDS = 4
# Index lists in error details are cut to this length.
DETAIL_LIMIT = 20


@dataclass(frozen=True)
class AssignmentProblem:
    """One assignment instance, as arrays over entry indices ``0..n_entries-1`` and judge
    indices ``0..n_judges-1``.

    Attributes
    ----------
    reviews_per_entry, min_load, max_load : int or array of int
        ``R`` per entry; load bounds per judge. Existing and pinned pairs count toward both.
    cand_entry, cand_judge, cand_affinity : array
        Candidate pairs and their affinity (higher is better). Conflicts are simply absent.
    pinned : array of shape (k, 2), optional
        ``(entry, judge)`` pairs that must be assigned, candidates or not.
    existing : array of shape (k, 2), optional
        Pairs with started or finished reviews: kept as they are.
    forbidden : array of shape (k, 2), optional
        Pairs never to assign.
    connectivity_weight : float
        Affinity bonus, as a fraction of the affinity span, for candidate pairs that would join
        two components of the judge–entry graph when the optimum leaves it split (0 disables the
        repair). See :func:`solve_assignment`.
    """

    n_entries: int
    n_judges: int
    reviews_per_entry: np.ndarray | int
    min_load: np.ndarray | int
    max_load: np.ndarray | int
    cand_entry: np.ndarray
    cand_judge: np.ndarray
    cand_affinity: np.ndarray
    pinned: np.ndarray | None = None
    existing: np.ndarray | None = None
    forbidden: np.ndarray | None = None
    connectivity_weight: float = 0.1


@dataclass
class AssignmentResult:
    """The assigned pairs (existing and pinned included) and figures about them.

    ``total_affinity`` sums the candidate affinity of every assigned pair (0 for a pinned or
    existing pair that is not a candidate). ``components`` counts connected components of the
    judge–entry graph over judges with at least one review.
    """

    entry: np.ndarray
    judge: np.ndarray
    total_affinity: float
    loads: np.ndarray
    solve_seconds: float
    components: int


class InfeasibleAssignment(Exception):
    """No assignment satisfies the constraints.

    Attributes
    ----------
    code : str
        Stable code: ``too_few_candidates``, ``judge_capacity``, ``min_load``,
        ``pinned_conflict``, ``existing_conflict``.
    constraint : str
        What to relax: ``reviews_per_entry``, ``max_load``, ``min_load``, ``pinned``,
        ``forbidden``.
    details : dict
        Figures for a translated message: indices (at most 20), counts.
    """

    def __init__(self, code: str, constraint: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.code = code
        self.constraint = constraint
        self.details = details or {}


@dataclass
class _Prepared:
    """Validated arrays: fixed pairs set aside, free candidate edges deduplicated."""

    n_entries: int
    n_judges: int
    reviews: np.ndarray
    min_load: np.ndarray
    max_load: np.ndarray
    fixed_entry: np.ndarray
    fixed_judge: np.ndarray
    pinned_keys: np.ndarray
    edge_entry: np.ndarray
    edge_judge: np.ndarray
    edge_affinity: np.ndarray
    cand_keys: np.ndarray = field(repr=False)
    cand_affinity: np.ndarray = field(repr=False)

    @property
    def need(self) -> np.ndarray:
        return self.reviews - np.bincount(self.fixed_entry, minlength=self.n_entries)

    @property
    def fixed_load(self) -> np.ndarray:
        return np.bincount(self.fixed_judge, minlength=self.n_judges)


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
    prep = _prepare(problem)
    _check_obvious(prep)
    chosen = _solve_flow(prep, prep.edge_affinity)
    components = _components(prep, chosen)
    if components > 1 and problem.connectivity_weight > 0:
        chosen, components = _repair_connectivity(
            prep, chosen, components, problem.connectivity_weight
        )
    entry, judge = _pairs_chosen(prep, chosen)
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


# --- Preparation and obvious infeasibility -------------------------------------------------------


def _per_item(value: np.ndarray | int, n: int, name: str) -> np.ndarray:
    array = np.broadcast_to(np.asarray(value, dtype=np.int64), (n,)).copy()
    if (array < 0).any():
        raise ValueError(f"{name} must not be negative")
    return array


def _pairs(value: np.ndarray | None, problem: AssignmentProblem, name: str) -> np.ndarray:
    if value is None:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.asarray(value, dtype=np.int64).reshape(-1, 2)
    _check_range(pairs[:, 0], pairs[:, 1], problem, name)
    return pairs


def _check_range(entry, judge, problem: AssignmentProblem, name: str) -> None:
    if entry.size and (entry.min() < 0 or entry.max() >= problem.n_entries):
        raise ValueError(f"{name}: entry index out of range")
    if judge.size and (judge.min() < 0 or judge.max() >= problem.n_judges):
        raise ValueError(f"{name}: judge index out of range")


def _prepare(problem: AssignmentProblem) -> _Prepared:
    n_e, n_j = problem.n_entries, problem.n_judges
    entry = np.asarray(problem.cand_entry, dtype=np.int64)
    judge = np.asarray(problem.cand_judge, dtype=np.int64)
    affinity = np.asarray(problem.cand_affinity, dtype=np.float64)
    if not entry.shape == judge.shape == affinity.shape or entry.ndim != 1:
        raise ValueError("cand_entry, cand_judge and cand_affinity must be 1-d of equal length")
    if not np.isfinite(affinity).all():
        raise ValueError("cand_affinity must be finite")
    _check_range(entry, judge, problem, "candidates")
    # Deduplicate candidates, keeping each pair's highest affinity.
    keys = entry * n_j + judge
    order = np.lexsort((-affinity, keys))
    cand_keys, first = np.unique(keys[order], return_index=True)
    cand_affinity = affinity[order][first]

    pinned = _pairs(problem.pinned, problem, "pinned")
    existing = _pairs(problem.existing, problem, "existing")
    forbidden_keys = np.unique(_keys(_pairs(problem.forbidden, problem, "forbidden"), n_j))
    pinned_keys = np.unique(_keys(pinned, n_j))
    fixed_keys = np.union1d(pinned_keys, _keys(existing, n_j))
    _check_fixed_not_forbidden(pinned_keys, np.unique(_keys(existing, n_j)), forbidden_keys, n_j)

    free = ~_member(cand_keys, forbidden_keys) & ~_member(cand_keys, fixed_keys)
    return _Prepared(
        n_entries=n_e,
        n_judges=n_j,
        reviews=_per_item(problem.reviews_per_entry, n_e, "reviews_per_entry"),
        min_load=_per_item(problem.min_load, n_j, "min_load"),
        max_load=_per_item(problem.max_load, n_j, "max_load"),
        fixed_entry=fixed_keys // n_j,
        fixed_judge=fixed_keys % n_j,
        pinned_keys=pinned_keys,
        edge_entry=cand_keys[free] // n_j,
        edge_judge=cand_keys[free] % n_j,
        edge_affinity=cand_affinity[free],
        cand_keys=cand_keys,
        cand_affinity=cand_affinity,
    )


def _member(keys: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """``np.isin(keys, pool)`` by binary search; numpy's hash-based isin is slower here."""
    pool = np.sort(pool)
    if pool.size == 0:
        return np.zeros(keys.shape, dtype=bool)
    position = np.minimum(np.searchsorted(pool, keys), pool.size - 1)
    return pool[position] == keys


def _keys(pairs: np.ndarray, n_judges: int) -> np.ndarray:
    return pairs[:, 0] * n_judges + pairs[:, 1]


def _pair_list(keys: np.ndarray, n_judges: int) -> list[tuple[int, int]]:
    return [(int(k // n_judges), int(k % n_judges)) for k in keys[:DETAIL_LIMIT]]


def _named(indices: np.ndarray) -> str:
    shown = ", ".join(str(int(i)) for i in indices[:5])
    return shown + (f" and {len(indices) - 5} more" if len(indices) > 5 else "")


def _check_fixed_not_forbidden(pinned_keys, existing_keys, forbidden_keys, n_judges) -> None:
    clash = pinned_keys[_member(pinned_keys, forbidden_keys)]
    if clash.size:
        e, j = clash[0] // n_judges, clash[0] % n_judges
        raise InfeasibleAssignment(
            "pinned_conflict",
            "pinned",
            f"Entry {e} and judge {j} are both pinned and forbidden: unpin the pair or lift "
            "the ban.",
            {"pairs": _pair_list(clash, n_judges)},
        )
    clash = existing_keys[_member(existing_keys, forbidden_keys)]
    if clash.size:
        e, j = clash[0] // n_judges, clash[0] % n_judges
        raise InfeasibleAssignment(
            "existing_conflict",
            "forbidden",
            f"Judge {j} already has a review of entry {e}, which is now forbidden: withdraw "
            "that review or lift the ban.",
            {"pairs": _pair_list(clash, n_judges)},
        )


def _check_obvious(prep: _Prepared) -> None:
    """Raise on infeasibility that simple counting shows, naming the entries or judges."""
    need, fixed_load = prep.need, prep.fixed_load
    _check_fixed_fit(prep, need, fixed_load)
    low = np.flatnonzero(prep.min_load > prep.max_load)
    if low.size:
        raise InfeasibleAssignment(
            "min_load",
            "min_load",
            f"Judges {_named(low)} have a minimum load above their maximum load: lower the "
            "minimum or raise the maximum.",
            {"judges": low[:DETAIL_LIMIT].tolist()},
        )
    degree = np.bincount(prep.edge_entry, minlength=prep.n_entries)
    short = np.flatnonzero(degree < need)
    if short.size:
        e = short[0]
        raise InfeasibleAssignment(
            "too_few_candidates",
            "reviews_per_entry",
            f"Entry {e} has only {degree[e]} eligible judges but needs {need[e]} more reviews"
            + (f" ({short.size} entries are short)" if short.size > 1 else "")
            + ": add judges with matching expertise or lower reviews per entry.",
            {
                "entries": short[:DETAIL_LIMIT].tolist(),
                "eligible": int(degree[e]),
                "needed": int(need[e]),
                "count": int(short.size),
            },
        )
    max_rem = prep.max_load - fixed_load
    min_rem = np.maximum(prep.min_load - fixed_load, 0)
    total = int(need.sum())
    if int(max_rem.sum()) < total:
        raise InfeasibleAssignment(
            "judge_capacity",
            "max_load",
            f"The entries need {total} more reviews but the judges can take only "
            f"{int(max_rem.sum())} more: raise maximum loads, add judges or lower reviews per "
            "entry.",
            {"needed": total, "capacity": int(max_rem.sum())},
        )
    if int(min_rem.sum()) > total:
        raise InfeasibleAssignment(
            "min_load",
            "min_load",
            f"The judges' minimum loads call for {int(min_rem.sum())} more reviews but the "
            f"entries need only {total}: lower minimum loads or raise reviews per entry.",
            {"needed": total, "minimum": int(min_rem.sum())},
        )
    judge_degree = np.bincount(prep.edge_judge, minlength=prep.n_judges)
    starved = np.flatnonzero(judge_degree < min_rem)
    if starved.size:
        j = starved[0]
        raise InfeasibleAssignment(
            "min_load",
            "min_load",
            f"Judge {j} can review only {judge_degree[j]} more entries but the minimum load asks "
            f"for {min_rem[j]} more: lower the minimum load or widen the judge's expertise.",
            {
                "judges": starved[:DETAIL_LIMIT].tolist(),
                "eligible": int(judge_degree[j]),
                "minimum": int(min_rem[j]),
            },
        )


def _check_fixed_fit(prep: _Prepared, need: np.ndarray, fixed_load: np.ndarray) -> None:
    over = np.flatnonzero(need < 0)
    if over.size:
        e = over[0]
        raise InfeasibleAssignment(
            "pinned_conflict",
            "reviews_per_entry",
            f"Entry {e} has {prep.reviews[e] - need[e]} pinned or existing reviews but needs "
            f"only {prep.reviews[e]}: unpin a judge or raise reviews per entry.",
            {"entries": over[:DETAIL_LIMIT].tolist()},
        )
    over = np.flatnonzero(fixed_load > prep.max_load)
    if over.size:
        j = over[0]
        raise InfeasibleAssignment(
            "pinned_conflict",
            "max_load",
            f"Judge {j} has {fixed_load[j]} pinned or existing reviews, above the maximum load "
            f"of {prep.max_load[j]}: unpin an entry or raise the judge's maximum load.",
            {"judges": over[:DETAIL_LIMIT].tolist()},
        )


# --- The flow ------------------------------------------------------------------------------------


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


def _solve_flow(prep: _Prepared, affinity: np.ndarray) -> np.ndarray:
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


def _explain_infeasible(prep: _Prepared, status) -> None:
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
            f"Entries {_named(short)} cannot get all their reviews: their eligible judges reach "
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
            f"Judges {_named(below)} cannot reach their minimum load with the reviews the "
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


# --- Connectivity --------------------------------------------------------------------------------


def _labels(n_entries: int, n_judges: int, entry, judge) -> tuple[int, np.ndarray, np.ndarray]:
    """Components over nodes with an edge: (count, labels of all nodes, used-node mask)."""
    n = n_entries + n_judges
    graph = coo_matrix((np.ones(entry.size, np.int8), (entry, judge + n_entries)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    used = np.zeros(n, dtype=bool)
    used[entry] = True
    used[judge + n_entries] = True
    return int(np.unique(labels[used]).size), labels, used


def _components(prep: _Prepared, chosen: np.ndarray) -> int:
    return _labels(prep.n_entries, prep.n_judges, *_pairs_chosen(prep, chosen))[0]


def _repair_connectivity(
    prep: _Prepared, chosen: np.ndarray, components: int, weight: float
) -> tuple[np.ndarray, int]:
    """Re-solve with a bonus on one bridge per stray component; keep the least split result.

    Each round takes the largest component as the core and, for every other component, the
    free candidate pair with the highest affinity between it and the core. Only those pairs get
    the bonus: a bonus on every joining pair would let the solver trade whole blocks across and
    stay split. The solver then keeps each bridge at the cheapest rearrangement of the rest.
    """
    n_e, n_j = prep.n_entries, prep.n_judges
    all_entry = np.concatenate([prep.fixed_entry, prep.edge_entry])
    all_judge = np.concatenate([prep.fixed_judge, prep.edge_judge])
    # No assignment can join nodes that the candidate graph keeps apart.
    _, candidate_labels, _ = _labels(n_e, n_j, all_entry, all_judge)
    span = float(np.ptp(prep.edge_affinity)) if prep.edge_affinity.size else 0.0
    for round_ in range(REPAIR_ROUNDS):
        labels, used = _labels(n_e, n_j, *_pairs_chosen(prep, chosen))[1:]
        if components <= np.unique(candidate_labels[used]).size:
            break
        bridges = _bridges(prep, chosen, labels, used)
        if bridges.size == 0:  # the components meet only through judges without reviews
            break
        bonus = np.zeros(prep.edge_affinity.size)
        bonus[bridges] = weight * (span or 1.0) * 4**round_
        candidate = _solve_flow(prep, prep.edge_affinity + bonus)
        count = _components(prep, candidate)
        if count < components:
            chosen, components = candidate, count
    return chosen, components


def _pairs_chosen(prep: _Prepared, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.concatenate([prep.fixed_entry, prep.edge_entry[chosen]]),
        np.concatenate([prep.fixed_judge, prep.edge_judge[chosen]]),
    )


def _bridges(prep: _Prepared, chosen, labels, used) -> np.ndarray:
    """Indices of free edges: the best one between the largest component and each other."""
    core = np.bincount(labels[used]).argmax()
    entry_label = labels[prep.edge_entry]
    judge_label = labels[prep.edge_judge + prep.n_entries]
    joining = np.flatnonzero(
        ~chosen
        & used[prep.edge_judge + prep.n_entries]
        & (entry_label != judge_label)
        & ((entry_label == core) | (judge_label == core))
    )
    other = np.where(entry_label == core, judge_label, entry_label)[joining]
    order = np.lexsort((-prep.edge_affinity[joining], other))
    _, first = np.unique(other[order], return_index=True)
    return joining[order][first]


# --- Verification and affinity -------------------------------------------------------------------


def _affinity_of(cand_keys, cand_affinity, entry, judge, n_judges) -> float:
    keys = entry.astype(np.int64) * n_judges + judge
    position = np.clip(np.searchsorted(cand_keys, keys), 0, max(cand_keys.size - 1, 0))
    hit = cand_keys[position] == keys if cand_keys.size else np.zeros(keys.size, bool)
    return float(cand_affinity[position[hit]].sum()) if hit.any() else 0.0


def check_assignment(problem: AssignmentProblem, result: AssignmentResult) -> list[str]:
    """Every constraint the result violates, in English (empty when all hold).

    Independent of the solver: it recomputes counts from ``problem`` and the result's pairs.
    """
    n_e, n_j = problem.n_entries, problem.n_judges
    entry = np.asarray(result.entry, dtype=np.int64)
    judge = np.asarray(result.judge, dtype=np.int64)
    if entry.shape != judge.shape:
        return ["result.entry and result.judge differ in length"]
    if ((entry < 0) | (entry >= n_e) | (judge < 0) | (judge >= n_j)).any():
        return ["an assigned pair has an index out of range"]
    problems: list[str] = []
    keys = entry * n_j + judge
    unique, counts = np.unique(keys, return_counts=True)
    problems += [
        f"pair (entry {k // n_j}, judge {k % n_j}) is assigned {c} times"
        for k, c in zip(unique[counts > 1], counts[counts > 1], strict=True)
    ]
    reviews = np.broadcast_to(np.asarray(problem.reviews_per_entry), (n_e,))
    got = np.bincount(entry, minlength=n_e)
    problems += [
        f"entry {e} has {got[e]} reviews, needs {reviews[e]}"
        for e in np.flatnonzero(got != reviews)
    ]
    loads = np.bincount(judge, minlength=n_j)
    low = np.broadcast_to(np.asarray(problem.min_load), (n_j,))
    high = np.broadcast_to(np.asarray(problem.max_load), (n_j,))
    problems += [
        f"judge {j} has load {loads[j]}, outside [{low[j]}, {high[j]}]"
        for j in np.flatnonzero((loads < low) | (loads > high))
    ]
    if not np.array_equal(np.asarray(result.loads), loads):
        problems.append("result.loads does not match the assigned pairs")

    def pair_keys(pairs) -> np.ndarray:
        return (
            np.empty(0, np.int64)
            if pairs is None
            else _keys(np.asarray(pairs, dtype=np.int64).reshape(-1, 2), n_j)
        )

    cand = np.asarray(problem.cand_entry, np.int64) * n_j + np.asarray(problem.cand_judge)
    fixed = np.concatenate([pair_keys(problem.pinned), pair_keys(problem.existing)])
    allowed = np.concatenate([cand, fixed])
    problems += [
        f"pair (entry {k // n_j}, judge {k % n_j}) is not a candidate"
        for k in unique[~_member(unique, allowed)]
    ]
    problems += [
        f"pair (entry {k // n_j}, judge {k % n_j}) is forbidden"
        for k in unique[_member(unique, pair_keys(problem.forbidden))]
    ]
    problems += [
        f"pinned or existing pair (entry {k // n_j}, judge {k % n_j}) is missing"
        for k in np.unique(fixed[~_member(fixed, unique)])
    ]
    return problems
