"""On which line of a file each record starts, for the messages that point at a row.

Only asked for when a problem needs a line number, so a good file never pays for it. The scan is
vectorised with numpy over chunks of the file: line breaks are ``\\n``, ``\\r\\n`` or a lone
``\\r``; a break inside double quotes does not end a CSV record; blank lines hold no record (as
pyarrow skips them). When the count of records found disagrees with the parser's (quotes in
the middle of a field, say) the file is scanned again with Python's csv module, which is slow
but follows the same rules as pyarrow's parser.
"""

from __future__ import annotations

import csv
import io
import json
from array import array
from pathlib import Path

import numpy as np

_CHUNK = 16 << 20
_LF, _CR, _QUOTE = 10, 13, 34


def delimited_record_lines(
    path: Path, start: int, first_line: int, *, delimiter: str, records: int, chunk: int = _CHUNK
) -> np.ndarray:
    """The line on which each non-blank record after byte ``start`` begins.

    ``first_line`` is the line of byte ``start``; ``records`` is how many records the parser
    found, to check the scan against; ``chunk`` is how many bytes are scanned at a time.
    """
    lines = _scan(path, start, first_line, quotes=True, chunk=chunk)
    if len(lines) != records:
        lines = _csv_module_lines(path, start, first_line, delimiter)
    return lines


def jsonl_record_lines(path: Path, records: int, chunk: int = _CHUNK) -> np.ndarray:
    """The line on which each JSON value of a JSON Lines file begins (blank lines hold none)."""
    lines = _scan(path, 0, 1, quotes=False, chunk=chunk)
    if len(lines) != records:
        lines = _json_value_lines(path)
    return lines


def _scan(path: Path, start: int, first_line: int, *, quotes: bool, chunk: int) -> np.ndarray:
    found: list[np.ndarray] = []
    state = _State(first_line)
    with open(path, "rb") as handle:
        handle.seek(start)
        carry = b""
        while True:
            block = handle.read(chunk)
            data = carry + block
            carry = b""
            if block and data.endswith(b"\r"):
                # Whether this "\r" ends a line depends on the next byte.
                data, carry = data[:-1], b"\r"
            if data:
                found.append(state.feed(np.frombuffer(data, dtype=np.uint8), quotes=quotes))
            if not block:
                break
    if state.open_content:
        found.append(np.array([state.open_line], dtype=np.int64))
    return np.concatenate(found) if found else np.empty(0, dtype=np.int64)


class _State:
    """What carries from one chunk to the next: quote parity, line, and the open record."""

    def __init__(self, first_line: int) -> None:
        self.parity = 0
        self.line = first_line
        self.open_line = first_line
        self.open_content = False

    def feed(self, b: np.ndarray, *, quotes: bool) -> np.ndarray:
        """The start lines of the non-blank records that end in ``b``."""
        lf = b == _LF
        breaks = lf | (b == _CR)
        breaks[:-1] &= ~((b[:-1] == _CR) & lf[1:])  # "\r\n" breaks once, at the "\n"
        ends = breaks
        if quotes:
            is_quote = b == _QUOTE
            inside = ((np.cumsum(is_quote) - is_quote + self.parity) & 1).astype(bool)
            ends = breaks & ~inside
            self.parity = (self.parity + int(is_quote.sum())) & 1
        end_at = np.flatnonzero(ends)
        breaks_before = np.cumsum(breaks) - breaks
        starts = np.concatenate(([0], end_at + 1))[:-1]
        length = end_at - starts
        crlf = (end_at > starts) & lf[end_at] & (b[np.maximum(end_at - 1, 0)] == _CR)
        length = length - crlf
        content = length > 0
        if not quotes:
            content = self._has_text(b, starts, end_at)
        lines = self.line + breaks_before[starts]
        if len(end_at):
            lines[0] = self.open_line
            content[0] |= self.open_content
        result = lines[content]
        rest = end_at[-1] + 1 if len(end_at) else 0
        if len(end_at):
            self.open_line = self.line + int(np.count_nonzero(breaks[:rest]))
            self.open_content = False
        tail = b[rest:]
        self.open_content |= bool(len(tail)) if quotes else bool(np.any(~np.isin(tail, _BLANK)))
        self.line += int(np.count_nonzero(breaks))
        return result.astype(np.int64)

    @staticmethod
    def _has_text(b: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Whether each line holds something other than blanks (JSON skips whitespace)."""
        text = ~np.isin(b, _BLANK)
        counts = np.concatenate(([0], np.cumsum(text)))
        return counts[ends] - counts[starts] > 0


_BLANK = np.array([32, 9, 10, 13], dtype=np.uint8)


def _csv_module_lines(path: Path, start: int, first_line: int, delimiter: str) -> np.ndarray:
    lines = array("q")
    with open(path, "rb") as raw:
        raw.seek(start)
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
        reader = csv.reader(text, delimiter=delimiter, strict=False)
        before = 0
        for row in reader:
            if row:
                lines.append(first_line + before)
            before = reader.line_num
    return np.frombuffer(lines, dtype=np.int64) if lines else np.empty(0, dtype=np.int64)


def _json_value_lines(path: Path) -> np.ndarray:
    """Where each JSON value starts, decoding a line's values one after another."""
    decoder = json.JSONDecoder()
    lines = array("q")
    with open(path, encoding="utf-8-sig", errors="replace", newline="\n") as handle:
        for number, line in enumerate(handle, start=1):
            position = 0
            while True:
                while position < len(line) and line[position] in " \t\r\n":
                    position += 1
                if position >= len(line):
                    break
                lines.append(number)
                try:
                    _, position = decoder.raw_decode(line, position)
                except json.JSONDecodeError:
                    break
    return np.frombuffer(lines, dtype=np.int64) if lines else np.empty(0, dtype=np.int64)
