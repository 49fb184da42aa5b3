"""Read a predictions or reference file as columns of text, whatever its format.

``read_table(path)`` reads CSV and TSV (UTF-8, with or without a byte-order mark), JSON Lines,
Parquet, and a zip archive holding one such file. Everything is columnar (pyarrow): a 1 GB file
becomes arrays, never millions of Python objects. Every column is text, so that ids keep their
spelling ("007" is not "7") and validation, not the parser, decides what a bad number is and
where it stands. A file that is not UTF-8 is refused, naming the likely encoding; nothing is
guessed silently.

Where a problem stands: CSV/TSV and JSON Lines give file lines (a CSV header is line 1; a JSON
Lines file's first line is line 1); Parquet gives rows counted from 1 (``unit`` "row").
"""

from __future__ import annotations

from pathlib import Path

from aileague.scoring.readers.archive import (
    MAX_COMPRESSION_RATIO,
    MAX_UNCOMPRESSED_BYTES,
    unpack_single_member,
)
from aileague.scoring.readers.delimited import read_delimited
from aileague.scoring.readers.detect import CSV, JSONL, PARQUET, SUFFIXES, TSV, ZIP, detect_format
from aileague.scoring.readers.jsonl import read_jsonl
from aileague.scoring.readers.parquet import read_parquet
from aileague.scoring.readers.table import LINE, ROW, RaggedRow, TextTable
from aileague.scoring.validation import InvalidSubmission, Problem

__all__ = [
    "CSV",
    "JSONL",
    "LINE",
    "MAX_COMPRESSION_RATIO",
    "MAX_UNCOMPRESSED_BYTES",
    "PARQUET",
    "ROW",
    "SUFFIXES",
    "TSV",
    "ZIP",
    "RaggedRow",
    "TextTable",
    "read_csv_as_text",
    "read_table",
]

_HEAD = 8192
_BOM = b"\xef\xbb\xbf"


def read_table(
    path: Path,
    *,
    max_bytes: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: float = MAX_COMPRESSION_RATIO,
    numeric: frozenset[str] | set[str] = frozenset(),
) -> TextTable:
    """Read ``path`` as text columns; raise InvalidSubmission with every problem found reading.

    ``max_bytes`` and ``max_ratio`` bound what a zip archive may unpack to. Call ``close()`` on
    the result when done with it (it deletes an unpacked archive member; garbage collection
    does it too). ``numeric`` names columns a CSV or TSV file may hand over as float64, when
    every one of their values is a finite number (``TextTable.typed_columns`` says which did);
    the speed of a good file is all it changes.
    """
    path = Path(path)
    options = {"max_bytes": max_bytes, "max_ratio": max_ratio, "numeric": frozenset(numeric)}
    return _read(path, path.name, nested=False, **options)


def read_csv_as_text(path: Path) -> TextTable:
    """Kept for callers written before other formats: the same as ``read_table``."""
    return read_table(path)


def _read(
    path: Path,
    name: str,
    *,
    max_bytes: int,
    max_ratio: float,
    nested: bool,
    numeric: frozenset[str],
) -> TextTable:
    with open(path, "rb") as handle:
        head = handle.read(_HEAD)
    suffix = Path(name).suffix.lower()
    blank = not head.removeprefix(_BOM).strip() and path.stat().st_size <= _HEAD
    if blank and (not suffix or suffix in SUFFIXES):
        raise InvalidSubmission([Problem("empty_file", {})])
    fmt = detect_format(path, head, name=name)
    if fmt == ZIP:
        if nested:
            raise InvalidSubmission([Problem("zip_nested", {"name": name})])
        member, member_name = unpack_single_member(path, max_bytes=max_bytes, max_ratio=max_ratio)
        try:
            options = {"max_bytes": max_bytes, "max_ratio": max_ratio, "numeric": numeric}
            text = _read(member, member_name, nested=True, **options)
        except BaseException:
            member.unlink(missing_ok=True)
            raise
        text.temporary.append(member)
        return text
    if fmt == PARQUET:
        return read_parquet(path)
    if fmt == JSONL:
        return read_jsonl(path)
    return read_delimited(path, delimiter="\t" if fmt == TSV else ",", fmt=fmt, numeric=numeric)
