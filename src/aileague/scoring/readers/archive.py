"""A zip archive holding one predictions file, unpacked safely to a temporary file.

Refused, all reasons at once: members whose names leave the archive (absolute, ``..``), symbolic
links, encrypted members, no member, more than one member (named), and an archive inside the
archive. Bombs are stopped while unpacking, from the bytes actually produced, never from the
sizes the archive claims: at ``max_bytes`` in total, or as soon as the output outgrows the
compressed input ``max_ratio`` times (past a small allowance, since small files compress well).
Folders, and the ``__MACOSX/`` and ``.DS_Store`` entries macOS adds, are ignored.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from aileague.scoring.readers.table import unreadable
from aileague.scoring.validation import MAX_EXAMPLES, InvalidSubmission, Problem

MAX_UNCOMPRESSED_BYTES = 2 * 1024**3
MAX_COMPRESSION_RATIO = 200
RATIO_ALLOWANCE_BYTES = 1 << 20  # below this much output, any ratio is fine
_CHUNK = 1 << 20
_NESTED = (".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".zst")


def unpack_single_member(
    path: Path,
    *,
    max_bytes: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: float = MAX_COMPRESSION_RATIO,
) -> tuple[Path, str]:
    """Unpack the archive's only file next to it; return the temporary file and the member name.

    The caller deletes the temporary file. Raises InvalidSubmission for a refused archive.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            member = _the_member(archive)
            return _unpack(archive, member, path, max_bytes=max_bytes, max_ratio=max_ratio)
    except zipfile.BadZipFile as exc:
        raise InvalidSubmission([unreadable("zip", exc, path)]) from None


def _the_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    members = [info for info in archive.infolist() if not _ignored(info)]
    problems = []
    for code, test in (
        ("zip_unsafe_path", _unsafe),
        ("zip_symlink", _symlink),
        ("zip_encrypted", lambda info: bool(info.flag_bits & 0x1)),
    ):
        names = [info.filename for info in members if test(info)]
        if names:
            problems.append(Problem(code, {"count": len(names)}, examples=names[:MAX_EXAMPLES]))
    if not members:
        problems.append(Problem("zip_empty", {}))
    elif len(members) > 1:
        names = [info.filename for info in members]
        problems.append(
            Problem("zip_many_members", {"count": len(names)}, examples=names[:MAX_EXAMPLES])
        )
    elif not problems and members[0].filename.lower().endswith(_NESTED):
        problems.append(Problem("zip_nested", {"name": members[0].filename}))
    if problems:
        raise InvalidSubmission(problems)
    return members[0]


def _ignored(info: zipfile.ZipInfo) -> bool:
    name = info.filename
    return (
        info.is_dir()
        or name.startswith("__MACOSX/")
        or PurePosixPath(name.replace("\\", "/")).name == ".DS_Store"
    )


def _unsafe(info: zipfile.ZipInfo) -> bool:
    name = info.filename.replace("\\", "/")
    return (
        name.startswith("/")
        or bool(re.match(r"^[A-Za-z]:", name))
        or ".." in PurePosixPath(name).parts
        or "\x00" in name
    )


def _symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _unpack(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    path: Path,
    *,
    max_bytes: int,
    max_ratio: float,
) -> tuple[Path, str]:
    name = member.filename
    # The compressed bytes cannot exceed the archive, whatever the header says.
    compressed = max(1, min(member.compress_size, path.stat().st_size))
    allowed = min(max_bytes, max(RATIO_ALLOWANCE_BYTES, int(max_ratio * compressed)))
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    handle, temporary = tempfile.mkstemp(prefix=".unzipped-", suffix=suffix, dir=path.parent)
    written = 0
    try:
        with os.fdopen(handle, "wb") as out, archive.open(member) as source:
            while chunk := source.read(_CHUNK):
                if written == 0 and chunk.startswith((b"PK\x03\x04", b"PK\x05\x06")):
                    raise InvalidSubmission([Problem("zip_nested", {"name": name})])
                written += len(chunk)
                if written > allowed:
                    raise InvalidSubmission([_bomb(name, written, max_bytes, max_ratio)])
                out.write(chunk)
    except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError) as exc:
        os.unlink(temporary)
        raise InvalidSubmission([unreadable("zip", exc, path)]) from None
    except BaseException:
        os.unlink(temporary)
        raise
    return Path(temporary), name


def _bomb(name: str, written: int, max_bytes: int, max_ratio: float) -> Problem:
    if written > max_bytes:
        return Problem("zip_too_large", {"name": name, "limit": _size(max_bytes)})
    return Problem("zip_ratio", {"name": name, "limit": f"{max_ratio:g}"})


def _size(count: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count:g} {unit}" if unit == "bytes" else f"{count:.3g} {unit}"
        count /= 1024  # type: ignore[assignment]
    raise AssertionError("unreachable")
