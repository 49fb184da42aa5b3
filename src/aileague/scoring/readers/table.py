"""A file read as text columns, and where each of its rows stands in the file.

Finding a row's line costs a second look at the file, so it is done only when a problem needs
it: a file that is fine is read once. Until then a row is assumed to stand on
``first_line + row``, which is right unless blank lines, values spanning several lines or
skipped rows come before it; ``line_map`` computes the truth on demand.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from aileague.scoring.validation import Problem

LINE, ROW = "line", "row"


@dataclass
class RaggedRow:
    """A row whose field count differs from the header's; ``line`` is where it starts."""

    line: int
    text: str
    fields: int


@dataclass
class TextTable:
    """Every column as UTF-8 text without nulls (a null reads as '' and is noted in ``nulls``),
    but for ``typed_columns``: float64 columns of finite numbers, read so because the caller
    asked for them as numbers (``read_table(numeric=...)``) and every value was one.

    ``problems`` are the reader's findings about single rows (ragged rows, broken JSON lines);
    those rows are not in ``table``, and ``dropped_rows`` counts them. ``ragged_rows`` keeps the
    first ragged rows of a CSV file (``ragged_count`` counts all of them).
    """

    table: pa.Table
    ragged_rows: list[RaggedRow] = field(default_factory=list)
    expected_fields: int = 0
    format: str = "csv"
    problems: list[Problem] = field(default_factory=list)
    dropped_rows: int = 0
    ragged_count: int = 0
    nulls: dict[str, np.ndarray] = field(default_factory=dict)
    unreadable_columns: set[str] = field(default_factory=set)  # reported; their values are void
    typed_columns: frozenset[str] = frozenset()
    unit: str = LINE  # what ``Problem.lines`` count: file lines, or rows (Parquet)
    first_line: int = 2  # the line (or row number) of the first row when nothing is skipped
    line_map: Callable[[], np.ndarray] | None = None  # the line of every row, computed on demand
    temporary: list[Path] = field(default_factory=list)  # files to delete on close()
    _lines: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.ragged_count = self.ragged_count or len(self.ragged_rows)

    def lines_of(self, rows: Iterable[int]) -> list[int]:
        """The line (or row number, for Parquet) of each of ``rows`` (0-based table rows)."""
        if isinstance(rows, range):
            rows = np.arange(rows.start, rows.stop, rows.step, dtype=np.int64)
        rows = np.asarray(rows, dtype=np.int64)
        if self.line_map is not None and self._lines is None:
            self._lines = self.line_map()
        if self._lines is None:
            return [int(row) + self.first_line for row in rows]
        return [int(line) for line in self._lines[rows]]

    def locate(self, problems: list[Problem], row_index: np.ndarray | None = None) -> None:
        """Turn the ``rows`` of each problem into lines of the file.

        ``row_index`` maps the rows the problems speak of to rows of ``table``, when they were
        found in a subset of it.
        """
        for problem in problems:
            if not problem.rows:
                continue
            rows = np.asarray(problem.rows, dtype=np.int64)
            if row_index is not None:
                rows = row_index[rows]
            problem.lines = self.lines_of(rows)
            if self.unit != LINE:
                problem.params["unit"] = self.unit

    def close(self) -> None:
        """Delete the temporary files behind this table (an archive's extracted member)."""
        for path in self.temporary:
            path.unlink(missing_ok=True)
        self.temporary.clear()
        self.line_map = None

    def __del__(self) -> None:
        for path in getattr(self, "temporary", ()):
            with contextlib.suppress(OSError):
                os.unlink(path)


def unreadable(fmt: str, exc: BaseException, path: Path) -> Problem:
    """The parser's own words for why it failed, without our file system paths in them."""
    lines = str(exc).strip().splitlines()
    reason = lines[0] if lines else type(exc).__name__
    for secret in (str(path), str(path.parent)):
        reason = reason.replace(secret, "")
    reason = reason.replace(" ''", "")
    return Problem("unreadable", {"format": fmt, "reason": reason})


def text_columns(
    names: list[str], columns: list[pa.Array | pa.ChunkedArray]
) -> tuple[pa.Table, dict[str, np.ndarray]]:
    """A table of string columns with nulls replaced by '', and where the nulls were."""
    nulls: dict[str, np.ndarray] = {}
    filled = []
    for name, column in zip(names, columns, strict=True):
        if column.null_count:
            nulls[name] = np.asarray(column.is_null().to_numpy(zero_copy_only=False), dtype=bool)
            column = column.fill_null("")
        filled.append(column)
    return pa.Table.from_arrays(filled, names=names), nulls
