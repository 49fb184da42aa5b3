"""Storing uploaded files: streamed to disk with their SHA-256, never held whole in memory."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import BinaryIO

from django.core.files.base import File
from django.core.files.storage import default_storage

CHUNK = 1 << 20


@dataclass
class StoredFile:
    name: str
    size: int
    sha256: str


class _HashingReader(File):
    """Wraps a file so that saving it computes its size and SHA-256 on the way through."""

    def __init__(self, source: BinaryIO, name: str) -> None:
        super().__init__(source, name)
        self.digest = hashlib.sha256()
        self.bytes_read = 0

    def chunks(self, chunk_size=None):
        if hasattr(self.file, "seek"):
            self.file.seek(0)
        while True:
            data = self.file.read(chunk_size or CHUNK)
            if not data:
                break
            self.digest.update(data)
            self.bytes_read += len(data)
            yield data


def store_file(source: BinaryIO, name: str) -> StoredFile:
    reader = _HashingReader(source, name)
    stored_name = default_storage.save(name, reader)
    return StoredFile(name=stored_name, size=reader.bytes_read, sha256=reader.digest.hexdigest())


def local_path(name: str) -> str:
    return default_storage.path(name)


def delete_file(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)
