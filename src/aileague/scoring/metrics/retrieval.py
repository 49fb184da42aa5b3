"""Ranking metrics over many queries at once: NDCG@k, MAP@k, MRR and recall@k.

Every function takes the reference first and the ranking second, as flat aligned arrays::

    metric(true_query, true_item, relevance, query, item, score, k)

- ``true_query, true_item, relevance``: one row per judged (query, item) pair; relevance is a
  finite graded label ≥ 0, and an item is *relevant* when its relevance is > 0.
- ``query, item, score``: one row per ranked (query, item) pair, higher score ranked first.
- ``k``: the cut-off (only the first ``k`` items of each query count); the registry binds it
  from the metric's name (``ndcg@10``). ``None`` means no cut-off.

Preconditions (the ranking kind checks them for participants): the (query, item) pairs are
unique on each side and the scores finite. Ids are integers or strings (numpy or pyarrow
arrays); items not in the reference have relevance 0, and queries not in the reference are
ignored. A relevant pair ranked twice is refused (``ValueError``) rather than counted twice.

Ties in score are broken by item id ascending, so that a result never depends on row order.
The value is the mean over the reference's queries; a query without a ranking scores 0, and so
does a query without a relevant item (as ``sklearn.metrics.ndcg_score`` does).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aileague.scoring.metrics.base import Metric, register
from aileague.scoring.schema import TaskKind

Ids = np.ndarray | pa.Array


@dataclass
class Ranked:
    """The ranking's rows within the cut-off, grouped by query and in rank order."""

    n_queries: int  # queries of the reference, coded 0..n_queries-1
    query: np.ndarray  # query code of each ranked row
    rank: np.ndarray  # 0-based rank within its query
    gain: np.ndarray  # the row's relevance (0 for items not in the reference)
    n_relevant: np.ndarray  # per query: reference items with relevance > 0
    true_query: np.ndarray  # query code of each relevant reference row
    relevance: np.ndarray  # relevance of each relevant reference row


def _arrow(values: Ids) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    return values if isinstance(values, pa.Array) else pa.array(np.asarray(values))


def _factorize(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """The distinct values in ascending order, and each value's position among them.

    As ``np.unique(values, return_inverse=True)``, but hashing first and sorting only the
    distinct values: several times faster on millions of rows.
    """
    encoded = pc.dictionary_encode(values)
    order = pc.sort_indices(encoded.dictionary).to_numpy()
    position = np.empty(order.size, dtype=np.int64)
    position[order] = np.arange(order.size)
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    return encoded.dictionary.take(pa.array(order)), position[codes]


def _positions(values: pa.Array, distinct: pa.Array) -> np.ndarray:
    """Each value's position in ``distinct`` (hashed), or -1 where it is not there."""
    if not len(values):
        return np.empty(0, dtype=np.int64)
    found = pc.index_in(values, value_set=distinct).fill_null(-1)
    return found.to_numpy(zero_copy_only=False).astype(np.int64)


def _rank_within(query_sorted: np.ndarray, n_queries: int) -> np.ndarray:
    """0-based position of each row within its query, for rows sorted by query."""
    counts = np.bincount(query_sorted, minlength=n_queries)
    starts = np.cumsum(counts) - counts
    return np.arange(query_sorted.size) - starts[query_sorted]


def rank_items(
    true_query: Ids,
    true_item: Ids,
    relevance,
    query: Ids,
    item: Ids,
    score,
    k: int | None = None,
) -> Ranked:
    """Rank each query's items (score descending, then item ascending) and look up their gains.

    Ids may be numpy arrays or pyarrow arrays (the ranking kind passes its text columns as
    they were read, so that millions of item ids are hashed, never sorted).

    >>> r = rank_items(np.array(["q1", "q1"]), np.array(["a", "b"]), np.array([1.0, 0.0]),
    ...          np.array(["q1", "q1", "q1"]), np.array(["b", "c", "a"]), np.array([0.2, 0.9, 0.2]))
    >>> r.rank.tolist(), r.gain.tolist()
    ([0, 1, 2], [0.0, 1.0, 0.0])
    """
    if k is not None and k < 1:
        raise ValueError("the cut-off k must be at least 1")
    queries, true_q = _factorize(_arrow(true_query))
    relevance = np.asarray(relevance, dtype=np.float64)
    # Items of relevance 0 weigh nothing anywhere, so only the relevant rows are looked up.
    relevant = relevance > 0
    true_q, relevance = true_q[relevant], relevance[relevant]
    judged, true_i = _factorize(_arrow(true_item).filter(pa.array(relevant)))
    n_queries, n_judged = len(queries), np.int64(max(len(judged), 1))
    q = _positions(_arrow(query), queries)
    known = q >= 0
    item = _arrow(item).filter(pa.array(known))
    q, s = q[known], np.asarray(score, dtype=np.float64)[known]
    # A multi-key sort compares item ids only where (query, score) tie: cheap even for text.
    table = pa.table({"q": q, "s": s, "i": item})
    order = pc.sort_indices(
        table, sort_keys=[("q", "ascending"), ("s", "descending"), ("i", "ascending")]
    ).to_numpy()
    q, pred_i = q[order], _positions(item, judged)[order]
    ranks = _rank_within(q, n_queries)
    if k is not None:
        within = ranks < k
        q, pred_i, ranks = q[within], pred_i[within], ranks[within]
    return Ranked(
        n_queries=n_queries,
        query=q,
        rank=ranks,
        gain=_gains(true_q * n_judged + true_i, relevance, q * n_judged + pred_i, pred_i >= 0),
        n_relevant=np.bincount(true_q, minlength=n_queries),
        true_query=true_q,
        relevance=relevance,
    )


def _has_duplicates(keys: np.ndarray) -> bool:
    # Sorting beats hashing here: keys spread over a wide range make hash tables slow.
    ordered = np.sort(keys)
    return bool((ordered[1:] == ordered[:-1]).any())


def _gains(true_keys, relevance, keys, candidate) -> np.ndarray:
    """The relevance of each (query, item) key; only ``candidate`` rows (whose item is relevant
    for some query) are looked up, the others are 0."""
    keys = keys[candidate]
    if _has_duplicates(true_keys):
        raise ValueError("the reference has a (query, item) pair more than once")
    if _has_duplicates(keys):
        raise ValueError("the ranking has a (query, item) pair more than once")
    position = _positions(pa.array(keys), pa.array(true_keys))
    found = np.flatnonzero(candidate)[position >= 0]
    gains = np.zeros(candidate.size)
    gains[found] = relevance[position[position >= 0]]
    return gains


def _mean_per_query(numerator: np.ndarray, denominator: np.ndarray) -> float:
    per_query = np.divide(
        numerator, denominator, out=np.zeros(numerator.size), where=denominator > 0
    )
    return float(per_query.mean()) if per_query.size else 0.0


def _discount(rank: np.ndarray) -> np.ndarray:
    return 1.0 / np.log2(rank + 2.0)


def ndcg_score(true_query, true_item, relevance, query, item, score, k=None) -> float:
    """Normalised discounted cumulative gain at k, averaged over the reference's queries.

    Linear gain (the relevance itself) and a log2 discount, as ``sklearn.metrics.ndcg_score``:
    DCG@k = Σ_{rank r ≤ k} rel_r / log2(r + 1), divided by the DCG@k of the ideal ordering of
    the query's reference items.

    >>> ndcg_score(np.array(["q", "q"]), np.array(["a", "b"]), np.array([2.0, 1.0]),
    ...            np.array(["q", "q"]), np.array(["a", "b"]), np.array([0.1, 0.9]), k=2)
    0.8597186998521972
    """
    ranked = rank_items(true_query, true_item, relevance, query, item, score, k)
    n = ranked.n_queries
    dcg = np.bincount(ranked.query, ranked.gain * _discount(ranked.rank), minlength=n)
    true_q, relevance = ranked.true_query, ranked.relevance
    ideal = np.lexsort((-relevance, true_q))
    ideal_q, ideal_r = true_q[ideal], relevance[ideal]
    ideal_rank = _rank_within(ideal_q, n)
    within = ideal_rank < k if k is not None else np.ones(ideal_q.size, dtype=bool)
    idcg = np.bincount(
        ideal_q[within], ideal_r[within] * _discount(ideal_rank[within]), minlength=n
    )
    return _mean_per_query(dcg, idcg)


def _hits_so_far(ranked: Ranked, relevant: np.ndarray) -> np.ndarray:
    """Relevant items at or above each ranked row, within its query."""
    total = np.cumsum(relevant)
    before = total - relevant
    first = ranked.rank == 0  # each query's first row
    offset = np.zeros(ranked.n_queries, dtype=np.int64)
    offset[ranked.query[first]] = before[first]
    return total - offset[ranked.query]


def mean_average_precision_score(true_query, true_item, relevance, query, item, score, k=None):
    """Mean average precision at k over the reference's queries.

    AP@k = Σ_{rank r ≤ k, item r relevant} precision@r / min(k, R), where R is the query's
    number of relevant reference items (relevance > 0), so a perfect ranking scores 1 even when
    R > k. Without a cut-off the denominator is R.

    >>> mean_average_precision_score(
    ...     np.array(["q", "q"]), np.array(["a", "b"]), np.array([1.0, 1.0]),
    ...     np.array(["q", "q", "q"]), np.array(["a", "x", "b"]), np.array([0.9, 0.8, 0.7]), k=3)
    0.8333333333333333
    """
    ranked = rank_items(true_query, true_item, relevance, query, item, score, k)
    relevant = (ranked.gain > 0).astype(np.int64)
    precision = _hits_so_far(ranked, relevant) / (ranked.rank + 1.0)
    sums = np.bincount(ranked.query, precision * relevant, minlength=ranked.n_queries)
    denominator = ranked.n_relevant if k is None else np.minimum(ranked.n_relevant, k)
    return _mean_per_query(sums, denominator)


def mean_reciprocal_rank_score(true_query, true_item, relevance, query, item, score, k=None):
    """Mean over the reference's queries of 1 / rank of the first relevant item (0 if none).

    >>> mean_reciprocal_rank_score(
    ...     np.array(["q", "p"]), np.array(["a", "b"]), np.array([1.0, 2.0]),
    ...     np.array(["q", "q", "p"]), np.array(["x", "a", "b"]), np.array([0.9, 0.8, 0.1]))
    0.75
    """
    ranked = rank_items(true_query, true_item, relevance, query, item, score, k)
    relevant = ranked.gain > 0
    first = relevant & (_hits_so_far(ranked, relevant.astype(np.int64)) == 1)
    reciprocal = np.zeros(ranked.n_queries)
    reciprocal[ranked.query[first]] = 1.0 / (ranked.rank[first] + 1.0)
    return float(reciprocal.mean()) if reciprocal.size else 0.0


def recall_at_k_score(true_query, true_item, relevance, query, item, score, k=None) -> float:
    """Share of each query's relevant reference items ranked within the first k, averaged.

    The denominator is R, all of the query's relevant items (as trec_eval's ``recall_k``), so a
    query with more than k relevant items cannot reach 1.

    >>> recall_at_k_score(np.array(["q", "q"]), np.array(["a", "b"]), np.array([1.0, 3.0]),
    ...                   np.array(["q", "q"]), np.array(["a", "b"]), np.array([0.9, 0.1]), k=1)
    0.5
    """
    ranked = rank_items(true_query, true_item, relevance, query, item, score, k)
    hits = np.bincount(
        ranked.query, (ranked.gain > 0).astype(np.float64), minlength=ranked.n_queries
    )
    return _mean_per_query(hits, ranked.n_relevant.astype(np.float64))


RANKING = frozenset({TaskKind.RANKING})
# MAP@k, MRR and recall@k have no reference in scikit-learn; they are checked against a plain
# loop-per-query implementation written independently in the tests.
PLAIN = "tests.scoring.test_metrics_retrieval"

register(
    Metric("ndcg", ndcg_score, True, 0.0, 1.0, RANKING, "sklearn.metrics.ndcg_score", cutoff="k")
)
register(
    Metric(
        "map",
        mean_average_precision_score,
        True,
        0.0,
        1.0,
        RANKING,
        f"{PLAIN}.plain_map_at_k",
        cutoff="k",
    )
)
register(Metric("mrr", mean_reciprocal_rank_score, True, 0.0, 1.0, RANKING, f"{PLAIN}.plain_mrr"))
register(
    Metric(
        "recall",
        recall_at_k_score,
        True,
        0.0,
        1.0,
        RANKING,
        f"{PLAIN}.plain_recall_at_k",
        cutoff="k",
    )
)
