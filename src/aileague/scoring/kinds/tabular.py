"""One prediction per id (probabilities, labels, numbers), or one probability per label.

Labels become integer codes in the order of the task's ``labels`` (``0``/``1`` for
``binary_label``), so ordinal metrics such as quadratic weighted kappa follow that order. A label
metric asks for schema facts (``Metric.schema_facts``, e.g. ``n_labels``) and the kind passes
them as keyword arguments.

A reference must be scorable, so that a team's valid file never fails on the organiser's data: a
perfect submission has a score on every split (checked once, when the reference is loaded), and
each split of a binary or multiclass_probability reference holds at least two labels.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aileague.scoring.kinds.base import Aligned, Kind, ReferenceError, RowReference, split_column
from aileague.scoring.messages import register_messages
from aileague.scoring.metrics.base import Metric, get_metric
from aileague.scoring.schema import SchemaError, TaskKind, TaskSchema
from aileague.scoring.validation import (
    InvalidSubmission,
    Problem,
    align_ids,
    examples_of,
    locate_ids,
    order_of,
    parse_numbers,
)

#: Allowed |Σ p − 1| per row of a multiclass_probability file. Rounding each probability to 6
#: decimals keeps up to 20 labels within it, and it is inside scikit-learn's own check for
#: one-vs-rest AUC (np.allclose: 1e-5 + 1e-8), so every accepted file is one it scores too.
SUM_TOLERANCE = 1e-5

PROBABILITY_SUM = "probabilities_do_not_sum_to_one"
VALUE_TOO_LOW = "value_too_low"

register_messages(
    {
        PROBABILITY_SUM: {
            "en": "{count} row(s) have probabilities that do not add up to 1 (within "
            "{tolerance}); give one probability per label, summing to 1 in each row.",
            "zh-hans": "{count} 行的各标签概率之和不等于 1（允许误差 {tolerance}）；"
            "请为每个标签给出一个概率，且每行之和为 1。",
        },
        VALUE_TOO_LOW: {
            "en": "{count} value(s) in '{column}' are {limit} or less; the {metric} metric needs "
            "values greater than {limit}.",
            "zh-hans": "'{column}' 列中有 {count} 个值小于或等于 {limit}；"
            "{metric} 指标要求取值大于 {limit}。",
        },
    }
)


def encode_labels(values: pa.Array, labels: tuple[str, ...]) -> np.ndarray:
    """Label codes 0..K-1 in the order of ``labels``; NaN where a value is not a label."""
    codes = pc.index_in(pc.utf8_trim_whitespace(values), value_set=pa.array(list(labels)))
    return codes.to_numpy(zero_copy_only=False)


def built_in_metric(schema: TaskSchema) -> Metric | None:
    """The task's metric from the registry; None for a custom one, which never runs at load."""
    if getattr(schema, "custom_metric", None) is not None:
        return None
    try:
        return get_metric(schema.metric)
    except KeyError:
        return None


def aligned(
    values: np.ndarray, position: np.ndarray | None, schema: TaskSchema, reference: RowReference
) -> Aligned:
    """Predictions for ``score``, gathered split by split (in parallel) when scored.

    A shuffled file is scored in its own order when the task's metric is exact in any order
    and the targets are classes (``RowReference.packed``); otherwise its predictions are put in
    the reference's order, so that the sums a score adds up are always added in one order.
    """
    if position is None:
        return Aligned(values)
    metric = built_in_metric(schema)
    if metric is not None and metric.exact_in_any_order and reference.packed is not None:
        return Aligned.in_file_order(values, position, reference)
    return Aligned(values, order_of(position))


def metric_kwargs(metric: Metric, facts: dict[str, Any]) -> dict[str, Any]:
    """The schema facts ``metric`` asks for, as keyword arguments."""
    return {name: facts[name] for name in metric.schema_facts}


def require_two_labels(codes: np.ndarray, split: np.ndarray, labels, name: str) -> None:
    """Each split needs two distinct labels, or one-vs-rest AUC has no negative to rank."""
    for split_name in ("public", "private"):
        present = np.unique(codes[split == split_name])
        if present.size == 1:
            raise ReferenceError(
                f"reference {name}: the {split_name} split has only the label "
                f"{labels[int(present[0])]!r}; each split needs at least two labels"
            )


def parse_binary_target(raw: pa.Array, schema: TaskSchema, name: str, split: np.ndarray):
    target, problems = parse_numbers(raw, schema.target_column)
    if problems:
        raise ReferenceError(f"reference {name}: {problems[0].message()}")
    if not np.isin(target, (0.0, 1.0)).all():
        raise ReferenceError(f"reference {name}: binary targets must be 0 or 1")
    for split_name in ("public", "private"):
        mask = split == split_name
        if mask.any() and set(np.unique(target[mask]).tolist()) != {0.0, 1.0}:
            raise ReferenceError(
                f"reference {name}: the {split_name} split needs both classes (0 and 1)"
            )
    return target


class OneValuePerId(Kind):
    """Predictions: ``id_column, prediction_column``; reference: ``id, target, split``."""

    def prediction_columns(self, schema: TaskSchema) -> list[str]:
        return [schema.id_column, schema.prediction_column]

    def reference_columns(self, schema: TaskSchema) -> list[str]:
        return [schema.id_column, schema.target_column, schema.split_column]

    def load_reference(self, table: pa.Table, schema: TaskSchema, name: str) -> RowReference:
        split = split_column(table, schema, name)
        raw = table.column(schema.target_column).combine_chunks()
        target = self.parse_target(raw, schema, name, split)
        reference = RowReference(
            ids=table.column(schema.id_column).combine_chunks(),
            target=target,
            is_public=split == "public",
        )
        self.check_reference(reference, schema, name)
        return reference

    def check_reference(self, reference: RowReference, schema: TaskSchema, name: str) -> None:  # noqa: B027 - optional hook
        """Raise ReferenceError when a split of the parsed reference cannot be scored."""

    def parse_target(self, raw: pa.Array, schema: TaskSchema, name: str, split: np.ndarray):
        target, problems = parse_numbers(raw, schema.target_column)
        if problems:
            raise ReferenceError.from_problem(name, problems[0])
        return target

    # Ids are matched block by block and the values parsed from the blocks: joining the blocks
    # first would copy the file's columns once more.
    reads_blocks = True

    def load_predictions(self, table: pa.Table, schema: TaskSchema, reference: RowReference):
        ids = table.column(schema.id_column)
        raw = table.column(schema.prediction_column)
        order, problems = align_ids(ids, reference.ids)
        values, value_problems = self.parse_values(raw, schema)
        problems.extend(value_problems)
        if problems:
            raise InvalidSubmission(problems)
        return self.align(values, order)

    def align(self, values, order: np.ndarray | None):
        """The predictions as ``score`` takes them; ``order`` is None for the reference's order."""
        return values if order is None else self.reorder(values, order)

    def reorder(self, values, order: np.ndarray):
        return values[order]

    def parse_values(self, raw: pa.Array, schema: TaskSchema):
        return parse_numbers(raw, schema.prediction_column)

    def facts(self, schema: TaskSchema) -> dict[str, Any]:
        """Schema facts a metric may ask for (``Metric.schema_facts``)."""
        return {}


class Tabular(OneValuePerId):
    """A kind whose targets are valid predictions: a perfect submission is the target itself.

    Scoring the reference against itself when it is loaded (once per process) turns a split on
    which the metric is undefined (R² on one row, a reference value outside RMSLE's domain)
    into the organiser's ReferenceError, instead of a team's failed submission.
    """

    parallel_splits = True
    #: Whether the predictions are numbers, which the reader may then parse as such.
    numeric_predictions = True

    def numeric_columns(self, schema: TaskSchema) -> frozenset[str]:
        return frozenset({schema.prediction_column} if self.numeric_predictions else ())

    def load_predictions(self, table: pa.Table, schema: TaskSchema, reference: RowReference):
        ids = table.column(schema.id_column)
        raw = table.column(schema.prediction_column)
        position, problems = locate_ids(ids, reference.ids)
        values, value_problems = self.parse_values(raw, schema)
        problems.extend(value_problems)
        if problems:
            raise InvalidSubmission(problems)
        return aligned(values, position, schema, reference)

    def score(
        self, metric: Metric, schema: TaskSchema, reference: RowReference, predictions, split: str
    ) -> float:
        kwargs = metric_kwargs(metric, self.facts(schema))
        return metric(*predictions.split_pairs(reference, split), **kwargs)

    def check_reference(self, reference: RowReference, schema: TaskSchema, name: str) -> None:
        for split in reference.splits:
            reference.split_target(split)  # once with the reference, not with a submission
        metric = built_in_metric(schema)
        if metric is None:
            return
        for split in reference.splits:
            try:
                self.score(metric, schema, reference, Aligned(reference.target), split)
            except ValueError as exc:
                raise ReferenceError(
                    f"reference {name}: the {split} split cannot be scored with "
                    f"{schema.metric}: {exc}"
                ) from None


class BinaryProbability(Tabular):
    kind = TaskKind.BINARY_PROBABILITY

    def parse_target(self, raw, schema, name, split):
        return parse_binary_target(raw, schema, name, split)

    def parse_values(self, raw, schema):
        values, problems = parse_numbers(raw, schema.prediction_column)
        if problems:
            return None, problems
        outside = (values < 0) | (values > 1)
        if outside.any():
            column = schema.prediction_column
            return None, [examples_of(outside, raw, "probability_out_of_range", {"column": column})]
        return values, []


class BinaryLabel(Tabular):
    """Predictions are 0 or 1 (written as numbers: ``1``, ``1.0``); so is the target."""

    kind = TaskKind.BINARY_LABEL

    def facts(self, schema):
        return {"n_labels": 2}

    def parse_target(self, raw, schema, name, split):
        return parse_binary_target(raw, schema, name, split).astype(np.int64)

    def parse_values(self, raw, schema):
        values, problems = parse_numbers(raw, schema.prediction_column)
        if problems:
            return None, problems
        other = (values != 0) & (values != 1)
        if other.any():
            params = {"column": schema.prediction_column, "labels": "0, 1"}
            return None, [examples_of(other, raw, "unknown_label", params)]
        return values.astype(np.int64), []


def check_labels(schema: TaskSchema, kind: TaskKind) -> None:
    if len(schema.labels) < 2:
        raise SchemaError(f"a {kind.value} task needs a 'labels' list of at least 2 labels")


class MulticlassLabel(Tabular):
    kind = TaskKind.MULTICLASS_LABEL
    numeric_predictions = False

    def check_schema(self, schema: TaskSchema) -> None:
        check_labels(schema, self.kind)

    def facts(self, schema):
        return {"n_labels": len(schema.labels)}

    def parse_target(self, raw, schema, name, split):
        codes = encode_labels(raw, schema.labels)
        if np.isnan(codes.astype(np.float64)).any():
            raise ReferenceError(f"reference {name} has labels outside {list(schema.labels)}")
        return codes.astype(np.int64)

    def parse_values(self, raw, schema):
        codes = encode_labels(raw, schema.labels)
        unknown = np.isnan(codes.astype(np.float64))
        if unknown.any():
            params = {"column": schema.prediction_column, "labels": ", ".join(schema.labels)}
            return None, [examples_of(unknown, raw, "unknown_label", params)]
        return codes.astype(np.int64), []


def values_above(schema: TaskSchema) -> float | None:
    metric = built_in_metric(schema)
    return None if metric is None else metric.values_above


class Regression(Tabular):
    kind = TaskKind.REGRESSION

    def parse_target(self, raw, schema, name, split):
        target = super().parse_target(raw, schema, name, split)
        limit = values_above(schema)
        if limit is not None and (target <= limit).any():
            raise ReferenceError.at_rows(
                name,
                np.flatnonzero(target <= limit)[:1],
                f"{schema.metric} needs targets greater than {limit:g}",
            )
        return target

    def parse_values(self, raw, schema):
        values, problems = parse_numbers(raw, schema.prediction_column)
        limit = values_above(schema)
        if problems or limit is None or not (values <= limit).any():
            return values, problems
        params = {
            "column": schema.prediction_column,
            "limit": f"{limit:g}",
            "metric": schema.metric,
        }
        return None, [examples_of(values <= limit, raw, VALUE_TOO_LOW, params)]


class MulticlassProbability(Kind):
    """One probability column per label, named exactly as the labels, each row summing to 1.

    Predictions: ``id_column, <label 1>, …, <label K>`` (any column order); reference:
    ``id, target, split`` with the true label as target. Probabilities are in [0, 1] and each
    row's sum is within ``SUM_TOLERANCE`` of 1; they are scored as given, not renormalised.
    """

    kind = TaskKind.MULTICLASS_PROBABILITY

    def check_schema(self, schema: TaskSchema) -> None:
        check_labels(schema, self.kind)
        if schema.id_column in schema.labels:
            raise SchemaError(f"a label cannot be named like the id column {schema.id_column!r}")
        if any(not label.strip() for label in schema.labels):
            raise SchemaError("labels name the probability columns: none may be empty")

    def prediction_columns(self, schema: TaskSchema) -> list[str]:
        return [schema.id_column, *schema.labels]

    def reference_columns(self, schema: TaskSchema) -> list[str]:
        return [schema.id_column, schema.target_column, schema.split_column]

    def load_reference(self, table: pa.Table, schema: TaskSchema, name: str) -> RowReference:
        split = split_column(table, schema, name)
        codes = encode_labels(table.column(schema.target_column).combine_chunks(), schema.labels)
        if np.isnan(codes.astype(np.float64)).any():
            raise ReferenceError(f"reference {name} has labels outside {list(schema.labels)}")
        codes = codes.astype(np.int64)
        require_two_labels(codes, split, schema.labels, name)
        ids = table.column(schema.id_column).combine_chunks()
        reference = RowReference(ids=ids, target=codes, is_public=split == "public")
        for split_name in reference.splits:
            reference.split_target(split_name)  # once with the reference, not with a submission
        return reference

    def numeric_columns(self, schema: TaskSchema) -> frozenset[str]:
        return frozenset(schema.labels)

    def load_predictions(self, table: pa.Table, schema: TaskSchema, reference: RowReference):
        ids = table.column(schema.id_column).combine_chunks()
        position, problems = locate_ids(ids, reference.ids)
        columns = []
        for label in schema.labels:
            raw = table.column(label).combine_chunks()
            values, column_problems = parse_numbers(raw, label)
            if not column_problems:
                outside = (values < 0) | (values > 1)
                if outside.any():
                    params = {"column": label}
                    column_problems = [
                        examples_of(outside, raw, "probability_out_of_range", params)
                    ]
            problems.extend(column_problems)
            columns.append(values if not column_problems else None)
        if all(values is not None for values in columns):
            problems.extend(self._check_sums(columns))
        if problems:
            raise InvalidSubmission(problems)
        matrix = np.empty((len(ids), len(columns)), dtype=np.float64)
        for k, values in enumerate(columns):
            matrix[:, k] = values
        return aligned(matrix, position, schema, reference)

    def _check_sums(self, columns: list[np.ndarray]) -> list[Problem]:
        total = columns[0].copy()
        for values in columns[1:]:
            total += values
        off = np.abs(total - 1.0) > SUM_TOLERANCE
        if not off.any():
            return []
        params = {"tolerance": f"{SUM_TOLERANCE:g}"}
        return [examples_of(off, pa.array(total), PROBABILITY_SUM, params)]

    def score(self, metric, schema, reference, predictions, split):
        kwargs = metric_kwargs(metric, {"n_labels": len(schema.labels)})
        return metric(*predictions.split_pairs(reference, split), **kwargs)


KINDS = [
    BinaryProbability(),
    MulticlassLabel(),
    Regression(),
    BinaryLabel(),
    MulticlassProbability(),
]
