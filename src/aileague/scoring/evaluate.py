"""Read, validate and score one predictions file against a hidden reference in one pass.

The reference carries the public/private split, so one read of a submission yields both scores.
The steps are the same for every task kind; what differs lives in ``aileague.scoring.kinds``.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aileague.scoring.custom import metric_for_schema
from aileague.scoring.kinds import SPLITS, ReferenceError, get_kind
from aileague.scoring.readers import TextTable, read_table
from aileague.scoring.schema import TaskSchema
from aileague.scoring.validation import InvalidSubmission, Problem, check_columns, validate_table

SCORER_VERSION = "1"

__all__ = [
    "SCORER_VERSION",
    "SPLITS",
    "Evaluation",
    "ReferenceError",
    "evaluate_file",
    "load_reference",
]


@dataclass
class Evaluation:
    scores: dict[str, float]
    metric: str
    scorer_version: str
    signature: str
    rows: int
    warnings: list[Problem] = field(default_factory=list)


def _read_reference(path: Path, schema: TaskSchema) -> Any:
    kind = get_kind(schema.kind)
    try:
        text = read_table(path)
    except InvalidSubmission as exc:
        raise ReferenceError(f"reference {path.name}: {exc}") from None
    try:
        return _load_reference_table(kind, text, path, schema)
    finally:
        text.close()


def _load_reference_table(kind: Any, text: TextTable, path: Path, schema: TaskSchema) -> Any:
    if text.problems and not text.ragged_rows:
        first = text.problems[0]
        where = f" {text.unit} {first.lines[0]}" if first.lines else ""
        raise ReferenceError(f"reference {path.name}{where}: {first.message()}")
    needed = kind.reference_columns(schema)
    missing = [name for name in needed if name not in text.table.column_names]
    if missing:
        raise ReferenceError(
            f"reference {path.name} lacks column(s) {', '.join(missing)}; "
            f"it needs {', '.join(needed)}"
        )
    if text.ragged_rows:
        raise ReferenceError(f"reference {path.name} line {text.ragged_rows[0].line} is ragged")
    empty = [name for name in needed if name in text.nulls]
    if empty:
        raise ReferenceError(f"reference {path.name} has null values in {', '.join(empty)}")
    try:
        return kind.load_reference(text.table, schema, path.name)
    except ReferenceError as exc:
        # The kind speaks of table rows; the reader knows their lines (or Parquet's rows).
        raise exc.located(text.lines_of, text.unit) from None


@functools.lru_cache(maxsize=16)
def _cached_reference(path: str, mtime_ns: int, size: int, schema: TaskSchema) -> Any:
    return _read_reference(Path(path), schema)


def load_reference(path: Path, schema: TaskSchema) -> Any:
    """Read (or reuse) a reference; the cache key includes its mtime, so edits are seen."""
    stat = Path(path).stat()
    return _cached_reference(str(path), stat.st_mtime_ns, stat.st_size, schema)


def check_header(text: TextTable, expected: list[str]) -> list[Problem]:
    """Header and row-shape problems, reported together (see ``validation.check_columns``)."""
    problems, _ = check_columns(text.table.column_names, expected, fmt=text.format)
    return problems + text.problems


def _score_splits(kind, metric, schema, reference, predictions) -> dict[str, float]:
    """Each split's score. Numeric kinds score the splits in two threads: their gathers, sorts
    and reductions run in numpy and polars, which release the GIL, so both cores work."""
    splits = kind.splits(reference)

    def score(split: str) -> float:
        return kind.score(metric, schema, reference, predictions, split)

    if not kind.parallel_splits or len(splits) < 2:
        return {split: score(split) for split in splits}
    with ThreadPoolExecutor(max_workers=len(splits)) as pool:
        return dict(zip(splits, pool.map(score, splits), strict=True))


def _load_predictions(path: Path, kind, schema: TaskSchema, reference) -> tuple[Any, int]:
    """The kind's predictions from ``path``, and the number of rows read.

    Numeric columns are read as numbers when they can be, which is faster; a file with any
    problem is then read again as text and checked again, so that its report is the text read's
    (quoting each value as written).
    """

    def load(text: TextTable) -> Any:
        return validate_table(
            text,
            kind.prediction_columns(schema),
            lambda table: kind.load_predictions(table, schema, reference),
            join_blocks=not kind.reads_blocks,
        )

    text = read_table(path, numeric=kind.numeric_columns(schema))
    try:
        try:
            return load(text), text.table.num_rows
        except InvalidSubmission:
            if not text.typed_columns:
                raise
        text.close()
        text = read_table(path)
        return load(text), text.table.num_rows
    finally:
        text.close()


def evaluate_file(
    predictions_path: Path,
    reference_path: Path,
    schema: TaskSchema,
    *,
    custom_metric_path: Path | None = None,
) -> Evaluation:
    """Score a predictions file on every split of the reference.

    Raises ``InvalidSubmission`` (the team's file is wrong) or ``ReferenceError`` (ours is).
    A ``metric: custom`` task is scored by the file at ``custom_metric_path``, in a separate
    process; without it the file is still validated, then ``CustomMetricError`` is raised.
    """
    kind = get_kind(schema.kind)
    metric = metric_for_schema(schema, custom_metric_path)
    reference = load_reference(Path(reference_path), schema)
    predictions, rows = _load_predictions(Path(predictions_path), kind, schema, reference)
    scores = _score_splits(kind, metric, schema, reference, predictions)
    signature = (
        metric.signature(schema=schema)
        if metric.signature
        else f"{schema.metric}|scorer:{SCORER_VERSION}"
    )
    return Evaluation(
        scores=scores,
        metric=metric.name,
        scorer_version=SCORER_VERSION,
        signature=signature,
        rows=rows,
    )
