"""The CLI uploads a large file in chunks and resumes after the network drops mid-upload."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from aileague.accounts.services import create_api_token
from aileague.submissions.models import Submission
from aileague.uploads.models import UploadChunk, UploadSession
from tests.factories import captain_of
from tests.uploads.helpers import big_entry

pytestmark = pytest.mark.django_db(transaction=True)

CHUNK = 4096


class CuttingProxy:
    """A TCP proxy to the live server that, once ``budget`` bytes have gone upstream, drops
    every connection and refuses new ones: the network failing in the middle of an upload."""

    def __init__(self, target: str, budget: int) -> None:
        parts = urlsplit(target)
        self.target = (parts.hostname, parts.port)
        self.budget = budget
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, upstream: bool) -> None:
        try:
            while data := source.recv(1024):
                if upstream:
                    with self.lock:
                        self.budget -= len(data)
                        if self.budget < 0:
                            self.cut()
                            return
                target.sendall(data)
        except OSError:
            pass

    def cut(self) -> None:
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def run_cli(args, url, token, tmp_path):
    env = {
        **os.environ,
        "AILEAGUE_URL": url,
        "AILEAGUE_TOKEN": token,
        "AILEAGUE_CONFIG": str(tmp_path / "credentials.json"),
        "COLUMNS": "120",
    }
    return subprocess.run(
        [sys.executable, "-m", "aileague", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_cli_resumes_an_interrupted_chunked_upload(live_server, tmp_path, settings):
    settings.AILEAGUE_UPLOAD_CHUNK_BYTES = CHUNK
    entry, stage, data = big_entry(rows=2000)
    path = tmp_path / "predictions.csv"
    path.write_bytes(data)
    count = -(-len(data) // CHUNK)
    _, token = create_api_token(user=captain_of(entry.team), name="cli")
    args = ["submit", "-c", stage.scenario.slug, str(path), "-m", "big one", "--no-wait"]
    proxy = CuttingProxy(live_server.url, budget=3 * CHUNK)

    interrupted = run_cli([*args, "--chunked", "--retries", "1"], proxy.url, token, tmp_path)

    assert interrupted.returncode == 2, interrupted.stdout + interrupted.stderr
    assert "upload_interrupted" in interrupted.stderr
    assert "run the same command again to resume" in " ".join(interrupted.stderr.split())
    assert Submission.objects.count() == 0
    received = UploadChunk.objects.count()
    assert 0 < received < count

    resumed = run_cli([*args, "--chunked"], live_server.url, token, tmp_path)

    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"resuming: {received} of {count} chunks" in resumed.stderr
    submission = Submission.objects.get()
    assert "queued" in resumed.stdout
    # Accepted (a worker running for other tests may already have scored it).
    assert submission.state in ("queued", "scoring", "scored")
    assert submission.description == "big one"
    assert Path(submission.file.path).read_bytes() == data
    assert UploadSession.objects.get().state == "complete"


def test_kaggle_spelling_goes_through_the_chunks_too(live_server, tmp_path, settings):
    settings.AILEAGUE_UPLOAD_CHUNK_BYTES = CHUNK
    entry, stage, data = big_entry(rows=600)
    path = tmp_path / "predictions.csv"
    path.write_bytes(data.replace(b",", b";"))
    _, token = create_api_token(user=captain_of(entry.team), name="cli")
    args = ["competitions", "submit", "-c", stage.scenario.slug, "-f", str(path), "--chunked"]

    result = run_cli(args, live_server.url, token, tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "wrong_delimiter" in result.stdout
    assert UploadSession.objects.get().state == "complete"
    assert Submission.objects.get().state == "invalid"
