"""Validating an instance and reporting obvious infeasibility before any flow is solved."""

from __future__ import annotations

import numpy as np

from aileague.judging.methods.assignment.problem import (
    DETAIL_LIMIT,
    AssignmentProblem,
    InfeasibleAssignment,
    Prepared,
    keys_of_pairs,
    member,
    named,
    pair_list,
)


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


def prepare(problem: AssignmentProblem) -> Prepared:
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
    forbidden_keys = np.unique(keys_of_pairs(_pairs(problem.forbidden, problem, "forbidden"), n_j))
    pinned_keys = np.unique(keys_of_pairs(pinned, n_j))
    fixed_keys = np.union1d(pinned_keys, keys_of_pairs(existing, n_j))
    _check_fixed_not_forbidden(
        pinned_keys, np.unique(keys_of_pairs(existing, n_j)), forbidden_keys, n_j
    )

    free = ~member(cand_keys, forbidden_keys) & ~member(cand_keys, fixed_keys)
    return Prepared(
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


def _check_fixed_not_forbidden(pinned_keys, existing_keys, forbidden_keys, n_judges) -> None:
    clash = pinned_keys[member(pinned_keys, forbidden_keys)]
    if clash.size:
        e, j = clash[0] // n_judges, clash[0] % n_judges
        raise InfeasibleAssignment(
            "pinned_conflict",
            "pinned",
            f"Entry {e} and judge {j} are both pinned and forbidden: unpin the pair or lift "
            "the ban.",
            {"pairs": pair_list(clash, n_judges)},
        )
    clash = existing_keys[member(existing_keys, forbidden_keys)]
    if clash.size:
        e, j = clash[0] // n_judges, clash[0] % n_judges
        raise InfeasibleAssignment(
            "existing_conflict",
            "forbidden",
            f"Judge {j} already has a review of entry {e}, which is now forbidden: withdraw "
            "that review or lift the ban.",
            {"pairs": pair_list(clash, n_judges)},
        )


def check_obvious(prep: Prepared) -> None:
    """Raise on infeasibility that simple counting shows, naming the entries or judges."""
    need, fixed_load = prep.need, prep.fixed_load
    _check_fixed_fit(prep, need, fixed_load)
    low = np.flatnonzero(prep.min_load > prep.max_load)
    if low.size:
        raise InfeasibleAssignment(
            "min_load",
            "min_load",
            f"Judges {named(low)} have a minimum load above their maximum load: lower the "
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


def _check_fixed_fit(prep: Prepared, need: np.ndarray, fixed_load: np.ndarray) -> None:
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
