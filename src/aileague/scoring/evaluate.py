"""Read, validate and score one predictions file against a hidden reference in one pass.

The reference carries the public/private split, so one read of a submission yields both scores.
The steps are the same for every task kind; what differs lives in ``aileague.scoring.kinds``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aileague.scoring.kinds import SPLITS, ReferenceError, get_kind
from aileague.scoring.metrics import get_metric
from aileague.scoring.readers import TextTable, read_csv_as_text
from aileague.scoring.schema import TaskSchema
from aileague.scoring.validation import MAX_EXAMPLES, InvalidSubmission, Problem

SCORER_VERSION = "1"
DELIMITERS = (";", "\t", "|")

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
        text = read_csv_as_text(path)
    except InvalidSubmission as exc:
        raise ReferenceError(f"reference {path.name}: {exc}") from None
    needed = kind.reference_columns(schema)
    missing = [name for name in needed if name not in text.table.column_names]
    if missing:
        raise ReferenceError(
            f"reference {path.name} lacks column(s) {', '.join(missing)}; "
            f"it needs {', '.join(needed)}"
        )
    if text.ragged_rows:
        raise ReferenceError(f"reference {path.name} line {text.ragged_rows[0].line} is ragged")
    return kind.load_reference(text.table, schema, path.name)


@functools.lru_cache(maxsize=16)
def _cached_reference(path: str, mtime_ns: int, size: int, schema: TaskSchema) -> Any:
    return _read_reference(Path(path), schema)


def load_reference(path: Path, schema: TaskSchema) -> Any:
    """Read (or reuse) a reference; the cache key includes its mtime, so edits are seen."""
    stat = Path(path).stat()
    return _cached_reference(str(path), stat.st_mtime_ns, stat.st_size, schema)


def check_header(text: TextTable, expected: list[str]) -> list[Problem]:
    """Header and row-shape problems, reported together."""
    names = text.table.column_names
    if len(names) == 1 and any(sep in names[0] for sep in DELIMITERS):
        delimiter = next(sep for sep in DELIMITERS if sep in names[0])
        return [Problem("wrong_delimiter", {"header": names[0], "delimiter": delimiter})]
    joined = ",".join(expected)
    problems = [
        Problem("missing_column", {"column": name, "expected": joined})
        for name in expected
        if name not in names
    ]
    problems += [
        Problem("unexpected_column", {"column": name, "expected": joined})
        for name in names
        if name not in expected
    ]
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
    return problems


def evaluate_file(predictions_path: Path, reference_path: Path, schema: TaskSchema) -> Evaluation:
    """Score a predictions file on every split of the reference.

    Raises ``InvalidSubmission`` (the team's file is wrong) or ``ReferenceError`` (ours is).
    """
    if Path(predictions_path).suffix.lower() not in {".csv", ""}:
        raise InvalidSubmission(
            [Problem("unsupported_format", {"suffix": Path(predictions_path).suffix})]
        )
    kind = get_kind(schema.kind)
    metric = get_metric(schema.metric)
    reference = load_reference(Path(reference_path), schema)
    text = read_csv_as_text(Path(predictions_path))
    problems = check_header(text, kind.prediction_columns(schema))
    if problems:
        raise InvalidSubmission(problems)
    predictions = kind.load_predictions(text.table, schema, reference)
    scores = {
        split: kind.score(metric, schema, reference, predictions, split)
        for split in kind.splits(reference)
    }
    signature = (
        metric.signature(schema=schema)
        if metric.signature
        else f"{schema.metric}|scorer:{SCORER_VERSION}"
    )
    return Evaluation(
        scores=scores,
        metric=schema.metric,
        scorer_version=SCORER_VERSION,
        signature=signature,
        rows=text.table.num_rows,
    )
