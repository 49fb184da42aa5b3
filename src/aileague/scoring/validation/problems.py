"""A problem found in a participant's file, and the exception that carries all of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from aileague.scoring.messages import render

MAX_EXAMPLES = 20
MAX_EXAMPLE_CHARS = 200


@dataclass
class Problem:
    """One kind of mistake in a file: a stable ``code``, the parameters of its message, and up to
    ``MAX_EXAMPLES`` places (``lines``) with the offending values (``examples``).

    ``rows`` are the same places as 0-based rows of the table that was checked; the reader turns
    them into ``lines`` of the file (see ``TextTable.locate``), so that checks need not know
    about blank lines, quoted line breaks or the file's format.
    """

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list, repr=False, compare=False)

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


def shorten(text: str, limit: int = MAX_EXAMPLE_CHARS) -> str:
    """An example short enough to show: a value that swallowed half a file is cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def examples_of(
    mask: np.ndarray, values: pa.Array | pa.ChunkedArray, code: str, params: dict[str, Any]
) -> Problem:
    """A problem for every row where ``mask`` is true, with the first ``MAX_EXAMPLES`` of them.

    ``lines`` assume one line per row after a header on line 1 until the reader locates the
    rows in the file.
    """
    rows = np.flatnonzero(mask)
    shown = rows[:MAX_EXAMPLES]
    picked = values.take(pa.array(shown, type=pa.int64())).to_pylist() if shown.size else []
    return Problem(
        code,
        {**params, "count": int(rows.size)},
        lines=[int(row) + 2 for row in shown],
        examples=[shorten(str(value)) for value in picked],
        rows=[int(row) for row in shown],
    )


def as_bool(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean pyarrow result as numpy, nulls counting as false."""
    if mask.null_count:
        mask = mask.fill_null(False)
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)


def single_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous array (free when there is a single chunk, as the readers make)."""
    if isinstance(values, pa.ChunkedArray):
        if values.num_chunks == 1:
            return values.chunk(0)
        return values.combine_chunks()
    return values
