"""Problems found in a participant's file, and the checks that find them.

Every problem has a stable ``code`` (documented in docs/scoring.md), parameters for its message,
and up to ``MAX_EXAMPLES`` line numbers with the offending values, so that a participant can fix
all of them at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aileague.scoring.messages import render

MAX_EXAMPLES = 20
NA_TOKENS = ["", "na", "n/a", "nan", "null", "none", "-", "?"]
INF_TOKENS = ["inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"]
_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"


@dataclass
class Problem:
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    def message(self, language: str = "en") -> str:
        return render(self.code, self.params, language)

    def as_dict(self, language: str = "en") -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message(language),
            "params": self.params,
            "lines": self.lines,
            "examples": self.examples,
        }


class InvalidSubmission(Exception):  # noqa: N818 - it names the outcome, as participants see it
    """The participant's file cannot be scored; ``problems`` says every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.code for problem in problems))
        self.problems = problems


def examples_of(mask: np.ndarray, values: pa.Array, code: str, params: dict[str, Any]) -> Problem:
    """A problem for every row where ``mask`` is true; lines count the header as line 1."""
    rows = np.flatnonzero(mask)
    shown = rows[:MAX_EXAMPLES]
    return Problem(
        code,
        {**params, "count": int(rows.size)},
        lines=[int(row) + 2 for row in shown],
        examples=[str(values[int(row)].as_py()) for row in shown],
    )


def _bool(mask: pa.Array) -> np.ndarray:
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)


def parse_numbers(values: pa.Array, column: str) -> tuple[np.ndarray, list[Problem]]:
    """Parse a text column as float64; report non-numbers, NA-like values and infinities."""
    trimmed = pc.utf8_trim_whitespace(values)
    lowered = pc.utf8_lower(trimmed)
    na = _bool(pc.is_in(lowered, value_set=pa.array(NA_TOKENS)))
    inf = _bool(pc.is_in(lowered, value_set=pa.array(INF_TOKENS)))
    numeric = _bool(pc.match_substring_regex(trimmed, _NUMBER))
    problems = []
    bad = ~(numeric | na | inf)
    if bad.any():
        problems.append(examples_of(bad, values, "not_a_number", {"column": column}))
    if na.any():
        problems.append(examples_of(na, values, "missing_value", {"column": column}))
    if inf.any():
        problems.append(examples_of(inf, values, "not_finite", {"column": column}))
    if problems:
        return np.empty(0), problems
    return pc.cast(trimmed, pa.float64()).to_numpy(zero_copy_only=False), []


def check_ids(ids: pa.Array, reference_ids: pa.Array) -> tuple[np.ndarray | None, list[Problem]]:
    """Match submitted ids to the reference; return each reference row's position in the file.

    ``order[i]`` is the file row holding reference row ``i``, so ``values[order]`` lines the
    predictions up with the reference.
    """
    problems: list[Problem] = []
    empty = _bool(pc.equal(pc.utf8_length(ids), 0))
    if empty.any():
        problems.append(examples_of(empty, ids, "empty_id", {}))
    counts = pc.value_counts(ids)
    repeated = counts.filter(pc.greater(counts.field("counts"), 1)).field("values")
    if len(repeated):
        mask = _bool(pc.is_in(ids, value_set=repeated))
        problem = examples_of(mask, ids, "duplicate_id", {})
        problem.params["count"] = len(repeated)
        problems.append(problem)
    position = pc.index_in(ids, value_set=reference_ids)
    unknown = _bool(pc.is_null(position)) & ~empty
    if unknown.any():
        problems.append(examples_of(unknown, ids, "unknown_ids", {}))
    present = _bool(pc.is_in(reference_ids, value_set=ids))
    if not present.all():
        missing_rows = np.flatnonzero(~present)
        problems.append(
            Problem(
                "missing_ids",
                {"count": int(missing_rows.size)},
                examples=[
                    str(reference_ids[int(row)].as_py()) for row in missing_rows[:MAX_EXAMPLES]
                ],
            )
        )
    if problems:
        return None, problems
    order = np.empty(len(reference_ids), dtype=np.int64)
    order[position.to_numpy(zero_copy_only=False).astype(np.int64)] = np.arange(len(ids))
    return order, []
