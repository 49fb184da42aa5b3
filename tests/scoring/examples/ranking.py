"""Ranking examples: ``(true_query, true_item, relevance, query, item, score, k)``.

A row is a judged (reference) row or a ranked (prediction) row; ``rows`` counts both and
``reorder`` shuffles each side within itself.
"""

import hypothesis.strategies as st
import numpy as np

ITEMS = [f"d{n:02d}" for n in range(12)]
RELEVANCE = st.one_of(st.sampled_from([0.0, 0.0, 1.0, 2.0, 3.0]), st.floats(0.0, 5.0))
# Ties are common in real rankings (rounded scores), so half the scores come from a coarse grid.
TIED_SCORE = st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(-10.0, 10.0))


@st.composite
def ranking_cases(draw, *, ties: bool = True, k_covers_relevant: bool = False):
    """Judged items per query (each query has a relevant one) and a ranking of some items.

    Rankings may skip judged items, rank unjudged ones, or leave a query out altogether.
    """
    true_query, true_item, relevance, query, item, score = [], [], [], [], [], []
    n_queries = draw(st.integers(1, 5))
    most_relevant = 0
    for q in range(n_queries):
        judged = draw(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=8, unique=True))
        grades = [draw(RELEVANCE) for _ in judged]
        if max(grades) <= 0:
            grades[draw(st.integers(0, len(grades) - 1))] = 1.0
        most_relevant = max(most_relevant, sum(grade > 0 for grade in grades))
        true_query += [f"q{q}"] * len(judged)
        true_item += judged
        relevance += grades
        ranked = draw(st.lists(st.sampled_from(ITEMS), max_size=10, unique=True))
        values = TIED_SCORE if ties else st.floats(-10.0, 10.0)
        scores = draw(st.lists(values, min_size=len(ranked), max_size=len(ranked), unique=not ties))
        query += [f"q{q}"] * len(ranked)
        item += ranked
        score += scores
    k = draw(st.integers(most_relevant if k_covers_relevant else 1, 12))
    return (
        np.array(true_query, dtype=str),
        np.array(true_item, dtype=str),
        np.array(relevance, dtype=np.float64),
        np.array(query, dtype=str),
        np.array(item, dtype=str),
        np.array(score, dtype=np.float64),
        k,
    )


def cases(metric):
    # recall@k cannot reach 1 for a query with more than k relevant items (its denominator is
    # all of them), so its optimum law needs k large enough.
    return ranking_cases(k_covers_relevant=metric.name == "recall")


def perfect(args):
    """Rank exactly the judged items, by their relevance."""
    true_query, true_item, relevance, *_, k = args
    return true_query, true_item, relevance, true_query.copy(), true_item.copy(), relevance, k


def rows(args):
    return len(args[0]) + len(args[3])


def reorder(args, order):
    """Apply ``order`` (a permutation of all rows) to each side: reference rows come first."""
    true_query, true_item, relevance, query, item, score, k = args
    judged = len(true_query)
    order = np.asarray(order, dtype=np.int64)
    reference = order[order < judged]
    ranking = order[order >= judged] - judged
    return (
        true_query[reference],
        true_item[reference],
        relevance[reference],
        query[ranking],
        item[ranking],
        score[ranking],
        k,
    )
