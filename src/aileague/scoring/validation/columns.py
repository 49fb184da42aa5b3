"""The header of a file, and the whole check of a file against a task.

A header that is nearly right (``ID`` for ``id``, `` prediction`` with a space, a name with a
stray byte-order mark) is a problem with a "did you mean", but its column is still used, so that
the participant learns about the rows' problems in the same report. Only a header that leaves
an expected column unknown (missing, twice, or no header at all) stops the check there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import pyarrow as pa

from aileague.scoring.validation.problems import InvalidSubmission, Problem, examples_of

if TYPE_CHECKING:
    from aileague.scoring.readers import TextTable

T = TypeVar("T")
DELIMITERS = (";", "\t", "|")
_VALUE = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
_BOM = "\ufeff"
_ALL = 1 << 62


def check_columns(
    names: list[str], expected: list[str], *, fmt: str = "csv"
) -> tuple[list[Problem], dict[str, int] | None]:
    """Problems of a header, and the column holding each expected name (None: cannot go on)."""
    joined = ",".join(expected)
    if fmt in ("csv", "tsv") and len(names) == 1 and len(expected) > 1:
        problem = _wrong_delimiter(names[0], fmt)
        if problem is not None:
            return [problem], None
    problems: list[Problem] = []
    found: dict[str, int] = {}
    used: set[int] = set()
    blocked = False
    for name in expected:
        at = [i for i, other in enumerate(names) if other == name]
        used.update(at)
        if len(at) > 1:
            problems.append(Problem("duplicate_column", {"column": name}))
            blocked = True
        if at:
            found[name] = at[0]
    for name in expected:
        if name in found:
            continue
        near = [
            i for i, other in enumerate(names) if i not in used and _loose(other) == _loose(name)
        ]
        if near:
            found[name], actual = near[0], names[near[0]]
            used.add(near[0])
            problems.append(Problem(_why(actual), {"column": actual, "suggestion": name}))
        else:
            problems.append(Problem("missing_column", {"column": name, "expected": joined}))
            blocked = True
    if blocked and fmt in ("csv", "tsv") and any(_VALUE.match(name) for name in names):
        delimiter = "\t" if fmt == "tsv" else ","
        return [Problem("no_header", {"header": delimiter.join(names), "expected": joined})], None
    problems += _other_columns(names, used, expected, joined)
    return problems, None if blocked else found


def _wrong_delimiter(header: str, fmt: str) -> Problem | None:
    candidates = (",", ";", "|") if fmt == "tsv" else DELIMITERS
    for delimiter in candidates:
        if delimiter in header:
            code = "wrong_delimiter_tsv" if fmt == "tsv" else "wrong_delimiter"
            return Problem(code, {"header": header, "delimiter": delimiter})
    return None


def _loose(name: str) -> str:
    return name.replace(_BOM, "").strip().casefold()


def _why(name: str) -> str:
    if _BOM in name:
        return "column_name_bom"
    if name != name.strip():
        return "column_name_whitespace"
    return "column_name_case"


def _other_columns(
    names: list[str], used: set[int], expected: list[str], joined: str
) -> list[Problem]:
    problems = []
    reported: set[str] = set()
    for i, name in enumerate(names):
        if i in used or name in reported:
            continue
        if not name.strip():
            problems.append(Problem("empty_column_name", {"position": i + 1}))
            continue
        reported.add(name)
        if names.count(name) > 1:
            problems.append(Problem("duplicate_column", {"column": name}))
        else:
            problems.append(Problem("unexpected_column", {"column": name, "expected": joined}))
    return problems


def validate_table(
    text: TextTable,
    expected: list[str],
    load: Callable[[pa.Table], T],
    *,
    join_blocks: bool = True,
) -> T:
    """Check a file read by ``read_table`` against a task, and load it with ``load``.

    ``load`` gets a table of exactly the ``expected`` columns (text, without the rows the reader
    could not read or that hold nulls) and raises InvalidSubmission with its own problems. Its
    columns are each one array, but with ``join_blocks`` false its text columns stay in the
    reader's blocks, for a ``load`` that works on them block by block (no copy of the ids).
    Raises InvalidSubmission with every problem found: the header's, the reader's (ragged rows,
    broken JSON lines), nulls, then ``load``'s, each located in the file.
    """
    if text.table.num_columns == 0 and text.problems:
        raise InvalidSubmission(text.problems)  # no row could be read: nothing else to say
    problems, found = check_columns(text.table.column_names, expected, fmt=text.format)
    problems += text.problems
    names = text.table.column_names
    if found is not None and any(names[found[e]] in text.unreadable_columns for e in expected):
        found = None  # an expected column of nested values: nothing to check in it
    result: T | None = None
    if found is not None:
        _join_blocks(text, [found[name] for name in expected], text_columns=join_blocks)
        table = pa.Table.from_arrays(
            [text.table.column(found[name]) for name in expected], names=expected
        )
        keep, null_problems = _null_rows(text, expected, found)
        problems += null_problems
        row_index = None
        if keep is not None:
            row_index = np.flatnonzero(keep)
            table = table.filter(pa.array(keep))
        dropped = text.dropped_rows + (0 if keep is None else int((~keep).sum()))
        if any(problem.code == "unbalanced_quote" for problem in text.problems):
            dropped = _ALL  # the rest of the file went into one value
        try:
            result = load(table)
        except InvalidSubmission as exc:
            found_problems = [p for p in exc.problems if not _explained(p, dropped)]
            text.locate(found_problems, row_index)
            problems += found_problems
    if problems:
        raise InvalidSubmission(problems)
    return result  # type: ignore[return-value]


def _join_blocks(text: TextTable, indices: list[int], *, text_columns: bool = True) -> None:
    """Make each of the columns one array, in place, one column at a time (without
    ``text_columns``, only the columns of numbers).

    Checks and kinds need contiguous arrays; joining here, and replacing the column in the
    table, frees each column's blocks as soon as it is joined, so memory holds the file's
    columns once, plus one column while it is being joined.
    """
    table = text.table
    for index in sorted(set(indices)):
        column = table.column(index)
        if not text_columns and pa.types.is_string(column.type):
            continue
        if column.num_chunks != 1:
            joined = pa.chunked_array([column.combine_chunks()], type=column.type)
            del column
            table = table.set_column(index, table.field(index), joined)
            text.table = table
    pa.default_memory_pool().release_unused()


def _explained(problem: Problem, dropped: int) -> bool:
    """Missing ids are no news when as many rows could not be read (they hold those ids)."""
    return problem.code == "missing_ids" and problem.params.get("count", 0) <= dropped


def _null_rows(
    text: TextTable, expected: list[str], found: dict[str, int]
) -> tuple[np.ndarray | None, list[Problem]]:
    """Rows with no value (JSON null or missing key, Parquet null) in an expected column."""
    problems = []
    keep = None
    names = text.table.column_names
    for name in expected:
        nulls = text.nulls.get(names[found[name]])
        if nulls is None or not nulls.any():
            continue
        column = text.table.column(found[name])
        problem = examples_of(nulls, column, "null_value", {"column": name})
        problem.examples = ["null"] * len(problem.examples)
        text.locate([problem])
        problems.append(problem)
        keep = ~nulls if keep is None else keep & ~nulls
    return keep, problems
