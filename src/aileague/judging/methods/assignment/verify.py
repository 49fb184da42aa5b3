"""An independent check of a result against its instance: it recomputes every count from the
instance and the result's pairs, without the solver's code, so a solver bug cannot hide itself."""

from __future__ import annotations

import numpy as np

from aileague.judging.methods.assignment.problem import (
    AssignmentProblem,
    AssignmentResult,
    keys_of_pairs,
    member,
)


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
            else keys_of_pairs(np.asarray(pairs, dtype=np.int64).reshape(-1, 2), n_j)
        )

    cand = np.asarray(problem.cand_entry, np.int64) * n_j + np.asarray(problem.cand_judge)
    fixed = np.concatenate([pair_keys(problem.pinned), pair_keys(problem.existing)])
    allowed = np.concatenate([cand, fixed])
    problems += [
        f"pair (entry {k // n_j}, judge {k % n_j}) is not a candidate"
        for k in unique[~member(unique, allowed)]
    ]
    problems += [
        f"pair (entry {k // n_j}, judge {k % n_j}) is forbidden"
        for k in unique[member(unique, pair_keys(problem.forbidden))]
    ]
    problems += [
        f"pinned or existing pair (entry {k // n_j}, judge {k % n_j}) is missing"
        for k in np.unique(fixed[~member(fixed, unique)])
    ]
    return problems
