"""Ranking metrics agree with scikit-learn (NDCG) and with plain loop-per-query definitions.

scikit-learn has no MAP@k, MRR or recall@k, so the ``plain_*`` functions below define them the
obvious way, one query and one rank at a time; the registry names them as these metrics'
reference. Our implementations are vectorised over all queries, so the two share no code.
"""

from __future__ import annotations

import math
from collections import defaultdict

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk

from aileague.scoring.metrics import get_metric, known_metric_names
from aileague.scoring.metrics.retrieval import (
    mean_average_precision_score,
    mean_reciprocal_rank_score,
    ndcg_score,
    rank_items,
    recall_at_k_score,
)
from tests.scoring.examples.ranking import ranking_cases

TOLERANCE = 1e-9
FEW = settings(max_examples=80, deadline=None, database=None)

PARITY_TESTED = {"ndcg", "map", "mrr", "recall"}


def close(ours: float, reference: float) -> bool:
    return math.isclose(ours, reference, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


# --- Plain definitions: one query at a time -----------------------------------------------------


def plain_rankings(true_query, true_item, relevance, query, item, score):
    """Per reference query: the gains in rank order, and the reference's relevances."""
    judged = defaultdict(dict)
    for q, i, rel in zip(true_query, true_item, relevance, strict=True):
        judged[q][i] = float(rel)
    ranked = defaultdict(list)
    for q, i, s in zip(query, item, score, strict=True):
        ranked[q].append((-float(s), i))  # higher score first, then item id ascending
    return [
        ([judged[q].get(i, 0.0) for _, i in sorted(ranked[q])], list(judged[q].values()))
        for q in sorted(judged)
    ]


def plain_map_at_k(true_query, true_item, relevance, query, item, score, k=None):
    total = 0.0
    rankings = plain_rankings(true_query, true_item, relevance, query, item, score)
    for gains, judged in rankings:
        relevant = sum(1 for rel in judged if rel > 0)
        hits, precision_sum = 0, 0.0
        for position, gain in enumerate(gains[:k] if k else gains, start=1):
            if gain > 0:
                hits += 1
                precision_sum += hits / position
        denominator = min(k, relevant) if k else relevant
        total += precision_sum / denominator if denominator else 0.0
    return total / len(rankings)


def plain_mrr(true_query, true_item, relevance, query, item, score, k=None):
    total = 0.0
    rankings = plain_rankings(true_query, true_item, relevance, query, item, score)
    for gains, _ in rankings:
        for position, gain in enumerate(gains[:k] if k else gains, start=1):
            if gain > 0:
                total += 1.0 / position
                break
    return total / len(rankings)


def plain_recall_at_k(true_query, true_item, relevance, query, item, score, k=None):
    total = 0.0
    rankings = plain_rankings(true_query, true_item, relevance, query, item, score)
    for gains, judged in rankings:
        relevant = sum(1 for rel in judged if rel > 0)
        found = sum(1 for gain in (gains[:k] if k else gains) if gain > 0)
        total += found / relevant if relevant else 0.0
    return total / len(rankings)


def plain_ndcg_at_k(true_query, true_item, relevance, query, item, score, k=None):
    def dcg(gains):
        return sum(gain / math.log2(position + 1) for position, gain in enumerate(gains, start=1))

    total = 0.0
    rankings = plain_rankings(true_query, true_item, relevance, query, item, score)
    for gains, judged in rankings:
        ideal = dcg(sorted(judged, reverse=True)[:k])
        total += dcg(gains[:k]) / ideal if ideal > 0 else 0.0
    return total / len(rankings)


# --- Parity --------------------------------------------------------------------------------------


@st.composite
def dense_cases(draw):
    """Every query judges and ranks the same number of items, with scores tied nowhere.

    That is the shape scikit-learn's ndcg_score takes; it averages over tied scores, which we
    break by item id instead, so ties are left out here and tested on their own below.
    """
    n_queries = draw(st.integers(1, 6))
    n_items = draw(st.integers(2, 9))
    relevance = draw(
        hnp.arrays(np.float64, (n_queries, n_items), elements=st.sampled_from([0.0, 1, 2, 3]))
    )
    scores = np.array(
        [
            draw(st.lists(st.floats(-1e3, 1e3), min_size=n_items, max_size=n_items, unique=True))
            for _ in range(n_queries)
        ]
    )
    k = draw(st.none() | st.integers(1, n_items + 2))
    return relevance, scores, k


def flat(relevance: np.ndarray, scores: np.ndarray):
    n_queries, n_items = relevance.shape
    query = np.repeat([f"q{q}" for q in range(n_queries)], n_items)
    item = np.tile([f"d{i}" for i in range(n_items)], n_queries)
    return query, item, relevance.ravel(), query, item, scores.ravel()


@FEW
@given(dense_cases())
def test_ndcg_equals_sklearn_on_scores_without_ties(case):
    relevance, scores, k = case
    expected = sk.ndcg_score(relevance, scores, k=k)
    assert close(ndcg_score(*flat(relevance, scores), k=k), expected)


@FEW
@given(ranking_cases())
def test_ndcg_equals_the_plain_definition_with_unjudged_unranked_and_tied_items(case):
    *args, k = case
    assert close(ndcg_score(*args, k=k), plain_ndcg_at_k(*args, k=k))


@FEW
@given(ranking_cases())
def test_map_at_k_equals_the_plain_definition(case):
    *args, k = case
    assert close(mean_average_precision_score(*args, k=k), plain_map_at_k(*args, k=k))
    assert close(mean_average_precision_score(*args), plain_map_at_k(*args))


@FEW
@given(ranking_cases())
def test_mrr_equals_the_plain_definition(case):
    *args, k = case
    assert close(mean_reciprocal_rank_score(*args), plain_mrr(*args))
    assert close(mean_reciprocal_rank_score(*args, k=k), plain_mrr(*args, k=k))


@FEW
@given(ranking_cases())
def test_recall_at_k_equals_the_plain_definition(case):
    *args, k = case
    assert close(recall_at_k_score(*args, k=k), plain_recall_at_k(*args, k=k))


@FEW
@given(dense_cases())
def test_map_without_cut_off_equals_sklearn_average_precision_when_every_item_is_ranked(case):
    relevance, scores, _ = case
    relevant = relevance > 0
    expected = np.mean(
        [
            sk.average_precision_score(row_relevant, row_scores) if row_relevant.any() else 0.0
            for row_relevant, row_scores in zip(relevant, scores, strict=True)
        ]
    )
    assert close(mean_average_precision_score(*flat(relevance, scores)), expected)


# --- Definitions, on small examples -------------------------------------------------------------

Q2 = np.array(["q", "q", "q"])


def test_map_at_k_divides_by_the_smaller_of_k_and_the_number_of_relevant_items():
    # Three relevant items; the ranking finds two of them at ranks 1 and 3.
    true_item = np.array(["a", "b", "c"])
    relevance = np.array([1.0, 1.0, 1.0])
    item, score = np.array(["a", "x", "b"]), np.array([3.0, 2.0, 1.0])
    assert mean_average_precision_score(Q2, true_item, relevance, Q2, item, score, k=2) == 0.5
    assert mean_average_precision_score(Q2, true_item, relevance, Q2, item, score, k=3) == (
        (1 + 2 / 3) / 3
    )
    assert (
        mean_average_precision_score(Q2, true_item, relevance, Q2, item, score) == (1 + 2 / 3) / 3
    )


def test_ties_in_score_are_broken_by_item_id_ascending():
    # b is relevant, a is not; both score 0.5, so a is ranked first and b second.
    true_q, true_item, relevance = np.array(["q", "q"]), np.array(["a", "b"]), np.array([0, 1.0])
    args = (true_q, true_item, relevance, true_q, true_item, np.array([0.5, 0.5]))
    assert mean_reciprocal_rank_score(*args) == 0.5
    assert ndcg_score(*args) == 1 / math.log2(3)
    assert recall_at_k_score(*args, k=1) == 0.0
    # The order of the rows does not matter...
    swapped = (true_q, true_item[::-1], relevance[::-1], true_q, true_item[::-1], args[5])
    assert mean_reciprocal_rank_score(*swapped) == 0.5
    # ...only the ids: renamed so that the relevant item sorts first, it is ranked first.
    renamed = np.array(["c", "b"])
    assert mean_reciprocal_rank_score(true_q, renamed, relevance, true_q, renamed, args[5]) == 1.0
    # scikit-learn averages over the tie instead.
    assert sk.ndcg_score([[0, 1]], [[0.5, 0.5]]) == pytest.approx((1 + 1 / math.log2(3)) / 2)


def test_ndcg_uses_linear_gain_and_a_log2_discount():
    true_q, item = np.array(["q", "q", "q"]), np.array(["a", "b", "c"])
    relevance, score = np.array([3.0, 2.0, 0.0]), np.array([0.1, 0.2, 0.3])
    dcg = 0 / 1 + 2 / math.log2(3) + 3 / math.log2(4)
    ideal = 3 / 1 + 2 / math.log2(3)
    assert ndcg_score(true_q, item, relevance, true_q, item, score) == pytest.approx(
        dcg / ideal, abs=1e-15
    )
    assert ndcg_score(true_q, item, relevance, true_q, item, score, k=1) == 0.0


def test_a_query_without_a_ranking_scores_zero_and_an_unknown_query_is_ignored():
    true_q, true_item, relevance = np.array(["q", "p"]), np.array(["a", "a"]), np.array([1.0, 1])
    query, item, score = np.array(["q", "zz"]), np.array(["a", "a"]), np.array([1.0, 1])
    assert mean_reciprocal_rank_score(true_q, true_item, relevance, query, item, score) == 0.5
    assert ndcg_score(true_q, true_item, relevance, query, item, score, k=5) == 0.5


def test_a_query_without_relevant_items_scores_zero_as_in_sklearn():
    true_q, item = np.array(["q", "q"]), np.array(["a", "b"])
    args = (true_q, item, np.array([0.0, 0.0]), true_q, item, np.array([0.3, 0.1]))
    assert ndcg_score(*args) == sk.ndcg_score([[0.0, 0.0]], [[0.3, 0.1]]) == 0.0
    assert mean_average_precision_score(*args, k=2) == 0.0
    assert mean_reciprocal_rank_score(*args) == 0.0
    assert recall_at_k_score(*args, k=2) == 0.0


def test_integer_ids_give_the_same_values_as_their_text():
    true_q, true_item = np.array([1, 1, 2]), np.array([4, 7, 4])
    relevance = np.array([1.0, 2.0, 1.0])
    query, item, score = np.array([1, 1, 1, 2]), np.array([7, 4, 9, 8]), np.array([0.1, 0.1, 2, 1])
    as_text = [np.array([f"{v:02d}" for v in a]) for a in (true_q, true_item, query, item)]
    for metric in (ndcg_score, mean_average_precision_score, recall_at_k_score):
        assert metric(true_q, true_item, relevance, query, item, score, k=2) == metric(
            as_text[0], as_text[1], relevance, as_text[2], as_text[3], score, k=2
        )


METRICS = {
    ndcg_score: plain_ndcg_at_k,
    mean_average_precision_score: plain_map_at_k,
    mean_reciprocal_rank_score: plain_mrr,
    recall_at_k_score: plain_recall_at_k,
}


def as_codes(args, seed: int):
    """The same case with integer ids in the ids' order, each side's rows shuffled."""
    true_query, true_item, relevance, query, item, score, k = args
    ids = np.unique(np.concatenate([true_query, true_item, query, item]))
    code = {value: n for n, value in enumerate(ids)}
    rng = np.random.default_rng(seed)
    judged, ranked = rng.permutation(len(true_query)), rng.permutation(len(query))
    return (
        np.array([code[v] for v in true_query[judged]], dtype=np.int64),
        np.array([code[v] for v in true_item[judged]], dtype=np.int64),
        relevance[judged],
        np.array([code[v] for v in query[ranked]], dtype=np.int64),
        np.array([code[v] for v in item[ranked]], dtype=np.int64),
        score[ranked],
        k,
    )


@FEW
@given(ranking_cases(), st.integers(0, 2**32 - 1))
def test_integer_codes_in_any_row_order_give_the_values_of_the_text_ids(case, seed):
    *args, k = case
    *codes, _ = as_codes(case, seed)
    for metric in METRICS:
        assert close(metric(*codes, k=k), metric(*args, k=k))
        assert close(metric(*codes), metric(*args))


def test_queries_of_very_different_sizes_equal_the_plain_definitions():
    # One query ranks 3,000 items and 2,000 rank one or two: the (query × rank) matrices would
    # be mostly padding, so the metrics sort the rows instead. Scores on a coarse grid tie.
    rng = np.random.default_rng(7)
    sizes = np.concatenate([[3000], rng.integers(1, 3, 2000)])
    query = np.repeat(np.arange(sizes.size), sizes)
    item = np.concatenate([rng.permutation(5000)[:n] for n in sizes])
    score = rng.integers(0, 20, query.size).astype(float)
    relevance = rng.integers(0, 3, query.size).astype(float)
    relevance[np.cumsum(sizes) - sizes] = 1.0  # a relevant item for every query
    shuffled = rng.permutation(query.size)
    args = (query, item, relevance, query[shuffled], item[shuffled], score[shuffled])
    for metric, plain in METRICS.items():
        for k in (None, 1, 10):
            assert close(metric(*args, k=k), plain(*args, k=k))


def test_duplicate_pairs_are_refused_rather_than_counted_twice():
    q, item = np.array(["q", "q"]), np.array(["a", "a"])
    with pytest.raises(ValueError, match="the ranking has a"):
        ndcg_score(q[:1], item[:1], np.array([1.0]), q, item, np.array([0.2, 0.1]))
    with pytest.raises(ValueError, match="the reference has a"):
        ndcg_score(q, item, np.array([1.0, 2.0]), q[:1], item[:1], np.array([0.2]))


def test_rank_items_orders_by_score_then_item_and_cuts_at_k():
    ranked = rank_items(
        np.array(["q"]), np.array(["b"]), np.array([2.0]),
        np.array(["q", "q", "q"]), np.array(["c", "b", "a"]), np.array([1.0, 1.0, 5.0]), k=2,
    )  # fmt: skip
    assert (ranked.rank.tolist(), ranked.gain.tolist()) == ([0, 1], [0.0, 2.0])


# --- Registry ------------------------------------------------------------------------------------


def test_cut_off_metrics_are_asked_for_with_their_k():
    names = [n for n in known_metric_names() if n.partition("@")[0] in PARITY_TESTED]
    assert names == ["map@k", "mrr", "mrr@k", "ndcg@k", "recall@k"]
    q, item = np.array(["q", "q"]), np.array(["a", "b"])
    args = (q, item, np.array([1.0, 0.0]), q, item, np.array([0.1, 0.9]))
    assert get_metric("ndcg@1")(*args) == 0.0
    assert get_metric("ndcg@2")(*args) == ndcg_score(*args, k=2)
    assert get_metric("recall@1")(*args) == 0.0
    assert get_metric("map@2")(*args) == 0.5
    with pytest.raises(KeyError):
        get_metric("ndcg")


def test_mrr_is_asked_for_with_or_without_a_cut_off():
    q, item = np.array(["q", "q"]), np.array(["a", "b"])
    args = (q, item, np.array([1.0, 0.0]), q, item, np.array([0.1, 0.9]))
    assert get_metric("mrr") is get_metric("mrr")  # unchanged: existing competitions keep it
    assert (get_metric("mrr").name, get_metric("mrr")(*args)) == ("mrr", 0.5)
    assert (get_metric("mrr@10").name, get_metric("mrr@10")(*args)) == ("mrr@10", 0.5)
    assert get_metric("mrr@1")(*args) == 0.0  # the relevant item is ranked second
    for refused in ("mrr@0", "mrr@x", "mrr@"):
        with pytest.raises(KeyError, match="must be a whole number"):
            get_metric(refused)


def test_a_cut_off_is_refused_by_a_metric_without_one():
    with pytest.raises(KeyError, match="unknown metric 'roc_auc@10'"):
        get_metric("roc_auc@10")


@FEW
@given(ranking_cases())
def test_mrr_at_k_from_the_registry_equals_the_plain_definition(case):
    *args, k = case
    assert close(get_metric(f"mrr@{k}")(*args), plain_mrr(*args, k=k))
    assert close(get_metric("mrr")(*args), plain_mrr(*args))


def coded(relevance: np.ndarray, scores: np.ndarray):
    """``flat`` with integer codes, as the ranking kind hands them over (the same-layout path)."""
    n_queries, n_items = relevance.shape
    query = np.repeat(np.arange(n_queries), n_items)
    item = np.tile(np.arange(n_items), n_queries)
    return query, item, relevance.ravel(), query, item, scores.ravel()


@FEW
@given(dense_cases())
def test_ndcg_on_integer_codes_in_the_references_layout_equals_sklearn(case):
    relevance, scores, k = case
    expected = sk.ndcg_score(relevance, scores, k=k)
    assert close(ndcg_score(*coded(relevance, scores), k=k), expected)


@FEW
@given(dense_cases(), st.integers(0, 3))
def test_ndcg_same_layout_path_equals_the_general_way_with_ties(case, tie_to):
    relevance, scores, k = case
    scores = np.round(scores / 300) if tie_to else scores  # tie many scores
    fast = ndcg_score(*coded(relevance, scores), k=k)
    general = ndcg_score(*flat(relevance, scores), k=k)
    assert close(fast, general)
    assert close(fast, plain_ndcg_at_k(*coded(relevance, scores), k=k))
