"""Parquet, with every column turned into text the way it would be written in a CSV file.

Parquet columns are typed; scoring compares ids as text and checks numbers itself, so each
column becomes text faithfully: an integer 7 becomes "7" (which does not match an id "007"), a
float its shortest exact form, a boolean "true"/"false", a date "2024-01-31". A null reads as
no value. Nested columns (lists, structs, maps) cannot be text and are reported. Places in a
Parquet file are rows, counted from 1: problems say "row N" (``unit`` is "row").
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from aileague.scoring.readers.table import ROW, TextTable, text_columns, unreadable
from aileague.scoring.validation import InvalidSubmission, Problem


def read_parquet(path: Path) -> TextTable:
    try:
        table = pq.read_table(path, memory_map=False)
    except (pa.ArrowException, OSError) as exc:
        raise InvalidSubmission([unreadable("Parquet", exc, path)]) from None
    if table.num_columns == 0:
        raise InvalidSubmission([Problem("empty_file", {})])
    names = table.column_names
    columns: list[pa.Array] = []
    problems: list[Problem] = []
    void: set[str] = set()
    for i, name in enumerate(names):
        column = table.column(i)
        text = _as_text(column)
        if text is None:
            problems.append(
                Problem("unsupported_column_type", {"column": name, "type": str(column.type)})
            )
            void.add(name)
            text = pa.nulls(table.num_rows, pa.string())
        columns.append(text)
    del table
    text_table, nulls = text_columns(names, columns)
    for name in void:
        nulls.pop(name, None)
    return TextTable(
        table=text_table,
        format="parquet",
        problems=problems,
        nulls=nulls,
        unit=ROW,
        first_line=1,
        unreadable_columns=void,
    )


def _as_text(column: pa.ChunkedArray) -> pa.Array | None:
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_nested(kind):
        return None
    try:
        text = column if kind == pa.string() else pc.cast(column, pa.string())
        text.validate(full=True)  # strings written by another tool need not be UTF-8
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # text that is not UTF-8, or a type without a text form
    if text.num_chunks != 1:
        return text.combine_chunks()
    return text.chunk(0)
