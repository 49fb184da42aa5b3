"""Keeping the judge–entry graph connected, so every score can be calibrated against the
others."""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from aileague.judging.methods.assignment.flow import solve_flow
from aileague.judging.methods.assignment.problem import REPAIR_ROUNDS, Prepared


def _labels(n_entries: int, n_judges: int, entry, judge) -> tuple[int, np.ndarray, np.ndarray]:
    """Components over nodes with an edge: (count, labels of all nodes, used-node mask)."""
    n = n_entries + n_judges
    graph = coo_matrix((np.ones(entry.size, np.int8), (entry, judge + n_entries)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    used = np.zeros(n, dtype=bool)
    used[entry] = True
    used[judge + n_entries] = True
    return int(np.unique(labels[used]).size), labels, used


def count_components(prep: Prepared, chosen: np.ndarray) -> int:
    return _labels(prep.n_entries, prep.n_judges, *pairs_chosen(prep, chosen))[0]


def repair_connectivity(
    prep: Prepared, chosen: np.ndarray, components: int, weight: float
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
        labels, used = _labels(n_e, n_j, *pairs_chosen(prep, chosen))[1:]
        if components <= np.unique(candidate_labels[used]).size:
            break
        bridges = _bridges(prep, chosen, labels, used)
        if bridges.size == 0:  # the components meet only through judges without reviews
            break
        bonus = np.zeros(prep.edge_affinity.size)
        bonus[bridges] = weight * (span or 1.0) * 4**round_
        candidate = solve_flow(prep, prep.edge_affinity + bonus)
        count = count_components(prep, candidate)
        if count < components:
            chosen, components = candidate, count
    return chosen, components


def pairs_chosen(prep: Prepared, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.concatenate([prep.fixed_entry, prep.edge_entry[chosen]]),
        np.concatenate([prep.fixed_judge, prep.edge_judge[chosen]]),
    )


def _bridges(prep: Prepared, chosen, labels, used) -> np.ndarray:
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
