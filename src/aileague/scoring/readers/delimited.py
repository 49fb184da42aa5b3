"""CSV and TSV, read column-wise by pyarrow with every column as text.

The header is parsed here (it decides the column names and where the data starts); the data is
parsed by pyarrow from just after it, on all cores, as strings, while pyarrow checks that it is
UTF-8. Rows with the wrong number of fields are collected, never shifted; a file that turns out
not to be UTF-8 is diagnosed only then, so the data of a good file is read exactly once.

A caller may name ``numeric`` columns: those are then parsed as float64 directly, which is what
a plain ``pyarrow.csv.read_csv`` does and half the work of text followed by a cast. The typed
parse is taken only when it is clean (no error, ragged row, empty or non-finite value); else the
file is read as text, as if nothing had been asked. Every number accepted there is one
``validation.parse_numbers`` accepts, with the same value: both use pyarrow's one float parser,
and the CSV reader trims only spaces and tabs, which ``parse_numbers`` trims too.
"""

from __future__ import annotations

import csv
import re
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from aileague.scoring.readers.encoding import first_invalid_utf8, not_utf8
from aileague.scoring.readers.lines import delimited_record_lines
from aileague.scoring.readers.table import RaggedRow, TextTable, unreadable
from aileague.scoring.validation import MAX_EXAMPLES, InvalidSubmission, Problem, shorten

HEADER_BYTES = 1 << 20  # a header longer than this is refused
BLOCK_BYTES = 4 << 20
_BOM = b"\xef\xbb\xbf"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


@dataclass
class Header:
    names: list[str]
    end: int  # byte offset where the data starts
    lines: int  # physical lines up to there (blank lines before the header included)


def read_delimited(
    path: Path, *, delimiter: str, fmt: str, numeric: frozenset[str] = frozenset()
) -> TextTable:
    """Read a CSV (``delimiter=","``) or TSV (``"\\t"``) file; see the module docstring."""
    with open(path, "rb") as handle:
        head = handle.read(HEADER_BYTES)
    header = parse_header(path, head, delimiter)
    names = header.names
    size = path.stat().st_size
    ragged = _Ragged()
    typed = numeric.intersection(names) if header.end < size else set()
    columns = _parse_typed(path, header, delimiter, size, typed) if typed else None
    if columns is None:
        typed = set()
        if header.end >= size:
            columns = [pa.array([], pa.string()) for _ in names]
        else:
            columns = _parse_allowing_for_trouble(path, header, delimiter, ragged, size)
    table = pa.Table.from_arrays(columns, names=names)
    text = TextTable(
        table=table,
        expected_fields=len(names),
        format=fmt,
        ragged_count=ragged.count,
        first_line=header.lines + 1,
        typed_columns=frozenset(typed),
    )
    lines = _Lines(path, header, delimiter, table.num_rows, ragged)
    text.line_map = lines.rows_lines
    if ragged.count:
        _report_ragged(text, lines)
    if _last_row_unclosed(text, path, header.end):
        if typed:  # its example quotes the row as written: the text read has it
            return read_delimited(path, delimiter=delimiter, fmt=fmt)
        _drop_unclosed_last_row(text, delimiter)
    return text


def parse_header(path: Path, head: bytes, delimiter: str) -> Header:
    """The first non-blank record of ``head``; raises InvalidSubmission when there is none."""
    start = len(_BOM) if head.startswith(_BOM) else 0
    text = head[start:].decode("utf-8", errors="surrogateescape")
    pieces: list[str] = []

    def lines():
        for match in _LINE.finditer(text):
            pieces.append(match.group())
            yield pieces[-1]

    reader = csv.reader(lines(), delimiter=delimiter, strict=False)
    try:
        names = next(row for row in reader if row)
    except StopIteration:
        raise InvalidSubmission([Problem("empty_file", {})]) from None
    except csv.Error as exc:
        raise InvalidSubmission(
            [Problem("unreadable", {"format": "CSV", "reason": f"header: {exc}"})]
        ) from None
    consumed = len(pieces)
    used = "".join(pieces).encode("utf-8", errors="surrogateescape")
    if any("\udc80" <= char <= "\udcff" for name in names for char in name):
        raise InvalidSubmission([not_utf8(path)])
    end = start + len(used)
    if end >= len(head) and len(head) == HEADER_BYTES and not used.endswith((b"\n", b"\r")):
        reason = f"the header is longer than {HEADER_BYTES} bytes"
        raise InvalidSubmission([Problem("unreadable", {"format": "CSV", "reason": reason})])
    return Header(names=names, end=end, lines=consumed)


class _Careful(Exception):  # noqa: N818 - internal signal, never escapes this module
    """The fast parse failed for a reason the careful parse explains or survives."""


class _Ragged:
    """Collects the rows pyarrow finds with the wrong number of fields, with their numbers."""

    def __init__(self) -> None:
        self.count = 0
        self.kept: list[pacsv.InvalidRow] = []
        self.numbers = array("q")

    def __call__(self, row: pacsv.InvalidRow) -> str:
        self.count += 1
        if len(self.kept) < MAX_EXAMPLES:
            self.kept.append(row)
        self.numbers.append(row.number)
        return "skip"


def _parse_allowing_for_trouble(
    path: Path, header: Header, delimiter: str, ragged: _Ragged, size: int
) -> list[pa.ChunkedArray]:
    """The fastest parse that works: pyarrow's threads split the file at any line break, which
    is wrong inside a quoted value (pyarrow then fails, never misreads); a ragged row fails
    both, and only then is the file read on one thread, which numbers the rows it skips."""
    try:
        return _parse(path, header, delimiter, None, size=size, quoted_breaks=False)
    except _Careful:
        pass
    try:
        return _parse(path, header, delimiter, None, size=size, quoted_breaks=True)
    except _Careful:
        pass
    # Rows are decoded for the messages now, so the file must be UTF-8 first.
    if first_invalid_utf8(path, header.end) is not None:
        raise InvalidSubmission([not_utf8(path, header.end)]) from None
    return _parse(path, header, delimiter, ragged, size=size, quoted_breaks=True)


def _parse_typed(
    path: Path, header: Header, delimiter: str, size: int, numeric: set[str]
) -> list[pa.ChunkedArray] | None:
    """The fast parse with the ``numeric`` columns as float64, or None when it is not clean.

    A name given to several columns types all of them; the header check refuses such a file
    anyway, after reading it again as text.
    """
    types = {i for i, name in enumerate(header.names) if name in numeric}
    try:
        columns = _parse(
            path, header, delimiter, None, size=size, quoted_breaks=False, floats=types
        )
    except (_Careful, InvalidSubmission):
        return None
    for i in types:
        column = columns[i]
        # Nulls cannot occur (no null spellings are set); NaN and infinities can.
        if column.null_count or not all(np.isfinite(chunk).all() for chunk in column.chunks):
            return None
    return columns


def _parse(
    path: Path,
    header: Header,
    delimiter: str,
    ragged: _Ragged | None,
    *,
    size: int,
    quoted_breaks: bool,
    floats: set[int] | frozenset[int] = frozenset(),
) -> list[pa.ChunkedArray]:
    """Parse the data after the header, on all cores unless ``ragged`` collects bad rows.

    Columns are text but for the ``floats`` (positions), which are float64.
    """
    names = [f"c{i}" for i in range(len(header.names))]
    types = {name: pa.float64() if i in floats else pa.string() for i, name in enumerate(names)}
    fast = ragged is None
    # Blocks small enough to keep both cores busy, big enough not to cost per block.
    block = min(BLOCK_BYTES, max(1 << 20, size // 32))
    source = pa.OSFile(str(path))
    source.seek(header.end)
    try:
        table = pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(use_threads=fast, block_size=block, column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, invalid_row_handler=ragged, newlines_in_values=quoted_breaks
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "UTF-8" in str(exc):
            raise InvalidSubmission([not_utf8(path, header.end)]) from None
        if fast:
            raise _Careful from None
        raise InvalidSubmission([unreadable("CSV", exc, path)]) from None
    finally:
        source.close()
    # Columns stay in pyarrow's blocks: checks work on chunked arrays, and joining the blocks
    # would copy the whole file once more.
    columns = [table.column(i) for i in range(table.num_columns)]
    return columns


class _Lines:
    """Where each record starts, found by a second look at the file when first asked."""

    def __init__(self, path: Path, header: Header, delimiter: str, rows: int, ragged: _Ragged):
        self.path, self.header, self.delimiter = path, header, delimiter
        self.rows, self.ragged = rows, ragged
        self._records: np.ndarray | None = None

    def records(self) -> np.ndarray:
        """The line of every non-blank record after the header, ragged ones included."""
        if self._records is None:
            self._records = delimited_record_lines(
                self.path,
                self.header.end,
                self.header.lines + 1,
                delimiter=self.delimiter,
                records=self.rows + self.ragged.count,
            )
        return self._records

    def ragged_numbers(self) -> np.ndarray:
        numbers = self.ragged.numbers
        return np.frombuffer(numbers, dtype=np.int64) if numbers else np.empty(0, np.int64)

    def rows_lines(self) -> np.ndarray:
        """The line of every row of the table (records less the ragged ones)."""
        records = self.records()
        keep = np.ones(len(records), dtype=bool)
        keep[self.ragged_numbers() - 1] = False
        return records[keep]


def _report_ragged(text: TextTable, lines: _Lines) -> None:
    """Ragged rows become problems; a row whose quotes do not pair up is told apart."""
    records = lines.records()
    ragged = lines.ragged
    rows = [
        RaggedRow(line=int(records[row.number - 1]), text=row.text, fields=row.actual_columns)
        for row in ragged.kept
    ]
    text.ragged_rows = rows
    text.dropped_rows = ragged.count
    unbalanced = [row for row in rows if row.text.count('"') % 2]
    plain = [row for row in rows if not row.text.count('"') % 2]
    if plain:
        problem = Problem(
            "ragged_row",
            {"count": ragged.count - len(unbalanced), "expected": text.expected_fields},
            lines=[row.line for row in plain],
            examples=[shorten(row.text) for row in plain],
        )
        if all(_decimal_comma(row, text.expected_fields) for row in plain):
            problem.params["hint"] = "decimal_comma"
        text.problems.append(problem)
    if unbalanced:
        text.problems.append(
            Problem(
                "unbalanced_quote",
                {"count": len(unbalanced)},
                lines=[row.line for row in unbalanced],
                examples=[shorten(row.text) for row in unbalanced],
            )
        )


def _decimal_comma(row: RaggedRow, expected: int) -> bool:
    """A row with one field too many whose last two are digits: "001,0,5" for "001,0.5"."""
    fields = row.text.split(",")
    return (
        row.fields == expected + 1
        and len(fields) == row.fields
        and all(field.strip().isdigit() for field in fields[-2:])
    )


def _last_row_unclosed(text: TextTable, path: Path, start: int) -> bool:
    """Whether a quote opened in the last row runs to the end of the file.

    pyarrow takes such a row as a value spanning the rest of the file; when the fields still
    number right, it is no ragged row. So: the last row holds a line break, and the file's
    quotes do not pair up.
    """
    table = text.table
    if not table.num_rows:
        return False
    last = [table.column(i)[table.num_rows - 1].as_py() for i in range(table.num_columns)]
    text_values = [value for value in last if isinstance(value, str)]
    if not any("\n" in value or "\r" in value for value in text_values):
        return False
    quotes = 0
    with open(path, "rb") as handle:
        handle.seek(start)
        while chunk := handle.read(1 << 20):
            quotes += chunk.count(b'"')
    return quotes % 2 == 1


def _drop_unclosed_last_row(text: TextTable, delimiter: str) -> None:
    table = text.table
    row = table.num_rows - 1
    values = [table.column(i)[row].as_py() for i in range(table.num_columns)]
    (line,) = text.lines_of([row])
    text.table = table.slice(0, row)
    text.dropped_rows += 1
    text.problems.append(
        Problem(
            "unbalanced_quote",
            {"count": 1},
            lines=[line],
            examples=[shorten(delimiter.join(values))],
        )
    )
