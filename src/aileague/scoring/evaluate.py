"""Read, validate and score one predictions file against a hidden reference in one pass.

The reference carries the public/private split, so one read of a submission yields both scores.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from aileague.scoring.metrics import chrf_signature, get_metric
from aileague.scoring.readers import read_csv_as_text
from aileague.scoring.schema import SchemaError, TaskKind, TaskSchema
from aileague.scoring.validation import (
    MAX_EXAMPLES,
    InvalidSubmission,
    Problem,
    check_ids,
    examples_of,
    parse_numbers,
)

SCORER_VERSION = "1"
SPLITS = ("public", "private")


class ReferenceError(SchemaError):
    """The hidden reference itself is broken: an organiser's problem, never a team's."""


@dataclass
class Reference:
    ids: pa.Array
    target: np.ndarray | list[str]
    is_public: np.ndarray


@dataclass
class Evaluation:
    scores: dict[str, float]
    metric: str
    scorer_version: str
    signature: str
    rows: int
    warnings: list[Problem] = field(default_factory=list)


def _encode_labels(values: pa.Array, labels: tuple[str, ...]) -> np.ndarray:
    import pyarrow.compute as pc

    codes = pc.index_in(pc.utf8_trim_whitespace(values), value_set=pa.array(list(labels)))
    return codes.to_numpy(zero_copy_only=False)


def _read_reference(path: Path, schema: TaskSchema) -> Reference:
    try:
        text = read_csv_as_text(path)
    except InvalidSubmission as exc:
        raise ReferenceError(f"reference {path.name}: {exc}") from None
    table = text.table
    needed = [schema.id_column, schema.target_column, schema.split_column]
    missing = [name for name in needed if name not in table.column_names]
    if missing:
        raise ReferenceError(
            f"reference {path.name} lacks column(s) {', '.join(missing)}; "
            f"it needs {', '.join(needed)}"
        )
    if text.ragged_rows:
        raise ReferenceError(f"reference {path.name} line {text.ragged_rows[0].line} is ragged")
    ids = table.column(schema.id_column).combine_chunks()
    split = np.asarray(table.column(schema.split_column).to_numpy(zero_copy_only=False))
    bad_split = ~np.isin(split, list(SPLITS))
    if bad_split.any():
        raise ReferenceError(
            f"reference {path.name} line {int(np.flatnonzero(bad_split)[0]) + 2}: split must be "
            "'public' or 'private'"
        )
    target_text = table.column(schema.target_column).combine_chunks()
    target: np.ndarray | list[str]
    if schema.kind is TaskKind.TEXT:
        # Predictions are NFC-normalised before scoring; the reference must be too, or the same
        # text in another normal form would not match itself.
        target = [unicodedata.normalize("NFC", value) for value in target_text.to_pylist()]
    elif schema.kind is TaskKind.MULTICLASS_LABEL:
        target = _encode_labels(target_text, schema.labels)
        if np.isnan(target.astype(np.float64)).any():
            raise ReferenceError(f"reference {path.name} has labels outside {list(schema.labels)}")
        target = target.astype(np.int64)
    else:
        target, problems = parse_numbers(target_text, schema.target_column)
        if problems:
            raise ReferenceError(f"reference {path.name}: {problems[0].message()}")
        if schema.kind is TaskKind.BINARY_PROBABILITY:
            _check_binary_target(path, target, split == "public")
    return Reference(ids=ids, target=target, is_public=split == "public")


def _check_binary_target(path: Path, target: np.ndarray, is_public: np.ndarray) -> None:
    """Binary targets are 0/1 and each split holds both classes, or AUC is undefined."""
    if not np.isin(target, (0.0, 1.0)).all():
        raise ReferenceError(f"reference {path.name}: binary targets must be 0 or 1")
    for name, mask in (("public", is_public), ("private", ~is_public)):
        values = set(np.unique(target[mask]).tolist())
        if mask.any() and values != {0.0, 1.0}:
            raise ReferenceError(
                f"reference {path.name}: the {name} split needs both classes (0 and 1)"
            )


@functools.lru_cache(maxsize=16)
def _cached_reference(path: str, mtime_ns: int, size: int, schema: TaskSchema) -> Reference:
    return _read_reference(Path(path), schema)


def load_reference(path: Path, schema: TaskSchema) -> Reference:
    """Read (or reuse) a reference; the cache key includes its mtime, so edits are seen."""
    stat = Path(path).stat()
    return _cached_reference(str(path), stat.st_mtime_ns, stat.st_size, schema)


def _read_predictions(text, schema: TaskSchema, reference: Reference):
    table = text.table
    expected = [schema.id_column, schema.prediction_column]
    problems: list[Problem] = []
    names = table.column_names
    if len(names) == 1 and any(sep in names[0] for sep in (";", "\t", "|")):
        delimiter = next(sep for sep in (";", "\t", "|") if sep in names[0])
        raise InvalidSubmission(
            [Problem("wrong_delimiter", {"header": names[0], "delimiter": delimiter})]
        )
    for name in expected:
        if name not in names:
            problems.append(
                Problem("missing_column", {"column": name, "expected": ",".join(expected)})
            )
    for name in names:
        if name not in expected:
            problems.append(
                Problem("unexpected_column", {"column": name, "expected": ",".join(expected)})
            )
    if text.ragged_rows:
        shown = text.ragged_rows[:MAX_EXAMPLES]
        problems.append(
            Problem(
                "ragged_row",
                {"count": len(text.ragged_rows), "expected": text.expected_fields},
                lines=[row.line for row in shown],
                examples=[row.text for row in shown],
            )
        )
    if problems:
        raise InvalidSubmission(problems)
    ids = table.column(schema.id_column).combine_chunks()
    raw = table.column(schema.prediction_column).combine_chunks()
    order, problems = check_ids(ids, reference.ids)
    values, value_problems = _parse_values(raw, schema)
    problems.extend(value_problems)
    if problems:
        raise InvalidSubmission(problems)
    assert order is not None
    if isinstance(values, list):
        return [values[i] for i in order]
    return values[order]


def _parse_values(raw: pa.Array, schema: TaskSchema):
    column = schema.prediction_column
    if schema.kind is TaskKind.TEXT:
        return [unicodedata.normalize("NFC", value) for value in raw.to_pylist()], []
    if schema.kind is TaskKind.MULTICLASS_LABEL:
        codes = _encode_labels(raw, schema.labels)
        unknown = np.isnan(codes.astype(np.float64))
        if unknown.any():
            labels = ", ".join(schema.labels)
            return None, [
                examples_of(unknown, raw, "unknown_label", {"column": column, "labels": labels})
            ]
        return codes.astype(np.int64), []
    values, problems = parse_numbers(raw, column)
    if problems:
        return None, problems
    if schema.kind is TaskKind.BINARY_PROBABILITY:
        outside = (values < 0) | (values > 1)
        if outside.any():
            return None, [examples_of(outside, raw, "probability_out_of_range", {"column": column})]
    return values, []


def _score_split(schema: TaskSchema, reference: Reference, predictions, mask: np.ndarray) -> float:
    metric = get_metric(schema.metric)
    if schema.kind is TaskKind.TEXT:
        rows = np.flatnonzero(mask)
        return metric([reference.target[i] for i in rows], [predictions[i] for i in rows])
    kwargs = {"n_labels": len(schema.labels)} if schema.metric == "f1_macro" else {}
    return metric(reference.target[mask], predictions[mask], **kwargs)


def evaluate_file(predictions_path: Path, reference_path: Path, schema: TaskSchema) -> Evaluation:
    """Score a predictions file on every split of the reference.

    Raises ``InvalidSubmission`` (the team's file is wrong) or ``ReferenceError`` (ours is).
    """
    if Path(predictions_path).suffix.lower() not in {".csv", ""}:
        raise InvalidSubmission(
            [Problem("unsupported_format", {"suffix": Path(predictions_path).suffix})]
        )
    reference = load_reference(Path(reference_path), schema)
    text = read_csv_as_text(Path(predictions_path))
    predictions = _read_predictions(text, schema, reference)
    scores = {}
    for split in SPLITS:
        mask = reference.is_public if split == "public" else ~reference.is_public
        if mask.any():
            scores[split] = _score_split(schema, reference, predictions, mask)
    signature = f"{schema.metric}|scorer:{SCORER_VERSION}"
    if schema.metric == "chrf":
        signature = chrf_signature()
    return Evaluation(
        scores=scores,
        metric=schema.metric,
        scorer_version=SCORER_VERSION,
        signature=signature,
        rows=len(reference.ids),
    )
