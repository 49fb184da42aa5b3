"""A 50 MB file through the default 8 MiB chunks over real HTTP, in bounded memory.

The server runs in this process (pytest-django's live server thread), so tracemalloc sees
both sides: the client streams each chunk from disk and the server spools it to disk.
"""

import hashlib
import os
import random
import tracemalloc
from pathlib import Path

import httpx
import pytest

from aileague.common import storage
from aileague.submissions.models import Submission
from tests.factories import captain_of
from tests.uploads.helpers import bearer, big_entry

pytestmark = pytest.mark.django_db(transaction=True)

SIZE = 50 * 1024 * 1024 + 123  # not a multiple of the chunk size
PIECE = 1 << 20


def write_file(path: Path) -> str:
    digest = hashlib.sha256()
    rng = random.Random(7)
    with open(path, "wb") as out:
        left = SIZE
        while left:
            data = rng.randbytes(min(PIECE, left))
            digest.update(data)
            out.write(data)
            left -= len(data)
    return digest.hexdigest()


def pieces(path: Path, offset: int, length: int):
    with open(path, "rb") as handle:
        handle.seek(offset)
        while length:
            data = handle.read(min(PIECE, length))
            length -= len(data)
            yield data


def chunk_sha(path: Path, offset: int, length: int) -> str:
    digest = hashlib.sha256()
    for data in pieces(path, offset, length):
        digest.update(data)
    return digest.hexdigest()


def test_a_50_mb_file_goes_through_in_chunks_in_bounded_memory(live_server, tmp_path):
    entry, stage, _ = big_entry()
    path = tmp_path / "big.csv"
    whole = write_file(path)
    http = httpx.Client(
        base_url=live_server.url + "/api/v1", headers=bearer(captain_of(entry.team)), timeout=120
    )
    session = http.post(
        "/uploads",
        json={
            "scenario": stage.scenario.slug,
            "filename": "big.csv",
            "size": SIZE,
            "sha256": whole,
        },
    ).json()
    chunk_size = session["chunk_size"]
    assert (chunk_size, session["chunk_count"]) == (8 * 1024 * 1024, 7)

    tracemalloc.start()
    try:
        for index in range(session["chunk_count"]):
            offset = index * chunk_size
            length = min(chunk_size, SIZE - offset)
            response = http.put(
                f"/uploads/{session['id']}/chunks/{index}",
                content=pieces(path, offset, length),
                headers={
                    "Content-Length": str(length),
                    "X-Chunk-Sha256": chunk_sha(path, offset, length),
                },
            )
            assert response.status_code == 200, response.text
        response = http.post(f"/uploads/{session['id']}/complete")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        http.close()

    # Both sides move 1 MiB pieces: less than one chunk is ever in memory, let alone the file.
    assert peak < chunk_size
    assert response.status_code == 201, response.text
    submission = Submission.objects.get()
    # Accepted; a worker running for other tests may already have found the noise invalid.
    assert submission.state in ("queued", "scoring", "invalid")
    assert (submission.size, submission.sha256) == (SIZE, whole)
    stored = Path(submission.file.path)
    with open(stored, "rb") as handle:
        assert hashlib.file_digest(handle, "sha256").hexdigest() == whole
    assert os.stat(stored).st_nlink == 1  # the part file was linked into place, then removed
    assert not Path(storage.local_path(f"uploads/{session['id']}.part")).exists()
