"""An assignment instance, its result and its infeasibility, and the validated arrays the
solver works on."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

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
class Prepared:
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


def keys_of_pairs(pairs: np.ndarray, n_judges: int) -> np.ndarray:
    return pairs[:, 0] * n_judges + pairs[:, 1]


def member(keys: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """``np.isin(keys, pool)`` by binary search; numpy's hash-based isin is slower here."""
    pool = np.sort(pool)
    if pool.size == 0:
        return np.zeros(keys.shape, dtype=bool)
    position = np.minimum(np.searchsorted(pool, keys), pool.size - 1)
    return pool[position] == keys


def pair_list(keys: np.ndarray, n_judges: int) -> list[tuple[int, int]]:
    return [(int(k // n_judges), int(k % n_judges)) for k in keys[:DETAIL_LIMIT]]


def named(indices: np.ndarray) -> str:
    shown = ", ".join(str(int(i)) for i in indices[:5])
    return shown + (f" and {len(indices) - 5} more" if len(indices) > 5 else "")
