"""Read tabular files column-wise with pyarrow, every column as text.

Columns are read as strings so that ids keep their exact spelling ("007" is not "7") and so that
validation, not the parser, decides what a bad number is and on which line it stands.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from aileague.scoring.validation import InvalidSubmission, Problem

_CHUNK = 1 << 20
_ALTERNATIVE_ENCODINGS = ("gb18030", "big5", "cp874", "cp1258", "latin-1")


@dataclass
class RaggedRow:
    line: int
    text: str
    fields: int


@dataclass
class TextTable:
    table: pa.Table
    ragged_rows: list[RaggedRow]
    expected_fields: int


def check_utf8(path: Path) -> Problem | None:
    """Stream the file through a strict UTF-8 decoder; name the likely encoding if it fails."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    offset = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad = offset + exc.start
                return Problem("not_utf8", {"offset": bad, "encoding": _guess_encoding(path)})
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return Problem("not_utf8", {"offset": offset, "encoding": _guess_encoding(path)})
    return None


def _guess_encoding(path: Path) -> str:
    """The first alternative encoding that decodes the start of the file, or ''."""
    with open(path, "rb") as handle:
        sample = handle.read(64 * 1024)
    for encoding in _ALTERNATIVE_ENCODINGS[:-1]:
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding.upper()
    return ""


def read_header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
    if not first.strip():
        return []
    return next(csv.reader(io.StringIO(first)))


def read_csv_as_text(path: Path) -> TextTable:
    """Read a UTF-8 CSV whose every column is text; rows of the wrong width are collected.

    Raises InvalidSubmission for an empty, non-UTF-8 or unparseable file.
    """
    path = Path(path)
    if path.stat().st_size == 0:
        raise InvalidSubmission([Problem("empty_file", {})])
    problem = check_utf8(path)
    if problem is not None:
        raise InvalidSubmission([problem])
    header = read_header(path)
    if not header:
        raise InvalidSubmission([Problem("empty_file", {})])
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise InvalidSubmission(
            [Problem("duplicate_column", {"column": name}) for name in duplicates]
        )
    table, ragged = _read_table(path, header, use_threads=True)
    if any(row.line is None for row in ragged):
        # Threaded parsing does not know line numbers; a ragged file is rare and refused anyway,
        # so read it again on one thread to tell the participant where the bad rows are.
        table, ragged = _read_table(path, header, use_threads=False)
    ragged.sort(key=lambda row: row.line)
    return TextTable(table=table, ragged_rows=ragged, expected_fields=len(header))


def _read_table(
    path: Path, header: list[str], *, use_threads: bool
) -> tuple[pa.Table, list[RaggedRow]]:
    ragged: list[RaggedRow] = []

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        ragged.append(RaggedRow(line=row.number, text=row.text, fields=row.actual_columns))
        return "skip"

    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(use_threads=use_threads, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(
                invalid_row_handler=on_invalid_row, newlines_in_values=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        if not _has_line_break(path):
            # A header without a final newline: pyarrow cannot parse it, but it means no rows.
            return pa.table({name: pa.array([], pa.string()) for name in header}), []
        raise InvalidSubmission(
            [Problem("unreadable", {"reason": str(exc).splitlines()[0]})]
        ) from None
    return table, ragged


def _has_line_break(path: Path) -> bool:
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            if b"\n" in chunk or b"\r" in chunk:
                return True
    return False
