"""JSON Lines: one JSON object per line, read column-wise by pyarrow, every column as text.

pyarrow types each key's values (strings, integers, floats, booleans); they become text here:
an integer id 7 becomes "7" (so it does not match "007": ids are text), a float is written in
its shortest exact form (0.50 becomes "0.5", the same number). When pyarrow cannot type a key
(strings on some lines and numbers on others), meets nested values or would lose digits (integers
beyond 2⁵³), or a line is not JSON, the file is read again line by line in Python, keeping
every value's spelling and finding every broken line: slower, but only for such files.
"""

from __future__ import annotations

import json
from array import array
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from aileague.scoring.readers.encoding import not_utf8
from aileague.scoring.readers.lines import jsonl_record_lines
from aileague.scoring.readers.table import TextTable, text_columns
from aileague.scoring.validation import MAX_EXAMPLES, InvalidSubmission, Problem, shorten

BLOCK_BYTES = 8 << 20
_BATCH = 1 << 16
_EXACT = 2**53  # a float64 holds every integer below this


class _Untyped(Exception):  # noqa: N818 - internal signal, never escapes this module
    """pyarrow's typed reading does not fit this file; read it line by line instead."""


def read_jsonl(path: Path) -> TextTable:
    try:
        names, columns = _read_typed(path)
    except pa.ArrowInvalid:  # a string that is not UTF-8
        raise InvalidSubmission([not_utf8(path)]) from None
    except _Untyped:
        return _read_line_by_line(path)
    table, nulls = text_columns(names, columns)
    if table.num_columns == 0:
        raise InvalidSubmission([Problem("empty_file", {})])
    text = TextTable(table=table, format="jsonl", nulls=nulls, first_line=1)
    text.line_map = lambda: jsonl_record_lines(path, table.num_rows)
    return text


def _read_typed(path: Path) -> tuple[list[str], list[pa.Array]]:
    try:
        table = pajson.read_json(
            path,
            read_options=pajson.ReadOptions(use_threads=True, block_size=BLOCK_BYTES),
            parse_options=pajson.ParseOptions(newlines_in_values=False),
        )
    except UnicodeDecodeError:
        raise InvalidSubmission([not_utf8(path)]) from None
    except pa.ArrowInvalid as exc:
        message = str(exc)
        if "UTF8" in message or "UTF-8" in message:
            raise InvalidSubmission([not_utf8(path)]) from None
        if "Empty JSON file" in message:
            raise InvalidSubmission([Problem("empty_file", {})]) from None
        raise _Untyped from None
    names, columns = [], []
    for name, column in zip(table.column_names, table.columns, strict=True):
        names.append(name)
        columns.append(_as_text(column))
    return names, columns


def _as_text(column: pa.ChunkedArray) -> pa.Array:
    kind = column.type
    if pa.types.is_floating(kind):
        largest = pc.max(pc.abs(column)).as_py()
        if largest is not None and largest >= _EXACT:
            raise _Untyped  # a long integer pyarrow read as a float: keep its digits
    if pa.types.is_string(kind):
        text = column
        text.validate(full=True)  # pyarrow's JSON reader does not check UTF-8 itself
    elif pa.types.is_null(kind):
        text = pa.nulls(len(column), pa.string())
    elif pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind):
        text = pc.cast(column, pa.string())
    else:
        raise _Untyped  # nested values, or strings pyarrow took for timestamps
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks() if text.num_chunks != 1 else text.chunk(0)
    return text


def _read_line_by_line(path: Path) -> TextTable:
    columns = _Columns()
    broken = _Broken()
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                raise InvalidSubmission([not_utf8(path)]) from None
            if not line:
                continue
            try:
                value = json.loads(
                    line,
                    parse_int=str,
                    parse_float=str,
                    parse_constant=str,
                    object_pairs_hook=_unique_keys,
                )
            except ValueError:
                broken.add(number, line)
                continue
            if not isinstance(value, dict):
                broken.add(number, line)
                continue
            if any(isinstance(item, (dict, list)) for item in value.values()):
                value = _nested_as_json(value, line)
            columns.add(number, value)
    names, arrays, lines = columns.finish()
    if not names and not broken.count:
        raise InvalidSubmission([Problem("empty_file", {})])
    table, nulls = text_columns(names, arrays)
    text = TextTable(table=table, format="jsonl", nulls=nulls, first_line=1)
    text.line_map = lambda: lines
    if broken.count:
        text.dropped_rows = broken.count
        text.problems.append(
            Problem(
                "invalid_json", {"count": broken.count}, lines=broken.lines, examples=broken.texts
            )
        )
    return text


def _nested_as_json(value: dict[str, object], line: str) -> dict[str, object]:
    """Nested values as their JSON text (numbers inside them as written, not as strings)."""
    plain = json.loads(line)
    return {
        key: json.dumps(plain[key], ensure_ascii=False) if isinstance(item, (dict, list)) else item
        for key, item in value.items()
    }


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("a key appears twice")
    return dict(pairs)


def _text(value: object) -> str | None:
    """A JSON value as text; numbers arrive as their own spelling (see ``parse_int``)."""
    if value is None:
        return None
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


class _Broken:
    def __init__(self) -> None:
        self.count = 0
        self.lines: list[int] = []
        self.texts: list[str] = []

    def add(self, number: int, line: str) -> None:
        self.count += 1
        if len(self.lines) < MAX_EXAMPLES:
            self.lines.append(number)
            self.texts.append(shorten(line))


class _Columns:
    """Columns built in batches of pyarrow arrays, so that no column is a long Python list."""

    def __init__(self) -> None:
        self.done: dict[str, list[pa.Array]] = {}
        self.rows_done = 0
        self.batch: dict[str, list[str | None]] = {}
        self.batch_rows = 0
        self.lines = array("q")

    def add(self, number: int, row: dict[str, object]) -> None:
        for key in row:
            if key not in self.batch:
                self.batch[key] = [None] * self.batch_rows
        for key, values in self.batch.items():
            values.append(_text(row[key]) if key in row else None)
        self.batch_rows += 1
        self.lines.append(number)
        if self.batch_rows == _BATCH:
            self._flush()

    def _flush(self) -> None:
        for key, values in self.batch.items():
            if key not in self.done:
                self.done[key] = [pa.nulls(self.rows_done, pa.string())] if self.rows_done else []
            self.done[key].append(pa.array(values, pa.string()))
        for key in self.done.keys() - self.batch.keys():
            self.done[key].append(pa.nulls(self.batch_rows, pa.string()))
        self.rows_done += self.batch_rows
        self.batch = {key: [] for key in self.done}
        self.batch_rows = 0

    def finish(self) -> tuple[list[str], list[pa.Array], np.ndarray]:
        self._flush()
        names = list(self.done)
        arrays = [
            pa.concat_arrays(chunks) if chunks else pa.array([], pa.string())
            for chunks in self.done.values()
        ]
        lines = np.frombuffer(self.lines, dtype=np.int64) if self.lines else np.empty(0, np.int64)
        return names, arrays, lines
