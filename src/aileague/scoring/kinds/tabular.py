"""One prediction per id: binary probabilities, class labels, numbers."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aileague.scoring.kinds.base import Kind, ReferenceError, RowReference, split_column
from aileague.scoring.metrics.base import Metric
from aileague.scoring.schema import SchemaError, TaskKind, TaskSchema
from aileague.scoring.validation import InvalidSubmission, check_ids, examples_of, parse_numbers


def encode_labels(values: pa.Array, labels: tuple[str, ...]) -> np.ndarray:
    """Label codes 0..K-1 in the order of ``labels``; NaN where a value is not a label."""
    codes = pc.index_in(pc.utf8_trim_whitespace(values), value_set=pa.array(list(labels)))
    return codes.to_numpy(zero_copy_only=False)


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
        return RowReference(
            ids=table.column(schema.id_column).combine_chunks(), target=target, split=split
        )

    def parse_target(self, raw: pa.Array, schema: TaskSchema, name: str, split: np.ndarray):
        target, problems = parse_numbers(raw, schema.target_column)
        if problems:
            raise ReferenceError(f"reference {name}: {problems[0].message()}")
        return target

    def load_predictions(self, table: pa.Table, schema: TaskSchema, reference: RowReference):
        ids = table.column(schema.id_column).combine_chunks()
        raw = table.column(schema.prediction_column).combine_chunks()
        order, problems = check_ids(ids, reference.ids)
        values, value_problems = self.parse_values(raw, schema)
        problems.extend(value_problems)
        if problems:
            raise InvalidSubmission(problems)
        return self.reorder(values, order)

    def reorder(self, values, order: np.ndarray):
        return values[order]

    def parse_values(self, raw: pa.Array, schema: TaskSchema):
        return parse_numbers(raw, schema.prediction_column)

    def score(
        self, metric: Metric, schema: TaskSchema, reference: RowReference, predictions, split: str
    ) -> float:
        mask = reference.mask(split)
        return metric(reference.target[mask], predictions[mask])


class BinaryProbability(OneValuePerId):
    kind = TaskKind.BINARY_PROBABILITY

    def parse_target(self, raw, schema, name, split):
        target = super().parse_target(raw, schema, name, split)
        if not np.isin(target, (0.0, 1.0)).all():
            raise ReferenceError(f"reference {name}: binary targets must be 0 or 1")
        for split_name in ("public", "private"):
            mask = split == split_name
            if mask.any() and set(np.unique(target[mask]).tolist()) != {0.0, 1.0}:
                raise ReferenceError(
                    f"reference {name}: the {split_name} split needs both classes (0 and 1)"
                )
        return target

    def parse_values(self, raw, schema):
        values, problems = parse_numbers(raw, schema.prediction_column)
        if problems:
            return None, problems
        outside = (values < 0) | (values > 1)
        if outside.any():
            column = schema.prediction_column
            return None, [examples_of(outside, raw, "probability_out_of_range", {"column": column})]
        return values, []


class MulticlassLabel(OneValuePerId):
    kind = TaskKind.MULTICLASS_LABEL

    def check_schema(self, schema: TaskSchema) -> None:
        if len(schema.labels) < 2:
            raise SchemaError("a multiclass_label task needs a 'labels' list of at least 2 labels")

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

    def score(self, metric, schema, reference, predictions, split):
        mask = reference.mask(split)
        kwargs = {"n_labels": len(schema.labels)} if metric.name == "f1_macro" else {}
        return metric(reference.target[mask], predictions[mask], **kwargs)


class Regression(OneValuePerId):
    kind = TaskKind.REGRESSION

KINDS = [BinaryProbability(), MulticlassLabel(), Regression()]
