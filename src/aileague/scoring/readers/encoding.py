"""Diagnose a file that is not UTF-8: where the first bad byte is, and what it probably is.

Nothing here decodes a file for scoring: a file that is not UTF-8 is refused, and the message
names the likely encoding so that the participant knows what to convert from. The guess looks at
the bytes around the first invalid one and keeps the candidate whose decoding reads most like
its language (common Chinese characters, Thai words, Vietnamese tone marks, Latin letters).
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from aileague.scoring.validation import Problem

_CHUNK = 1 << 20
_WINDOW = 64 * 1024

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)

# (Python codec, the name shown to participants), in order of preference when tied.
CANDIDATES = (
    ("gb18030", "GB18030"),
    ("big5", "Big5"),
    ("cp874", "TIS-620/Windows-874"),
    ("cp1258", "Windows-1258"),
    ("cp1252", "Latin-1/Windows-1252"),
)
# Tone marks that Windows-1258 writes as combining characters after a vowel.
_VIETNAMESE_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_VIETNAMESE_VOWELS = set("aeiouyăâêôơưAEIOUYĂÂÊÔƠƯ")
_TYPOGRAPHY = set("‘’‚“”„–—…•€™«»°±×÷")


def not_utf8(path: Path, start: int = 0) -> Problem:
    """The problem for a file that is not UTF-8: its first bad byte, that byte's line, and the
    likely encoding."""
    offset = first_invalid_utf8(path, start)
    if offset is None:
        return Problem("unreadable", {"format": "text", "reason": "invalid UTF-8"})
    encoding = guess_encoding(sample_around(path, offset))
    return Problem(
        "not_utf8", {"offset": offset, "encoding": encoding}, lines=[line_of_offset(path, offset)]
    )


def bom_encoding(head: bytes) -> str:
    """UTF-16 or UTF-32 when the file starts with that byte-order mark, else ''."""
    if head.startswith(UTF32_BOMS):
        return "UTF-32"
    if head.startswith(UTF16_BOMS):
        return "UTF-16"
    return ""


def first_invalid_utf8(path: Path, start: int = 0) -> int | None:
    """Byte offset of the first byte that is not valid UTF-8, or None when it all is."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    offset = start
    with open(path, "rb") as handle:
        handle.seek(start)
        while chunk := handle.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset - len(decoder.getstate()[0])
    return None


def line_of_offset(path: Path, offset: int) -> int:
    """The 1-based line (``\\n``, ``\\r\\n`` or ``\\r`` endings) holding byte ``offset``."""
    line = 1
    previous = b""
    with open(path, "rb") as handle:
        remaining = offset
        while remaining > 0 and (chunk := handle.read(min(_CHUNK, remaining))):
            # A "\r\n" pair counts once, even when a chunk boundary splits it.
            line += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
            if previous == b"\r" and chunk.startswith(b"\n"):
                line -= 1
            previous = chunk[-1:]
            remaining -= len(chunk)
    return line


def sample_around(path: Path, offset: int) -> bytes:
    """Bytes from the start of the line holding ``offset`` to ``_WINDOW`` bytes after it."""
    begin = max(0, offset - 4096)
    with open(path, "rb") as handle:
        handle.seek(begin)
        data = handle.read(offset - begin + _WINDOW)
    cut = max(data.rfind(b"\n", 0, offset - begin), data.rfind(b"\r", 0, offset - begin))
    return data[cut + 1 :] if cut >= 0 else data


def guess_encoding(sample: bytes) -> str:
    """The display name of the most plausible legacy encoding of ``sample``, or ''."""
    encoding = bom_encoding(sample)
    if encoding:
        return encoding
    if looks_like_utf16(sample):
        return "UTF-16"
    best, best_score = "", 0.0
    for codec, name in CANDIDATES:
        text = _decode(sample, codec)
        if text is None:
            continue
        score = _plausibility(text, codec)
        if score > best_score:
            best, best_score = name, score
    return best if best_score >= 0.5 else ""


def looks_like_utf16(sample: bytes) -> bool:
    """Text in UTF-16 without a byte-order mark: every other byte of ASCII is NUL."""
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return max(even.count(0), odd.count(0)) > 0.3 * len(even)


def _decode(sample: bytes, codec: str) -> str | None:
    try:
        return sample.decode(codec)
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:
            return None
        # The window may end in the middle of a character.
        return sample[: exc.start].decode(codec, errors="ignore")


def _plausibility(text: str, codec: str) -> float:
    """The share of non-ASCII characters that make sense in ``codec``'s language."""
    wide = [i for i, char in enumerate(text) if ord(char) > 127]
    if not wide:
        return 0.0
    judge = {
        "gb18030": _common_chinese("gb2312", 0xB0, 0xD7),
        "big5": _common_chinese("big5", 0xA4, 0xC6),
        "cp874": _thai,
        "cp1258": _vietnamese,
        "cp1252": _latin,
    }[codec]
    score = sum(judge(text, i) for i in wide) / len(wide)
    if codec == "cp1258" and not any(_tone_after_vowel(text, i) for i in wide):
        score *= 0.9  # nothing specifically Vietnamese: Latin-1 reads these bytes as well
    return score


def _tone_after_vowel(text: str, i: int) -> bool:
    return text[i] in _VIETNAMESE_TONES and i > 0 and text[i - 1] in _VIETNAMESE_VOWELS


def _common_chinese(codec: str, first: int, last: int):
    """1 for ideographs in the encoding's frequent-character block and CJK punctuation, ½ for
    other ideographs (a misread file yields rare ones), 0 for anything else."""

    def judge(text: str, i: int) -> float:
        char = text[i]
        if "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef":
            return 1.0
        if not "\u4e00" <= char <= "\u9fff":
            return 0.0
        try:
            lead = char.encode(codec)[0]
        except UnicodeEncodeError:
            return 0.5
        return 1.0 if first <= lead <= last else 0.5

    return judge


def _thai(text: str, i: int) -> bool:
    """Thai letters, in words of at least two (a lone Thai mark is Latin-1 misread)."""

    def is_thai(j: int) -> bool:
        return 0 <= j < len(text) and "\u0e01" <= text[j] <= "\u0e5b"

    return is_thai(i) and (is_thai(i - 1) or is_thai(i + 1))


def _vietnamese(text: str, i: int) -> bool:
    char = text[i]
    if char in _VIETNAMESE_TONES:
        return i > 0 and text[i - 1].isalpha()
    return char.isalpha() and unicodedata.name(char, "").startswith("LATIN")


def _latin(text: str, i: int) -> bool:
    """Accented Latin letters, at most two in a row (long runs are another script misread)."""
    char = text[i]
    if char in _TYPOGRAPHY:
        return True
    if not (char.isalpha() and unicodedata.name(char, "").startswith("LATIN")):
        return False
    run = 1
    j = i - 1
    while j >= 0 and ord(text[j]) > 127:
        run, j = run + 1, j - 1
    j = i + 1
    while j < len(text) and ord(text[j]) > 127:
        run, j = run + 1, j + 1
    return run <= 2
