"""Reviewer assignment: optimal, within every constraint, and clear about what to relax."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aileague.judging.methods.affinity import affinity_from_tags, candidate_edges
from aileague.judging.methods.assignment import (
    AssignmentProblem,
    AssignmentResult,
    InfeasibleAssignment,
    check_assignment,
    solve_assignment,
)


def problem_from(
    affinity: dict[tuple[int, int], float], n_entries: int, n_judges: int, **kwargs
) -> AssignmentProblem:
    """A problem whose candidates are the keys of ``affinity``."""
    pairs = np.array(list(affinity), dtype=np.int32).reshape(-1, 2)
    return AssignmentProblem(
        n_entries=n_entries,
        n_judges=n_judges,
        reviews_per_entry=kwargs.pop("reviews", 1),
        min_load=kwargs.pop("min_load", 0),
        max_load=kwargs.pop("max_load", 10),
        cand_entry=pairs[:, 0],
        cand_judge=pairs[:, 1],
        cand_affinity=np.array(list(affinity.values()), dtype=float),
        **kwargs,
    )


def full(n_entries: int, n_judges: int, value: float = 1.0) -> dict[tuple[int, int], float]:
    return {(e, j): value for e in range(n_entries) for j in range(n_judges)}


def pairs_of(result: AssignmentResult) -> set[tuple[int, int]]:
    return set(zip(result.entry.tolist(), result.judge.tolist(), strict=True))


def raises_infeasible(problem: AssignmentProblem) -> InfeasibleAssignment:
    with pytest.raises(InfeasibleAssignment) as caught:
        solve_assignment(problem)
    return caught.value


# --- Optimality ----------------------------------------------------------------------------------


def test_solver_picks_the_crossed_pairs_when_they_sum_higher():
    problem = problem_from({(0, 0): 1.0, (0, 1): 0.0, (1, 0): 5.0, (1, 1): 1.0}, 2, 2, max_load=1)
    result = solve_assignment(problem)
    assert pairs_of(result) == {(0, 1), (1, 0)}
    assert result.total_affinity == 5.0
    assert result.loads.tolist() == [1, 1]
    assert check_assignment(problem, result) == []


@st.composite
def small_problems(draw) -> AssignmentProblem:
    n_e, n_j = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    pairs = [(e, j) for e in range(n_e) for j in range(n_j)]
    kinds = draw(st.lists(st.sampled_from("cccccpfex"), min_size=len(pairs), max_size=len(pairs)))
    affinity = {
        p: float(draw(st.integers(0, 5))) for p, k in zip(pairs, kinds, strict=True) if k in "cpe"
    }
    min_load = np.array(draw(st.lists(st.integers(0, 2), min_size=n_j, max_size=n_j)))
    extra = np.array(draw(st.lists(st.integers(0, 2), min_size=n_j, max_size=n_j)))
    chosen = {"p": "pinned", "f": "forbidden", "e": "existing"}
    fixed = {
        name: np.array(
            [p for p, k in zip(pairs, kinds, strict=True) if k == key], dtype=np.int64
        ).reshape(-1, 2)
        for key, name in chosen.items()
    }
    # Some pinned and existing pairs are not candidates: organisers may pin anyone.
    for name in ("pinned", "existing"):
        if draw(st.booleans()) and fixed[name].size:
            for pair in fixed[name][:1]:
                affinity.pop(tuple(pair.tolist()), None)
    return problem_from(
        affinity or {},
        n_e,
        n_j,
        reviews=np.array(draw(st.lists(st.integers(0, 2), min_size=n_e, max_size=n_e))),
        min_load=min_load,
        max_load=min_load + extra,
        connectivity_weight=0.0,
        **fixed,
    )


def brute_force_optimum(problem: AssignmentProblem) -> float | None:
    """The best total affinity over every subset of pairs, or None when none is feasible."""
    n_e, n_j = problem.n_entries, problem.n_judges
    affinity = dict(
        zip(
            zip(problem.cand_entry.tolist(), problem.cand_judge.tolist(), strict=True),
            problem.cand_affinity.tolist(),
            strict=True,
        )
    )
    best = None
    pairs = [(e, j) for e in range(n_e) for j in range(n_j)]
    for mask in itertools.product([False, True], repeat=len(pairs)):
        chosen = [p for p, keep in zip(pairs, mask, strict=True) if keep]
        result = AssignmentResult(
            entry=np.array([e for e, _ in chosen], dtype=np.int64),
            judge=np.array([j for _, j in chosen], dtype=np.int64),
            total_affinity=0.0,
            loads=np.bincount(np.array([j for _, j in chosen], dtype=np.int64), minlength=n_j),
            solve_seconds=0.0,
            components=0,
        )
        if check_assignment(problem, result) == []:
            total = sum(affinity.get(p, 0.0) for p in chosen)
            best = total if best is None else max(best, total)
    return best


@settings(max_examples=300, deadline=None)
@given(small_problems())
def test_solver_matches_brute_force_on_small_instances(problem):
    optimum = brute_force_optimum(problem)
    if optimum is None:
        raises_infeasible(problem)
        return
    result = solve_assignment(problem)
    assert check_assignment(problem, result) == []
    assert result.total_affinity == pytest.approx(optimum)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_random_medium_instances_satisfy_every_constraint(seed):
    rng = np.random.default_rng(seed)
    n_e, n_j = 60, 15
    affinity = {
        (e, int(j)): float(rng.random())
        for e in range(n_e)
        for j in rng.choice(n_j, 8, replace=False)
    }
    problem = problem_from(affinity, n_e, n_j, reviews=3, min_load=6, max_load=18)
    result = solve_assignment(problem)
    assert check_assignment(problem, result) == []
    assert result.entry.size == 180


def test_per_item_reviews_and_loads_are_honoured():
    problem = problem_from(
        full(3, 3),
        3,
        3,
        reviews=np.array([0, 1, 3]),
        min_load=np.array([2, 0, 0]),
        max_load=np.array([2, 1, 2]),
    )
    result = solve_assignment(problem)
    assert check_assignment(problem, result) == []
    assert np.bincount(result.entry, minlength=3).tolist() == [0, 1, 3]
    assert result.loads.tolist() == [2, 1, 1]


# --- Pinned, forbidden, existing, minimum loads --------------------------------------------------


def test_pinned_pair_is_assigned_even_against_affinity_and_outside_candidates():
    affinity = {(0, 0): 9.0, (0, 1): 0.0}
    problem = problem_from(affinity, 1, 3, reviews=2, pinned=np.array([[0, 2]]))
    result = solve_assignment(problem)
    assert pairs_of(result) == {(0, 0), (0, 2)}
    assert result.total_affinity == 9.0
    assert check_assignment(problem, result) == []


def test_forbidden_pair_is_never_assigned_though_it_is_the_best_candidate():
    problem = problem_from({(0, 0): 9.0, (0, 1): 0.0}, 1, 2, forbidden=np.array([[0, 0]]))
    result = solve_assignment(problem)
    assert pairs_of(result) == {(0, 1)}
    assert check_assignment(problem, result) == []


def test_minimum_load_sends_reviews_to_a_poorly_matched_judge():
    affinity = {(e, 0): 5.0 for e in range(4)} | {(e, 1): 0.0 for e in range(4)}
    problem = problem_from(affinity, 4, 2, min_load=np.array([0, 3]))
    result = solve_assignment(problem)
    assert result.loads.tolist() == [1, 3]
    assert result.total_affinity == 5.0
    assert check_assignment(problem, result) == []


def test_resolve_after_a_new_judge_and_a_late_conflict_keeps_finished_reviews():
    rng = np.random.default_rng(3)
    affinity = {(e, j): float(rng.random()) for e in range(20) for j in range(5)}
    first = problem_from(affinity, 20, 5, reviews=2, min_load=4, max_load=10)
    before = solve_assignment(first)
    finished = np.column_stack([before.entry, before.judge])[::3]
    late_conflict = tuple(np.column_stack([before.entry, before.judge])[1].tolist())
    # Judge 5 joins, matching everything better than anyone; one unfinished pair turns out
    # to be a conflict and leaves the candidates.
    later = {p: a for p, a in affinity.items() if p != late_conflict}
    later |= {(e, 5): 2.0 for e in range(20)}
    second = problem_from(
        later,
        20,
        6,
        reviews=2,
        min_load=np.array([4] * 5 + [0]),
        max_load=10,
        existing=finished,
        forbidden=np.array([late_conflict]),
    )
    after = solve_assignment(second)
    assert check_assignment(second, after) == []
    assert {tuple(p) for p in finished.tolist()} <= pairs_of(after)
    assert late_conflict not in pairs_of(after)
    assert after.loads[5] == 10


def test_existing_pairs_count_toward_reviews_and_load():
    problem = problem_from(full(2, 2), 2, 2, reviews=1, max_load=1, existing=np.array([[0, 0]]))
    result = solve_assignment(problem)
    assert pairs_of(result) == {(0, 0), (1, 1)}


# --- Infeasible instances name the constraint ----------------------------------------------------


def test_entry_with_too_few_eligible_judges_names_reviews_per_entry():
    affinity = full(3, 3) | {}
    del affinity[(1, 0)], affinity[(1, 1)]
    error = raises_infeasible(problem_from(affinity, 3, 3, reviews=2))
    assert (error.code, error.constraint) == ("too_few_candidates", "reviews_per_entry")
    assert error.details["entries"] == [1]
    assert str(error) == (
        "Entry 1 has only 1 eligible judges but needs 2 more reviews: add "
        "judges with matching expertise or lower reviews per entry."
    )


def test_total_capacity_below_demand_names_max_load():
    error = raises_infeasible(problem_from(full(5, 2), 5, 2, reviews=2, max_load=4))
    assert (error.code, error.constraint) == ("judge_capacity", "max_load")
    assert error.details == {"needed": 10, "capacity": 8}


def test_crowded_judges_name_max_load_and_the_entries_left_short():
    # Entries 0 and 1 can only go to judge 0 (max 1); judge 1 has room but only for entry 2.
    problem = problem_from({(0, 0): 1.0, (1, 0): 1.0, (2, 1): 1.0}, 3, 2, max_load=np.array([1, 5]))
    error = raises_infeasible(problem)
    assert (error.code, error.constraint) == ("judge_capacity", "max_load")
    assert error.details["missing"] == 1
    assert len(error.details["entries"]) == 1


def test_minimum_loads_above_demand_name_min_load():
    error = raises_infeasible(problem_from(full(2, 3), 2, 3, min_load=1))
    assert (error.code, error.constraint) == ("min_load", "min_load")
    assert error.details == {"needed": 2, "minimum": 3}


def test_judge_with_too_few_eligible_entries_names_min_load():
    affinity = {(0, 0): 1.0, (1, 0): 1.0, (2, 0): 1.0, (0, 1): 1.0}
    error = raises_infeasible(problem_from(affinity, 3, 2, min_load=np.array([0, 2])))
    assert (error.code, error.constraint) == ("min_load", "min_load")
    assert error.details["judges"] == [1]


def test_judges_competing_for_the_same_entries_name_min_load():
    # Judges 0 and 1 each want 2 reviews but share the only two entries they may review.
    affinity = {(0, 0): 1.0, (1, 0): 1.0, (0, 1): 1.0, (1, 1): 1.0, (2, 2): 1.0, (3, 2): 1.0}
    problem = problem_from(affinity, 4, 3, min_load=np.array([2, 2, 0]))
    error = raises_infeasible(problem)
    assert (error.code, error.constraint) == ("min_load", "min_load")
    assert error.details["missing"] == 2


def test_minimum_above_maximum_names_min_load():
    error = raises_infeasible(problem_from(full(4, 2), 4, 2, min_load=3, max_load=2))
    assert (error.code, error.constraint, error.details) == (
        "min_load",
        "min_load",
        {"judges": [0, 1]},
    )


def test_pinned_and_forbidden_pair_is_a_pinned_conflict():
    problem = problem_from(
        full(2, 2), 2, 2, pinned=np.array([[1, 0]]), forbidden=np.array([[1, 0]])
    )
    error = raises_infeasible(problem)
    assert (error.code, error.constraint, error.details) == (
        "pinned_conflict",
        "pinned",
        {"pairs": [(1, 0)]},
    )


def test_existing_review_of_a_now_forbidden_pair_asks_to_withdraw_it():
    problem = problem_from(
        full(2, 2), 2, 2, existing=np.array([[0, 1]]), forbidden=np.array([[0, 1]])
    )
    error = raises_infeasible(problem)
    assert (error.code, error.constraint) == ("existing_conflict", "forbidden")


def test_more_pins_than_reviews_names_reviews_per_entry():
    problem = problem_from(full(1, 3), 1, 3, reviews=1, pinned=np.array([[0, 0], [0, 2]]))
    error = raises_infeasible(problem)
    assert (error.code, error.constraint, error.details) == (
        "pinned_conflict",
        "reviews_per_entry",
        {"entries": [0]},
    )


def test_pins_beyond_a_judges_maximum_load_name_max_load():
    problem = problem_from(
        full(3, 2), 3, 2, max_load=np.array([1, 3]), pinned=np.array([[0, 0], [1, 0]])
    )
    error = raises_infeasible(problem)
    assert (error.code, error.constraint, error.details) == (
        "pinned_conflict",
        "max_load",
        {"judges": [0]},
    )


def test_out_of_range_indices_are_a_value_error():
    problem = problem_from({(0, 5): 1.0}, 1, 2)
    with pytest.raises(ValueError, match="judge index out of range"):
        solve_assignment(problem)


# --- Connectivity --------------------------------------------------------------------------------


def two_blocks(weight: float) -> AssignmentProblem:
    """Entries 0-1 match judges 0-1, entries 2-3 match judges 2-3; cross pairs score 0."""
    affinity = {(e, j): float((e < 2) == (j < 2)) for e in range(4) for j in range(4)}
    return problem_from(
        affinity, 4, 4, reviews=2, min_load=2, max_load=2, connectivity_weight=weight
    )


def test_optimum_may_split_the_jury_when_repair_is_off():
    result = solve_assignment(two_blocks(0.0))
    assert (result.components, result.total_affinity) == (2, 8.0)


def test_repair_joins_the_components_at_a_small_cost_in_affinity():
    problem = two_blocks(0.1)
    result = solve_assignment(problem)
    assert check_assignment(problem, result) == []
    assert result.components == 1
    assert result.total_affinity == 6.0


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_repair_never_breaks_a_constraint_nor_adds_components(seed):
    rng = np.random.default_rng(seed)
    n_e, n_j = 12, 6
    affinity = {
        (e, int(j)): float(rng.integers(0, 4))
        for e in range(n_e)
        for j in rng.choice(n_j, 3, replace=False)
    }
    plain = problem_from(
        affinity, n_e, n_j, reviews=2, min_load=2, max_load=6, connectivity_weight=0.0
    )
    try:
        unrepaired = solve_assignment(plain)
    except InfeasibleAssignment:
        return
    problem = dataclasses.replace(plain, connectivity_weight=0.1)
    repaired = solve_assignment(problem)
    assert check_assignment(problem, repaired) == []
    assert repaired.components <= unrepaired.components
    assert repaired.total_affinity <= unrepaired.total_affinity


def test_repair_stops_when_the_candidates_themselves_are_split():
    affinity = {(0, 0): 1.0, (1, 1): 1.0}
    result = solve_assignment(problem_from(affinity, 2, 2))
    assert result.components == 2


# --- The verifier can fail -----------------------------------------------------------------------


def verified_pair() -> tuple[AssignmentProblem, AssignmentResult]:
    problem = problem_from(
        full(2, 3),
        2,
        3,
        reviews=2,
        min_load=1,
        max_load=2,
        pinned=np.array([[0, 0]]),
        existing=np.array([[1, 1]]),
        forbidden=np.array([[1, 2]]),
    )
    return problem, solve_assignment(problem)


def with_pairs(result: AssignmentResult, pairs: list[tuple[int, int]]) -> AssignmentResult:
    entry = np.array([e for e, _ in pairs], dtype=np.int64)
    judge = np.array([j for _, j in pairs], dtype=np.int64)
    return dataclasses.replace(
        result, entry=entry, judge=judge, loads=np.bincount(judge, minlength=3)
    )


def test_verifier_accepts_the_solution():
    problem, result = verified_pair()
    assert pairs_of(result) == {(0, 0), (0, 2), (1, 0), (1, 1)}
    assert check_assignment(problem, result) == []


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([(0, 0), (0, 2), (1, 0), (1, 1), (1, 1)], "pair (entry 1, judge 1) is assigned 2 times"),
        ([(0, 0), (0, 2), (1, 1)], "entry 1 has 1 reviews, needs 2"),
        ([(0, 0), (0, 1), (1, 0), (1, 1)], "judge 2 has load 0, outside [1, 2]"),
        ([(0, 0), (0, 2), (1, 1), (1, 2)], "pair (entry 1, judge 2) is forbidden"),
        ([(0, 1), (0, 2), (1, 0), (1, 1)], "pinned or existing pair (entry 0, judge 0) is missing"),
        ([(0, 0), (0, 2), (1, 0), (1, 2)], "pinned or existing pair (entry 1, judge 1) is missing"),
    ],
)
def test_verifier_reports_each_kind_of_violation(pairs, message):
    problem, result = verified_pair()
    assert message in check_assignment(problem, with_pairs(result, pairs))


def test_verifier_reports_a_pair_outside_the_candidates():
    problem = problem_from({(0, 0): 1.0, (0, 1): 1.0}, 1, 3)
    result = solve_assignment(problem)
    wrong = with_pairs(result, [(0, 2)])
    assert check_assignment(problem, wrong) == ["pair (entry 0, judge 2) is not a candidate"]


def test_verifier_reports_loads_that_disagree_with_the_pairs():
    problem, result = verified_pair()
    wrong = dataclasses.replace(result, loads=np.array([2, 2, 0]))
    assert check_assignment(problem, wrong) == ["result.loads does not match the assigned pairs"]


# --- Affinity from tags --------------------------------------------------------------------------


def test_affinity_is_tag_jaccard_plus_a_language_bonus():
    affinity = affinity_from_tags(
        entry_tags=[{"nlp", "asr"}, set(), {"cv"}],
        judge_tags=[{"nlp", "cv", "tts"}, {"cv"}],
        entry_lang=["th", "en", "km"],
        judge_langs=[{"th", "en"}, {"en"}],
        cand_entry=np.array([0, 0, 1, 1, 2, 2]),
        cand_judge=np.array([0, 1, 0, 1, 0, 1]),
        language_bonus=0.5,
    )
    assert affinity.tolist() == [0.25 + 0.5, 0.0, 0.5, 0.5, 1 / 3, 1.0]


def test_affinity_handles_more_than_64_tags():
    tags = [f"t{i}" for i in range(130)]
    affinity = affinity_from_tags(
        [set(tags[:100])], [set(tags[64:130])], ["en"], [set()], np.array([0]), np.array([0])
    )
    assert affinity.tolist() == [36 / 130]


def test_candidate_edges_keep_each_entrys_best_judges_at_the_affinity_of_affinity_from_tags():
    """The dense, chunked computation that picks candidates and the per-pair definition agree."""
    rng = np.random.default_rng(8)
    tags = [f"t{i}" for i in range(12)]
    languages = ["en", "th", "vi", "zh"]

    def some(items, most):
        return sorted({str(x) for x in rng.choice(items, rng.integers(0, most + 1))})

    entry_tags = [some(tags, 4) for _ in range(300)]
    judge_tags = [some(tags, 5) for _ in range(40)]
    entry_language = [str(rng.choice(languages)) for _ in range(300)]
    judge_languages = [some(languages, 2) for _ in range(40)]
    cand_e, cand_j, cand_a = candidate_edges(
        entry_tags, entry_language, judge_tags, judge_languages, per_entry=7, chunk=64
    )
    assert np.bincount(cand_e).tolist() == [7] * 300
    exact = affinity_from_tags(
        [set(t) for t in entry_tags],
        [set(t) for t in judge_tags],
        entry_language,
        [set(ls) for ls in judge_languages],
        np.repeat(np.arange(300), 40),
        np.tile(np.arange(40), 300),
    ).reshape(300, 40)
    np.testing.assert_allclose(cand_a, exact[cand_e, cand_j], atol=1e-6)
    kept_worst = np.array([cand_a[cand_e == e].min() for e in range(300)])
    left_best = np.array([np.delete(exact[e], cand_j[cand_e == e]).max() for e in range(300)])
    assert (kept_worst >= left_best - 1e-6).all()  # no better judge was left out
