"""Ranking metrics over many queries at once: NDCG@k, MAP@k, MRR (with or without k) and recall@k.

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


def _integers(values: Ids) -> np.ndarray | None:
    """``values`` as an int64 numpy array when they are integers, else None."""
    if isinstance(values, pa.ChunkedArray | pa.Array):
        if not pa.types.is_integer(values.type) or values.null_count:
            return None
        values = _arrow(values).to_numpy()
    values = np.asarray(values)
    return values.astype(np.int64, copy=False) if values.dtype.kind in "iu" else None


def _dense_span(*arrays: np.ndarray) -> tuple[int, int] | None:
    """(lowest value, span) when the integers fit a table of a few times their count."""
    sized = [a for a in arrays if a.size]
    if not sized:
        return 0, 1
    low = min(int(a.min()) for a in sized)
    span = max(int(a.max()) for a in sized) - low + 1
    return (low, span) if span <= 4 * sum(a.size for a in sized) + 1024 else None


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


def _query_codes(true_query: Ids, query: Ids) -> tuple[int, np.ndarray, np.ndarray]:
    """The number of reference queries, and the reference's and the ranking's query codes
    (-1 for a query not in the reference)."""
    true_ints, ints = _integers(true_query), _integers(query)
    dense = _dense_span(true_ints) if true_ints is not None and ints is not None else None
    if dense is None:
        queries, true_q = _factorize(_arrow(true_query))
        return len(queries), true_q, _positions(_arrow(query), queries)
    # Integer ids in a narrow range (the ranking kind's codes): a lookup table, no hashing.
    low, span = dense
    present = np.zeros(span + 1, dtype=bool)  # the last entry stands for "not a reference id"
    present[true_ints - low] = True
    if low == 0 and present[:span].all():
        # Every id from 0 up is a reference query: the ids are their own codes.
        inside = (ints >= 0) & (ints < span)
        return span, true_ints, ints if inside.all() else np.where(inside, ints, -1)
    code = np.cumsum(present) - 1
    code[~present] = -1
    shifted = ints - low
    shifted[(shifted < 0) | (shifted > span)] = span
    return int(present.sum()), code[true_ints - low], code[shifted]


def _item_codes(true_item: Ids, item: Ids) -> tuple[int, np.ndarray, np.ndarray]:
    """Codes of both sides' items in one ascending order, and the number of codes."""
    true_ints, ints = _integers(true_item), _integers(item)
    if true_ints is not None and ints is not None:
        sized = [a for a in (true_ints, ints) if a.size]
        low = min((int(a.min()) for a in sized), default=0)
        span = max((int(a.max()) for a in sized), default=0) - low + 1
        if span < 1 << 31:  # (query, item) keys stay within int64
            return span, true_ints - low, ints - low
        both = np.concatenate([true_ints, ints])
        distinct, codes = np.unique(both, return_inverse=True)
    else:
        true_item = _arrow(true_item)
        distinct, codes = _factorize(
            pa.concat_arrays([true_item, _arrow(item).cast(true_item.type)])
        )
    n_true = len(true_item)
    return len(distinct), codes[:n_true], codes[n_true:]


def _take(values: Ids, rows: np.ndarray) -> Ids:
    if isinstance(values, pa.ChunkedArray | pa.Array):
        return values.take(pa.array(rows))
    return np.asarray(values)[rows]


def _group(codes: np.ndarray, n_groups: int) -> np.ndarray | None:
    """A stable order of the rows by group code, or None when they are grouped already."""
    if codes.size < 2 or bool((codes[1:] >= codes[:-1]).all()):
        return None
    # numpy sorts small unsigned integers stably by radix.
    narrow = np.uint16 if n_groups <= 1 << 16 else np.int64
    return np.argsort(codes.astype(narrow), kind="stable")


def _padded(codes: np.ndarray, values: np.ndarray, n_groups: int, fill: float):
    """Grouped rows as a (group × position) matrix, or None when the groups differ so much in
    size that the matrix would be much larger than the rows."""
    counts = np.bincount(codes, minlength=n_groups)
    width = int(counts.max()) if counts.size else 0
    if n_groups * width == codes.size:  # every group of the same size: a reshape does
        return values.reshape(n_groups, width).astype(np.float64)
    if n_groups * width > 2 * codes.size + 1024:
        return None
    position = np.arange(codes.size) - (np.cumsum(counts) - counts)[codes]
    matrix = np.full((n_groups, width), fill)
    matrix[codes, position] = values
    return matrix


def _kth_largest(codes: np.ndarray, values: np.ndarray, n_groups: int, k: int) -> np.ndarray:
    """Per group (rows grouped), its k-th largest value; -inf for groups of fewer rows."""
    matrix = _padded(codes, values, n_groups, -np.inf)
    if matrix is None:
        order = np.lexsort((-values, codes))
        rank = _rank_within(codes[order], n_groups)
        kth = np.full(n_groups, -np.inf)
        at_k = rank == k - 1
        kth[codes[order][at_k]] = values[order][at_k]
        return kth
    if matrix.shape[1] < k:
        return np.full(n_groups, -np.inf)
    at = matrix.shape[1] - k
    return np.partition(matrix, at, axis=1)[:, at]


def _rank_within(query_sorted: np.ndarray, n_queries: int) -> np.ndarray:
    """0-based position of each row within its query, for rows sorted by query."""
    counts = np.bincount(query_sorted, minlength=n_queries)
    starts = np.cumsum(counts) - counts
    return np.arange(query_sorted.size) - starts[query_sorted]


def _rank_order(q: np.ndarray, score: np.ndarray, item: np.ndarray, n: int) -> np.ndarray:
    """Order of rows grouped by query: score descending, then item code ascending."""
    matrix = _padded(q, -score, n, np.inf)
    if matrix is not None:
        ordered = np.sort(matrix, axis=1)
        # Float scores rarely tie; when none do, each query's rows sort on the score alone.
        if not ((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] < np.inf)).any():
            counts = np.bincount(q, minlength=n)
            rows = np.arange(q.size) - (np.cumsum(counts) - counts)[q]
            index = np.full(matrix.shape, -1, dtype=np.int64)
            index[q, rows] = np.arange(q.size)
            order = np.take_along_axis(index, np.argsort(matrix, axis=1), axis=1).ravel()
            return order[order >= 0]
    return np.lexsort((item, -score, q))


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

    Ids may be numpy or pyarrow arrays of integers or text. Integer ids in a narrow range (as
    the ranking kind's codes) are fastest: they index tables instead of being hashed. Only
    each query's best k rows (and rows tied with the k-th) are sorted and looked up.

    >>> r = rank_items(np.array(["q1", "q1"]), np.array(["a", "b"]), np.array([1.0, 0.0]),
    ...          np.array(["q1", "q1", "q1"]), np.array(["b", "c", "a"]), np.array([0.2, 0.9, 0.2]))
    >>> r.rank.tolist(), r.gain.tolist()
    ([0, 1, 2], [0.0, 1.0, 0.0])
    """
    if k is not None and k < 1:
        raise ValueError("the cut-off k must be at least 1")
    n_queries, true_q, q = _query_codes(true_query, query)
    relevance = np.asarray(relevance, dtype=np.float64)
    s = np.asarray(score, dtype=np.float64)
    # Rows of the ranking that count: of a reference query, and (with a cut-off) among the
    # query's best k scores, ties with the k-th included. ``rows`` indexes the ranking (None:
    # all of it, in order).
    rows = None
    if (q < 0).any():
        rows = np.flatnonzero(q >= 0)
        q, s = q[rows], s[rows]
    order = _group(q, n_queries)
    if order is not None:
        q, s, rows = q[order], s[order], order if rows is None else rows[order]
    if k is not None:
        best = np.flatnonzero(s >= _kth_largest(q, s, n_queries, k)[q])
        q, s, rows = q[best], s[best], best if rows is None else rows[best]
    # Items of relevance 0 weigh nothing anywhere, so only the relevant rows are looked up.
    relevant = np.flatnonzero(relevance > 0)
    n_items, true_i, pred_i = _item_codes(
        _take(true_item, relevant), item if rows is None else _take(item, rows)
    )
    true_q, relevance = true_q[relevant], relevance[relevant]
    order = _rank_order(q, s, pred_i, n_queries)
    q, pred_i = q[order], pred_i[order]
    ranks = _rank_within(q, n_queries)
    if k is not None:
        within = ranks < k
        q, pred_i, ranks = q[within], pred_i[within], ranks[within]
    n_items = np.int64(n_items)
    return Ranked(
        n_queries=n_queries,
        query=q,
        rank=ranks,
        gain=_gains(true_q * n_items + true_i, relevance, q * n_items + pred_i),
        n_relevant=np.bincount(true_q, minlength=n_queries),
        true_query=true_q,
        relevance=relevance,
    )


def _gains(true_keys: np.ndarray, relevance: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The relevance of each ranked (query, item) key, 0 where the reference has no such key."""
    # The ranking kind hands the reference over sorted by (query, item): no sort needed then.
    if true_keys.size > 1 and not (true_keys[1:] > true_keys[:-1]).all():
        order = np.argsort(true_keys, kind="stable")
        true_keys, relevance = true_keys[order], relevance[order]
        if (true_keys[1:] == true_keys[:-1]).any():
            raise ValueError("the reference has a (query, item) pair more than once")
    gains = np.zeros(keys.size)
    if not true_keys.size:
        return gains
    position = np.minimum(np.searchsorted(true_keys, keys), true_keys.size - 1)
    found = np.flatnonzero(true_keys[position] == keys)
    repeated = np.sort(keys[found])
    if (repeated[1:] == repeated[:-1]).any():
        raise ValueError("the ranking has a (query, item) pair more than once")
    gains[found] = relevance[position[found]]
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
    same_layout = _same_layout(true_query, true_item, relevance, query, item, score, k)
    if same_layout is not None:
        value = _ndcg_same_layout(*same_layout, k)
        if value is not None:
            return value
    ranked = rank_items(true_query, true_item, relevance, query, item, score, k)
    n = ranked.n_queries
    dcg = np.bincount(ranked.query, ranked.gain * _discount(ranked.rank), minlength=n)
    return _mean_per_query(dcg, _ideal_dcg(ranked.true_query, ranked.relevance, n, k))


def _equal_groups(codes: np.ndarray) -> tuple[int, int] | None:
    """(groups, size) when ``codes`` are 0, …, 0, 1, …, 1, … each repeated ``size`` times."""
    if not codes.size or codes[0] != 0:
        return None
    groups = int(codes[-1]) + 1
    if groups < 1 or codes.size % groups:
        return None
    matrix = codes.reshape(groups, codes.size // groups)
    if not (matrix == np.arange(groups)[:, None]).all():
        return None
    return groups, codes.size // groups


def _same_layout(true_query, true_item, relevance, query, item, score, k):
    """(relevance, score) as (query × position) matrices when both sides list the same
    (query, item) pairs in the same order, each query's items ascending, every query with as
    many items; None otherwise (or without a cut-off).

    So lists a re-ranking submission that keeps the order of the reference's candidates (as
    the ranking kind codes them): row j of a query is the same item on both sides, and item
    order is column order, so the matrices need no lookup.
    """
    if k is None:
        return None
    codes = [_integers(values) for values in (true_query, true_item, query, item)]
    if any(c is None for c in codes):
        return None
    true_q, true_i, q, i = codes
    if true_q.size != q.size or not np.array_equal(true_q, q) or not np.array_equal(true_i, i):
        return None
    shape = _equal_groups(q)
    if shape is None:
        return None
    items = i.reshape(shape)
    if shape[1] > 1 and not (items[:, 1:] > items[:, :-1]).all():
        return None  # not ascending, or an item twice: the general way looks each pair up
    relevance = np.asarray(relevance, dtype=np.float64).reshape(shape)
    score = np.asarray(score, dtype=np.float64).reshape(shape)
    return relevance, score


def _ndcg_same_layout(relevance: np.ndarray, score: np.ndarray, k: int) -> float | None:
    """``ndcg_score`` for ``_same_layout`` matrices: per row, the best k columns by score
    (ties by item, which is column order) found by partition rather than a sort; None when
    scores tie at the k-th place of some row."""
    queries, width = score.shape
    if k < width:
        kth = np.partition(score, width - k, axis=1)[:, width - k]
        chosen = score >= kth[:, None]
        if not (chosen.sum(axis=1) == k).all():
            return None  # ties at the k-th score: the general way breaks them
        columns = (np.flatnonzero(chosen) % width).reshape(queries, k)  # ascending per row
    else:
        columns = np.broadcast_to(np.arange(width), (queries, width))
    top = np.take_along_axis(score, columns, axis=1)
    order = np.argsort(-top, axis=1, kind="stable")  # stable: ties by column, i.e. by item
    gains = np.take_along_axis(relevance, np.take_along_axis(columns, order, axis=1), axis=1)
    depth = gains.shape[1]
    dcg = np.zeros(queries)
    for rank in range(depth):  # rank by rank, as the general way sums a query's rows
        dcg += gains[:, rank] * _discount(np.float64(rank))
    if k < width:
        relevance = np.partition(relevance, width - k, axis=1)[:, width - k :]
    best = np.sort(relevance, axis=1)[:, ::-1]
    ideal = best @ _discount(np.arange(best.shape[1]))
    return _mean_per_query(dcg, ideal)


def _ideal_dcg(true_q: np.ndarray, relevance: np.ndarray, n: int, k: int | None) -> np.ndarray:
    """Per query, the DCG@k of its relevant reference items in the best order."""
    order = _group(true_q, n)
    if order is not None:
        true_q, relevance = true_q[order], relevance[order]
    matrix = _padded(true_q, relevance, n, 0.0)
    if matrix is None:
        ideal = np.lexsort((-relevance, true_q))
        ideal_q, ideal_r = true_q[ideal], relevance[ideal]
        ideal_rank = _rank_within(ideal_q, n)
        within = ideal_rank < k if k is not None else np.ones(ideal_q.size, dtype=bool)
        return np.bincount(
            ideal_q[within], ideal_r[within] * _discount(ideal_rank[within]), minlength=n
        )
    if k is not None and k < matrix.shape[1]:
        at = matrix.shape[1] - k
        matrix = np.partition(matrix, at, axis=1)[:, at:]
    best = np.sort(matrix, axis=1)[:, ::-1]
    return best @ _discount(np.arange(best.shape[1]))


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

    With a cut-off k, a first relevant item ranked below k counts as none (MRR@k).

    >>> args = (np.array(["q", "p"]), np.array(["a", "b"]), np.array([1.0, 2.0]),
    ...         np.array(["q", "q", "p"]), np.array(["x", "a", "b"]), np.array([0.9, 0.8, 0.1]))
    >>> mean_reciprocal_rank_score(*args)
    0.75
    >>> mean_reciprocal_rank_score(*args, k=1)
    0.5
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
register(
    Metric(
        "mrr",
        mean_reciprocal_rank_score,
        True,
        0.0,
        1.0,
        RANKING,
        f"{PLAIN}.plain_mrr",
        cutoff="k",
        cutoff_optional=True,  # plain ``mrr`` (no cut-off) predates ``mrr@k``
    )
)
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
