"""Ranked items per query: retrieval and recommendation.

Predictions: one row per ranked (query, item) pair, ``id_column, item_column,
prediction_column`` (query id, item id, score; higher scores rank first). Reference: one row per
judged pair, ``id_column, item_column, target_column, split_column`` (graded relevance ≥ 0; the
split is per query). Every query of the reference must be ranked; items the reference does not
judge are allowed and count as irrelevant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aileague.scoring.kinds.base import (
    Kind,
    ReferenceError,
    present_splits,
    split_column,
    split_per_group,
)
from aileague.scoring.messages import register_messages
from aileague.scoring.metrics.base import Metric
from aileague.scoring.schema import SchemaError, TaskKind, TaskSchema
from aileague.scoring.validation import (
    MAX_EXAMPLES,
    InvalidSubmission,
    Problem,
    examples_of,
    parse_numbers,
)

register_messages(
    {
        "empty_item": {
            "en": "{count} row(s) have an empty '{column}'; give every ranked item its id.",
            "zh-hans": "{count} 行的 '{column}' 为空；请为每个排序条目填写 id。",
        },
        "unknown_queries": {
            "en": "{count} row(s) belong to queries that are not in the test set; remove them.",
            "zh-hans": "有 {count} 行属于不在测试集中的查询；请删除这些行。",
        },
        "missing_queries": {
            "en": "{count} query(ies) of the test set have no ranked items; rank items for every "
            "query in the sample submission.",
            "zh-hans": "测试集中有 {count} 个查询没有任何排序结果；"
            "请为样例提交中的每个查询给出排序。",
        },
        "duplicate_item": {
            "en": "{count} (query, item) pair(s) appear more than once; rank each item at most "
            "once per query.",
            "zh-hans": "有 {count} 个（查询，条目）对重复出现；"
            "同一查询中每个条目最多只能出现一次。",
        },
    }
)


@dataclass
class RankingReference:
    """The judged pairs as integer codes, rows sorted by (query, item).

    Ids are factorised once here so that every scoring works on integer arrays: item codes are
    2 × an item's position in ``items`` (sorted) + 1, leaving the even codes for the ranking's
    unjudged items, so that code order is id order (the metrics break score ties by item id).
    """

    queries: pa.Array  # each query id once
    query_split: np.ndarray  # "public" / "private" per query
    query: np.ndarray  # per row: position of its query in ``queries``
    items: pa.Array  # each judged item id once, ascending
    item: np.ndarray  # per row: item code (2 × position in ``items`` + 1)
    relevance: np.ndarray  # per row, ≥ 0

    @property
    def splits(self) -> list[str]:
        return present_splits(self.query_split)


@dataclass
class RankingPredictions:
    query: np.ndarray  # position of the row's query in the reference's ``queries``
    item: np.ndarray  # item code, in the reference's coding (even for unjudged items)
    score: np.ndarray


def _item_codes(items: pa.Array, judged: pa.Array) -> np.ndarray:
    """Order-keeping codes of ``items``: 2 × position + 1 for judged items, else 2 × the number
    of judged items before it (unjudged items between the same two judged ones share a code;
    they all weigh 0, so their order among themselves changes no metric)."""
    codes, distinct = _encode(items)
    position = pc.index_in(distinct, value_set=judged)
    known = ~np.asarray(pc.is_null(position).to_numpy(zero_copy_only=False))
    distinct_codes = np.empty(len(distinct), dtype=np.int64)
    distinct_codes[known] = 2 * position.filter(pa.array(known)).to_numpy() + 1
    unknown = np.flatnonzero(~known)
    if unknown.size:
        # Sorted together with the judged items, each unjudged item lands after as many judged
        # ones as precede it.
        merged = pa.concat_arrays([judged, distinct.take(pa.array(unknown)).cast(judged.type)])
        order = pc.sort_indices(merged).to_numpy()
        judged_before = np.cumsum(order < len(judged))
        is_unknown = order >= len(judged)
        distinct_codes[unknown[order[is_unknown] - len(judged)]] = 2 * judged_before[is_unknown]
    return distinct_codes[codes]


def _is_empty(values: pa.Array) -> np.ndarray:
    return np.asarray(pc.equal(pc.utf8_length(values), 0).to_numpy(zero_copy_only=False))


def _encode(values: pa.Array) -> tuple[np.ndarray, pa.Array]:
    encoded = pc.dictionary_encode(values)
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), encoded.dictionary


def _first_duplicate(keys: np.ndarray) -> int | None:
    """The row of the first key seen before, or None."""
    ordered = np.sort(keys)
    if not (ordered[1:] == ordered[:-1]).any():
        return None  # the usual case, found without the stable sort below
    order = np.argsort(keys, kind="stable")
    repeated = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    return int(order[repeated + 1].min()) if repeated.size else None


class Ranking(Kind):
    kind = TaskKind.RANKING

    def check_schema(self, schema: TaskSchema) -> None:
        columns = [schema.id_column, schema.item_column, schema.prediction_column]
        reference = [schema.id_column, schema.item_column, schema.target_column]
        if len(set(columns)) < 3 or len(set(reference + [schema.split_column])) < 4:
            raise SchemaError(
                "a ranking task needs distinct id_column (query), item_column, "
                "prediction_column (score), target_column (relevance) and split_column"
            )

    def prediction_columns(self, schema: TaskSchema) -> list[str]:
        return [schema.id_column, schema.item_column, schema.prediction_column]

    def reference_columns(self, schema: TaskSchema) -> list[str]:
        return [schema.id_column, schema.item_column, schema.target_column, schema.split_column]

    def load_reference(self, table: pa.Table, schema: TaskSchema, name: str) -> RankingReference:
        split = split_column(table, schema, name)
        queries = table.column(schema.id_column).combine_chunks()
        items = table.column(schema.item_column).combine_chunks()
        for column, values in ((schema.id_column, queries), (schema.item_column, items)):
            empty = _is_empty(values)
            if empty.any():
                first = np.flatnonzero(empty)[:1]
                raise ReferenceError.at_rows(name, first, f"empty {column}")
        query, query_ids = _encode(queries)
        item, item_ids = _encode(items)
        keys = query * np.int64(len(item_ids)) + item
        duplicate = _first_duplicate(keys)
        if duplicate is not None:
            raise ReferenceError.at_rows(
                name,
                [duplicate],
                f"query {queries[duplicate]} judges item {items[duplicate]} twice",
            )
        relevance = self._relevance(table, schema, name)
        query_split = split_per_group(query, split, queries, name, noun="query", article="a")
        relevant = np.bincount(query[relevance > 0], minlength=len(query_ids))
        if (relevant == 0).any():
            first = int(np.flatnonzero(relevant == 0)[0])
            raise ReferenceError(
                f"reference {name}: query {query_ids[first]} has no relevant item "
                "(relevance > 0), so no ranking of it can be scored"
            )
        # Sorted item ids, and rows sorted by (query, item code), once per reference.
        judged = item_ids.take(pc.sort_indices(item_ids))
        item_code = _item_codes(items, judged)
        order = np.argsort(query * np.int64(2 * len(judged) + 1) + item_code)
        return RankingReference(
            queries=query_ids,
            query_split=query_split,
            query=query[order],
            items=judged,
            item=item_code[order],
            relevance=relevance[order],
        )

    def _relevance(self, table: pa.Table, schema: TaskSchema, name: str) -> np.ndarray:
        relevance, problems = parse_numbers(
            table.column(schema.target_column).combine_chunks(), schema.target_column
        )
        if problems:
            raise ReferenceError.from_problem(name, problems[0])
        if (relevance < 0).any():
            first = np.flatnonzero(relevance < 0)[:1]
            raise ReferenceError.at_rows(name, first, "relevance must be ≥ 0")
        return relevance

    def load_predictions(
        self, table: pa.Table, schema: TaskSchema, reference: RankingReference
    ) -> RankingPredictions:
        queries = table.column(schema.id_column).combine_chunks()
        items = table.column(schema.item_column).combine_chunks()
        problems: list[Problem] = []
        empty = _is_empty(queries)
        if empty.any():
            problems.append(examples_of(empty, queries, "empty_id", {}))
        empty_items = _is_empty(items)
        if empty_items.any():
            params = {"column": schema.item_column}
            problems.append(examples_of(empty_items, items, "empty_item", params))
        position = pc.index_in(queries, value_set=reference.queries)
        unknown = np.asarray(pc.is_null(position).to_numpy(zero_copy_only=False)) & ~empty
        if unknown.any():
            problems.append(examples_of(unknown, queries, "unknown_queries", {}))
        problems += self._missing_queries(queries, reference)
        problems += self._duplicates(queries, items)
        score, score_problems = parse_numbers(
            table.column(schema.prediction_column).combine_chunks(), schema.prediction_column
        )
        problems += score_problems
        if problems:
            raise InvalidSubmission(problems)
        return RankingPredictions(
            query=position.to_numpy(zero_copy_only=False).astype(np.int64),
            item=_item_codes(items, reference.items),
            score=score,
        )

    def _missing_queries(self, queries: pa.Array, reference: RankingReference) -> list[Problem]:
        present = np.asarray(
            pc.is_in(reference.queries, value_set=queries).to_numpy(zero_copy_only=False)
        )
        missing = np.flatnonzero(~present)
        if not missing.size:
            return []
        return [
            Problem(
                "missing_queries",
                {"count": int(missing.size)},
                examples=[str(reference.queries[int(i)]) for i in missing[:MAX_EXAMPLES]],
            )
        ]

    def _duplicates(self, queries: pa.Array, items: pa.Array) -> list[Problem]:
        query, _ = _encode(queries)
        item, item_ids = _encode(items)
        keys = query * np.int64(len(item_ids)) + item
        ordered = np.sort(keys)
        repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
        if not repeated.size:
            return []
        rows = np.flatnonzero(np.isin(keys, repeated))[:MAX_EXAMPLES]
        return [
            Problem(
                "duplicate_item",
                {"count": int(repeated.size)},
                examples=[f"{queries[int(row)]}, {items[int(row)]}" for row in rows],
                rows=[int(row) for row in rows],  # validate_table turns them into lines
            )
        ]

    def score(
        self,
        metric: Metric,
        schema: TaskSchema,
        reference: RankingReference,
        predictions: RankingPredictions,
        split: str,
    ) -> float:
        in_split = reference.query_split == split
        rows = in_split[reference.query]
        ranked = in_split[predictions.query]
        return metric(
            reference.query[rows],
            reference.item[rows],
            reference.relevance[rows],
            predictions.query[ranked],
            predictions.item[ranked],
            predictions.score[ranked],
        )


KINDS = [Ranking()]
