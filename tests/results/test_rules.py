"""The published combination and advancement rules, on hand-computed cases (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aileague.results.rules import (
    ASEAN_QUOTA,
    BELOW_GATE,
    BELOW_THRESHOLD,
    BENCHMARK_FIRST,
    EARLIER_ENTRY,
    JURY_FIRST,
    OUTSIDE_TOP_K,
    QUALIFIED,
    RANK,
    TOP_K,
    Candidate,
    Rules,
    decide,
    normalised_weights,
    passes_gate,
    scale_rank,
    shared_ranks,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def by_team(decision):
    return {o.team_id: o for o in decision.outcomes}


def test_weights_are_normalised_to_sum_one():
    assert normalised_weights(3, 1) == (0.75, 0.25)
    assert normalised_weights(0, 2) == (0.0, 1.0)


def test_zero_weights_are_refused():
    with pytest.raises(ValueError):
        normalised_weights(0, 0)


def test_percentile_scale_puts_best_at_100_and_last_at_0():
    assert [scale_rank(r, 4, scale="percentile") for r in (1, 2, 3, 4)] == [
        100.0,
        pytest.approx(200 / 3),
        pytest.approx(100 / 3),
        0.0,
    ]
    assert scale_rank(1, 1, scale="percentile") == 100.0


def test_rank_scale_gives_n_points_to_the_best_and_one_to_the_last():
    assert [scale_rank(r, 4, scale=RANK) for r in (1, 2, 3, 4)] == [4.0, 3.0, 2.0, 1.0]


def test_equal_scores_share_the_better_rank():
    rows = [("a", 0.9, T0, 1), ("b", 0.9, T0, 2), ("c", 0.5, T0, 3)]
    assert shared_ranks(rows, higher_is_better=True) == {"a": 1, "b": 1, "c": 3}
    assert shared_ranks(rows, higher_is_better=False) == {"c": 1, "a": 2, "b": 2}


def test_combination_of_benchmark_and_jury_by_hand():
    """Weights 0.6 / 0.4, percentile scale, one track of five.

    Benchmark (four have one): 0.9, 0.8, 0.7, 0.6 -> 100, 66.67, 33.33, 0; team 5 none -> 0.
    Jury (four have one): 9 (team 5), 8, 7, 6 -> 100, 66.67, 33.33, 0; team 4 none -> 0.
    Final: t1 60, t2 40 + 26.67 = 66.67, t3 20 + 13.33 = 33.33, t4 0, t5 40.
    """
    candidates = [
        Candidate(1, 7, benchmark=0.9, jury=6.0),
        Candidate(2, 7, benchmark=0.8, jury=8.0),
        Candidate(3, 7, benchmark=0.7, jury=7.0),
        Candidate(4, 7, benchmark=0.6, jury=None),
        Candidate(5, 7, benchmark=None, jury=9.0),
    ]
    outcomes = by_team(decide(candidates, Rules(benchmark_weight=0.6, jury_weight=0.4)))
    assert [(t, outcomes[t].final) for t in (1, 2, 3, 4, 5)] == [
        (1, 60.0),
        (2, 66.666667),
        (3, 33.333333),
        (4, 0.0),
        (5, 40.0),
    ]
    assert [outcomes[t].rank for t in (2, 1, 5, 3, 4)] == [1, 2, 3, 4, 5]
    assert outcomes[4].jury_component == 0.0
    assert outcomes[5].benchmark_component == 0.0
    assert outcomes[2].benchmark_component == pytest.approx(200 / 3)


def test_lower_is_better_benchmark_ranks_the_smallest_first():
    candidates = [Candidate(1, 1, benchmark=0.3), Candidate(2, 1, benchmark=0.1)]
    rules = Rules(benchmark_weight=1, jury_weight=0, higher_is_better=False)
    outcomes = by_team(decide(candidates, rules))
    assert (outcomes[2].rank, outcomes[2].final, outcomes[1].final) == (1, 100.0, 0.0)


def three_way_tie():
    """Weights 0.5 / 0.5: every team ends on 50.

    a: benchmark 0.9 (100), jury 5 (0); b: benchmark 0.7 (0), jury 9 (100);
    c: benchmark 0.8 (50), jury 7 (50).
    """
    return [
        Candidate(1, 1, benchmark=0.9, jury=5.0, registered_at=T0.replace(day=3)),
        Candidate(2, 1, benchmark=0.7, jury=9.0, registered_at=T0.replace(day=2)),
        Candidate(3, 1, benchmark=0.8, jury=7.0, registered_at=T0.replace(day=1)),
    ]


@pytest.mark.parametrize(
    ("tie_break", "order"),
    [(JURY_FIRST, [2, 3, 1]), (BENCHMARK_FIRST, [1, 3, 2]), (EARLIER_ENTRY, [3, 2, 1])],
)
def test_published_tie_break_orders_equal_final_scores(tie_break, order):
    rules = Rules(benchmark_weight=1, jury_weight=1, tie_break=tie_break)
    decision = decide(three_way_tie(), rules)
    assert [o.final for o in decision.outcomes] == [50.0, 50.0, 50.0]
    assert [o.team_id for o in sorted(decision.outcomes, key=lambda o: o.rank)] == order


def test_last_tie_break_is_the_lower_team_id():
    candidates = [Candidate(9, 1, benchmark=0.5), Candidate(4, 1, benchmark=0.5)]
    outcomes = by_team(decide(candidates, Rules(benchmark_weight=1, jury_weight=1)))
    assert (outcomes[4].rank, outcomes[9].rank) == (1, 2)


def two_tracks():
    return [
        Candidate(1, 10, benchmark=0.9),
        Candidate(2, 10, benchmark=0.8),
        Candidate(3, 10, benchmark=0.7),
        Candidate(4, 20, benchmark=0.6),
        Candidate(5, 20, benchmark=0.5),
    ]


def test_top_k_applies_within_each_track():
    decision = decide(two_tracks(), Rules(benchmark_weight=1, jury_weight=0, top_k=2))
    outcomes = by_team(decision)
    assert [
        (t, outcomes[t].rank, outcomes[t].advanced, outcomes[t].reason) for t in range(1, 6)
    ] == [
        (1, 1, True, TOP_K),
        (2, 2, True, TOP_K),
        (3, 3, False, OUTSIDE_TOP_K),
        (4, 1, True, TOP_K),
        (5, 2, True, TOP_K),
    ]


def test_without_top_k_every_eligible_team_advances():
    outcomes = by_team(decide(two_tracks(), Rules(benchmark_weight=1, jury_weight=0)))
    assert {o.reason for o in outcomes.values()} == {QUALIFIED}


def test_minimum_final_score_blocks_advancement():
    """Track 10: finals 100, 50, 0. With a minimum of 60 only the first advances."""
    rules = Rules(benchmark_weight=1, jury_weight=0, top_k=2, min_final_score=60)
    outcomes = by_team(decide(two_tracks(), rules))
    assert [(outcomes[t].final, outcomes[t].reason) for t in (1, 2, 3)] == [
        (100.0, TOP_K),
        (50.0, BELOW_THRESHOLD),
        (0.0, BELOW_THRESHOLD),
    ]


def test_gate_is_in_the_metric_direction_and_missing_fails_it():
    assert passes_gate(0.4, 0.4, higher_is_better=True)
    assert not passes_gate(0.39, 0.4, higher_is_better=True)
    assert passes_gate(0.2, 0.3, higher_is_better=False)
    assert not passes_gate(0.4, 0.3, higher_is_better=False)
    assert not passes_gate(None, 0.3, higher_is_better=True)
    assert passes_gate(None, None, higher_is_better=True)


def test_gated_team_keeps_its_rank_and_the_next_eligible_takes_its_place():
    """A jury-led combination where the jury's favourite misses the benchmark gate."""
    candidates = [
        Candidate(1, 1, benchmark=0.2, jury=9.0),
        Candidate(2, 1, benchmark=0.8, jury=7.0),
        Candidate(3, 1, benchmark=0.9, jury=5.0),
        Candidate(4, 1, benchmark=None, jury=8.0),
    ]
    rules = Rules(benchmark_weight=1, jury_weight=3, gate=0.5, top_k=2)
    outcomes = by_team(decide(candidates, rules))
    assert [(t, outcomes[t].rank, outcomes[t].gated, outcomes[t].reason) for t in (1, 2, 3, 4)] == [
        (1, 1, True, BELOW_GATE),
        (2, 3, False, TOP_K),
        (3, 4, False, TOP_K),
        (4, 2, True, BELOW_GATE),
    ]


def asean_track():
    return [
        Candidate(1, 1, benchmark=0.9, asean=False),
        Candidate(2, 1, benchmark=0.8, asean=False),
        Candidate(3, 1, benchmark=0.7, asean=True),
        Candidate(4, 1, benchmark=0.6, asean=True),
        Candidate(5, 1, benchmark=0.5, asean=False),
    ]


def test_asean_quota_adds_the_best_asean_teams_beyond_top_k():
    rules = Rules(benchmark_weight=1, jury_weight=0, top_k=2, min_asean=1)
    decision = decide(asean_track(), rules)
    outcomes = by_team(decision)
    assert [(t, outcomes[t].advanced, outcomes[t].reason) for t in range(1, 6)] == [
        (1, True, TOP_K),
        (2, True, TOP_K),
        (3, True, ASEAN_QUOTA),
        (4, False, OUTSIDE_TOP_K),
        (5, False, OUTSIDE_TOP_K),
    ]
    assert decision.asean_shortfall == 0


def test_asean_quota_already_met_adds_nobody():
    rules = Rules(benchmark_weight=1, jury_weight=0, top_k=3, min_asean=1)
    advanced = [o.team_id for o in decide(asean_track(), rules).outcomes if o.advanced]
    assert advanced == [1, 2, 3]


def test_asean_quota_takes_only_eligible_teams_and_reports_the_shortfall():
    """Team 4 is below the minimum final score (25 < 30), so only team 3 can be added."""
    rules = Rules(benchmark_weight=1, jury_weight=0, top_k=2, min_asean=3, min_final_score=30)
    decision = decide(asean_track(), rules)
    outcomes = by_team(decision)
    assert [outcomes[t].reason for t in (3, 4)] == [ASEAN_QUOTA, BELOW_THRESHOLD]
    assert decision.asean_shortfall == 2


def test_rank_scale_by_hand():
    """Rank points: benchmark 0.9, 0.8, none -> 2, 1, 0; jury 4, 6, 8 -> 1, 2, 3 (weights
    equal): finals 1.5, 1.5, 1.5 broken by jury first: team 3, 2, 1."""
    candidates = [
        Candidate(1, 1, benchmark=0.9, jury=4.0),
        Candidate(2, 1, benchmark=0.8, jury=6.0),
        Candidate(3, 1, benchmark=None, jury=8.0),
    ]
    outcomes = by_team(decide(candidates, Rules(benchmark_weight=1, jury_weight=1, scale=RANK)))
    assert [(outcomes[t].benchmark_component, outcomes[t].jury_component) for t in (1, 2, 3)] == [
        (2.0, 1.0),
        (1.0, 2.0),
        (0.0, 3.0),
    ]
    assert [outcomes[t].rank for t in (3, 2, 1)] == [1, 2, 3]
