"""The one ranking rule: better score first, ties to the earlier submission, then the lower id."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from aileague.scoring.ranking import RankedRow, best_per_key, rank_rows

T0 = datetime(2026, 3, 1, 12, 0)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def order(rows, *, higher_is_better=True) -> list:
    return [row.key for row in rank_rows(rows, higher_is_better=higher_is_better)]


def test_higher_is_better_puts_the_highest_score_first():
    rows = [("a", 0.7, at(0), 1), ("b", 0.9, at(1), 2), ("c", 0.8, at(2), 3)]
    assert order(rows) == ["b", "c", "a"]


def test_lower_is_better_puts_the_lowest_error_first():
    rows = [("a", 0.7, at(0), 1), ("b", 0.9, at(1), 2), ("c", 0.8, at(2), 3)]
    assert order(rows, higher_is_better=False) == ["a", "c", "b"]


def test_equal_scores_go_to_the_earlier_submission():
    rows = [("late", 0.8, at(5), 1), ("early", 0.8, at(1), 2)]
    assert order(rows) == ["early", "late"]


def test_equal_scores_at_the_same_moment_go_to_the_lower_submission_id():
    rows = [("b", 0.8, at(1), 9), ("a", 0.8, at(1), 4)]
    assert order(rows) == ["a", "b"]


def test_ranks_are_distinct_even_for_ties():
    rows = [("a", 0.5, at(1), 1), ("b", 0.5, at(2), 2), ("c", 0.5, at(3), 3)]
    assert [row.rank for row in rank_rows(rows, higher_is_better=True)] == [1, 2, 3]


def test_nan_ranks_last_in_either_direction():
    rows = [("nan", math.nan, at(0), 1), ("a", 0.1, at(1), 2), ("b", 0.9, at(2), 3)]
    assert order(rows) == ["b", "a", "nan"]
    assert order(rows, higher_is_better=False) == ["a", "b", "nan"]


def test_none_ranks_last_like_nan():
    rows = [("none", None, at(0), 1), ("a", 0.1, at(1), 2)]
    assert order(rows) == ["a", "none"]


def test_ranked_rows_carry_everything_needed_to_show_them():
    (row,) = rank_rows([("team", 0.5, at(3), 7)], higher_is_better=True)
    assert row == RankedRow(rank=1, key="team", value=0.5, submitted_at=at(3), submission_id=7)


def test_best_per_key_keeps_each_teams_best_row():
    rows = [
        ("a", 0.6, at(0), 1),
        ("a", 0.9, at(1), 2),
        ("b", 0.7, at(2), 3),
        ("b", 0.5, at(3), 4),
    ]
    assert best_per_key(rows, higher_is_better=True) == [("a", 0.9, at(1), 2), ("b", 0.7, at(2), 3)]
    assert best_per_key(rows, higher_is_better=False) == [
        ("b", 0.5, at(3), 4),
        ("a", 0.6, at(0), 1),
    ]


def test_best_per_key_prefers_the_earlier_of_two_equal_rows():
    rows = [("a", 0.8, at(5), 1), ("a", 0.8, at(2), 2)]
    assert best_per_key(rows, higher_is_better=True) == [("a", 0.8, at(2), 2)]


VALUES = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0]),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.just(math.nan),
)
ROWS = st.lists(
    st.tuples(st.sampled_from("abcde"), VALUES, st.integers(0, 5), st.integers(1, 10_000)),
    max_size=40,
    unique_by=lambda row: row[3],
).map(lambda rows: [(key, value, at(minute), sid) for key, value, minute, sid in rows])


def _better_or_equal_first(first: RankedRow, second: RankedRow, higher_is_better: bool) -> bool:
    """The rule, stated directly: can ``first`` stand before ``second``?"""
    if math.isnan(first.value) or math.isnan(second.value):
        if not math.isnan(second.value):
            return False
        if not math.isnan(first.value):
            return True
    elif first.value != second.value:
        return (first.value > second.value) == higher_is_better
    return (first.submitted_at, first.submission_id) < (second.submitted_at, second.submission_id)


@settings(max_examples=60, deadline=None, database=None)
@given(ROWS, st.booleans())
def test_ranking_is_a_total_order_consistent_with_the_metric_direction(rows, higher_is_better):
    ranked = rank_rows(rows, higher_is_better=higher_is_better)
    assert [row.rank for row in ranked] == list(range(1, len(rows) + 1))
    assert sorted(row.submission_id for row in ranked) == sorted(row[3] for row in rows)
    for first, second in zip(ranked, ranked[1:], strict=False):
        assert _better_or_equal_first(first, second, higher_is_better)
    # The order does not depend on the order rows arrive in.
    again = rank_rows(list(reversed(rows)), higher_is_better=higher_is_better)
    assert [row.submission_id for row in again] == [row.submission_id for row in ranked]


@settings(max_examples=60, deadline=None, database=None)
@given(ROWS, st.booleans())
def test_best_per_key_is_the_first_row_of_each_key_in_rank_order(rows, higher_is_better):
    ranked = rank_rows(rows, higher_is_better=higher_is_better)
    firsts: dict = {}
    for row in ranked:
        firsts.setdefault(row.key, row.submission_id)
    best = best_per_key(rows, higher_is_better=higher_is_better)
    assert [row[3] for row in best] == list(firsts.values())
