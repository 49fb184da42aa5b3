"""A reference written as CSV, JSON Lines or Parquet, and where its problems are said to be.

Every column is text in all three formats, so the reference means the same in each; only the
place of a problem differs. CSV counts lines with the header on line 1, JSON Lines counts lines
from 1 (no header), and Parquet has no lines, so it counts rows from 1.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

FORMATS = ("csv", "jsonl", "parquet")


def write_reference(directory: Path, csv_text: str, fmt: str, stem: str = "reference") -> Path:
    """``csv_text`` written as ``<stem>.<fmt>`` in ``directory``, every value as text."""
    path = directory / f"{stem}.{fmt}"
    if fmt == "csv":
        path.write_text(csv_text, encoding="utf-8", newline="")
        return path
    header, *rows = csv.reader(io.StringIO(csv_text))
    if fmt == "jsonl":
        objects = (dict(zip(header, row, strict=True)) for row in rows)
        text = "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)
        path.write_text(text, encoding="utf-8")
    else:
        columns = [pa.array([row[i] for row in rows], type=pa.string()) for i in range(len(header))]
        pq.write_table(pa.Table.from_arrays(columns, names=header), path)
    return path


def placed(message: str, fmt: str) -> str:
    """``message``, as reported for a CSV reference, for the same reference in ``fmt``."""

    def move(match: re.Match) -> str:
        numbers = [int(n) - (fmt != "csv") for n in match[2].split(", ")]
        unit = "row" if fmt == "parquet" else "line"
        return f"{unit}{match[1]} {', '.join(str(n) for n in numbers)}"

    message = re.sub(r"\bline(s?) (\d+(?:, \d+)*)", move, message, count=1)
    return message.replace("reference.csv", f"reference.{fmt}")
