"""Which format a file is in, from its extension and its first bytes, and when they disagree.

A file is read in the format its extension names; its content is checked against that name, so
that a ``.csv`` that is really a zip archive or a Parquet file is refused with a message that says
so, rather than read as garbage. A file without an extension is read as its content says.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from aileague.scoring.readers.encoding import bom_encoding, looks_like_utf16
from aileague.scoring.validation import InvalidSubmission, Problem

CSV, TSV, JSONL, PARQUET, ZIP = "csv", "tsv", "jsonl", "parquet", "zip"

#: Accepted extensions and the format each one names.
SUFFIXES = {
    ".csv": CSV,
    ".txt": CSV,
    ".tsv": TSV,
    ".tab": TSV,
    ".jsonl": JSONL,
    ".ndjson": JSONL,
    ".parquet": PARQUET,
    ".pq": PARQUET,
    ".zip": ZIP,
}
#: How each detected content is named in messages.
NAMES = {
    CSV: "CSV",
    TSV: "TSV",
    JSONL: "JSON Lines",
    PARQUET: "Parquet",
    ZIP: "zip",
    "xlsx": "Excel (.xlsx)",
    "xls": "Excel (.xls)",
    "gzip": "gzip",
    "bzip2": "bzip2",
    "xz": "xz",
    "zstd": "Zstandard",
    "7z": "7z",
    "rar": "RAR",
    "pdf": "PDF",
    "json": "JSON (one document, not JSON Lines)",
    "text": "text",
}
_MAGIC = (
    (b"PK\x03\x04", ZIP),
    (b"PK\x05\x06", ZIP),  # an archive without members
    (b"PAR1", PARQUET),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
    (b"%PDF", "pdf"),
)
_TEXT_FORMATS = (CSV, TSV, JSONL)


def sniff(path: Path, head: bytes) -> str:
    """What the content is: a format of ``SUFFIXES``, a key of ``NAMES``, or 'text'."""
    for magic, found in _MAGIC:
        if head.startswith(magic):
            if found == ZIP and _is_xlsx(path):
                return "xlsx"
            return found
    if bom_encoding(head) or looks_like_utf16(head):
        return "utf16"
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if stripped.startswith(b"{"):
        return JSONL
    if stripped.startswith(b"["):
        return "json"
    return "text"


def _is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names)


def detect_format(path: Path, head: bytes, *, name: str | None = None) -> str:
    """The format to read ``path`` in; raises InvalidSubmission when it cannot be read.

    ``name`` is the name the participant gave the file (a zip member's name, say) when it
    differs from ``path``'s.
    """
    suffix = Path(name or path.name).suffix.lower()
    if suffix and suffix not in SUFFIXES:
        raise InvalidSubmission([Problem("unsupported_format", {"suffix": suffix})])
    expected = SUFFIXES.get(suffix)
    content = sniff(path, head)
    if content == "utf16":
        encoding = bom_encoding(head) or "UTF-16"
        offset = 0 if bom_encoding(head) else head.index(b"\x00")
        raise InvalidSubmission([Problem("not_utf8", {"offset": offset, "encoding": encoding})])
    if content == "text" and expected in (None, CSV, TSV):
        return expected or CSV
    if content == expected or (expected is None and content in SUFFIXES.values()):
        return content
    if content != "text" and content not in SUFFIXES.values():
        raise InvalidSubmission([Problem("unsupported_content", {"detected": NAMES[content]})])
    raise InvalidSubmission(
        [Problem("format_mismatch", {"suffix": suffix, "detected": NAMES[content]})]
    )
