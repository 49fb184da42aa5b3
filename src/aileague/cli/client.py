"""HTTP client for participant commands: the server URL and token come from the environment
(AILEAGUE_URL, AILEAGUE_TOKEN) or from the file ``aileague login`` writes."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import httpx

CONFIG_PATH = Path(
    os.environ.get("AILEAGUE_CONFIG", Path.home() / ".config" / "aileague" / "credentials.json")
)


class ClientError(Exception):
    def __init__(self, status: int, payload: dict) -> None:
        self.status = status
        self.payload = payload
        super().__init__(payload.get("message") or f"HTTP {status}")


@dataclass
class Credentials:
    url: str
    token: str


def load_credentials() -> Credentials:
    url = os.environ.get("AILEAGUE_URL")
    token = os.environ.get("AILEAGUE_TOKEN")
    if (not url or not token) and CONFIG_PATH.exists():
        stored = json.loads(CONFIG_PATH.read_text())
        url = url or stored.get("url")
        token = token or stored.get("token")
    if not url or not token:
        raise ClientError(
            0,
            {
                "code": "not_configured",
                "message": "No server or token: run `aileague login --url URL --token TOKEN` "
                "(create a token on your profile page), or set AILEAGUE_URL and "
                "AILEAGUE_TOKEN.",
            },
        )
    return Credentials(url=url.rstrip("/"), token=token)


def save_credentials(credentials: Credentials) -> Path:
    CONFIG_PATH.parent.mkdir(parents=True, exist_ok=True)
    CONFIG_PATH.write_text(json.dumps({"url": credentials.url, "token": credentials.token}))
    CONFIG_PATH.chmod(0o600)
    return CONFIG_PATH


#: Files above this size go up in chunks (resumable); smaller ones in one request.
CHUNKED_THRESHOLD = 16 * 1024 * 1024
#: Answers worth trying again: the server or the network, not the request, went wrong.
RETRY_STATUSES = frozenset({408, 500, 502, 503, 504})
PIECE = 1 << 20


class UploadInterrupted(ClientError):
    def __init__(self, reason: str, sent: int, size: int) -> None:
        super().__init__(
            0,
            {
                "code": "upload_interrupted",
                "message": f"The upload was interrupted ({reason}). {sent} of {size} bytes are on "
                "the server: run the same command again to resume.",
            },
        )


def file_sha256(path: Path, on_read: Callable[[int], None] = lambda n: None) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while data := handle.read(PIECE):
            digest.update(data)
            on_read(len(data))
    return digest.hexdigest()


def _pieces(path: Path, offset: int, length: int) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        handle.seek(offset)
        while length > 0:
            data = handle.read(min(PIECE, length))
            if not data:
                return
            length -= len(data)
            yield data


class ProgressReader:
    """A file wrapper that reports how many bytes the upload has read so far."""

    def __init__(self, handle: BinaryIO, on_read) -> None:
        self._handle = handle
        self._on_read = on_read

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self._on_read(len(data))
        return data

    def __getattr__(self, name):
        return getattr(self._handle, name)


class Api:
    def __init__(self, credentials: Credentials, language: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {credentials.token}"}
        if language:
            headers["Accept-Language"] = language
        self._http = httpx.Client(
            base_url=credentials.url + "/api/v1",
            headers=headers,
            timeout=httpx.Timeout(30.0, write=600.0, read=600.0),
        )

    def _json(self, response: httpx.Response):
        try:
            payload = response.json()
        except ValueError:
            payload = {"message": response.text[:500]}
        if response.status_code >= 400 and response.status_code != 422:
            raise ClientError(response.status_code, payload if isinstance(payload, dict) else {})
        return payload

    def get(self, path: str, **params):
        return self._json(self._http.get(path, params={k: v for k, v in params.items() if v}))

    def post_json(self, path: str, body: dict):
        return self._json(self._http.post(path, json=body))

    def upload_chunked(
        self,
        file_path: Path,
        fields: dict,
        *,
        on_hashed: Callable[[int], None],
        on_session: Callable[[dict], None],
        on_sent: Callable[[int], None],
        retries: int = 5,
    ) -> tuple[int, dict]:
        """Upload in chunks through /uploads (docs/uploads.md) and return the submission.

        Announcing the same file again resumes an open upload, so re-running after an
        interruption sends only the chunks the server lacks. A failed request is retried with
        backoff; past ``retries`` it raises UploadInterrupted.
        """
        size = file_path.stat().st_size
        sha256 = file_sha256(file_path, on_hashed)
        body = {**fields, "filename": file_path.name, "size": size, "sha256": sha256}
        progress = {"sent": 0, "size": size}
        session = self._json(
            self._retrying(lambda: self._http.post("/uploads", json=body), retries, progress)
        )
        on_session(session)
        progress["sent"] = session["received_bytes"]
        received = set(session["received_chunks"])
        for index in range(session["chunk_count"]):
            if index not in received:
                offset = index * session["chunk_size"]
                length = min(session["chunk_size"], size - offset)
                path = f"/uploads/{session['id']}/chunks/{index}"
                self._put_chunk(path, file_path, offset, length, on_sent, retries, progress)
                progress["sent"] += length
        complete = f"/uploads/{session['id']}/complete"
        response = self._retrying(lambda: self._http.post(complete), retries, progress)
        return response.status_code, self._json(response)

    def _put_chunk(self, path, file_path, offset, length, on_sent, retries, progress) -> None:
        digest = hashlib.sha256()
        for data in _pieces(file_path, offset, length):
            digest.update(data)
        headers = {"Content-Length": str(length), "X-Chunk-Sha256": digest.hexdigest()}
        counted = [0]

        def body() -> Iterator[bytes]:
            for data in _pieces(file_path, offset, length):
                counted[0] += len(data)
                on_sent(len(data))
                yield data

        def attempt() -> httpx.Response:
            on_sent(-counted[0])  # a retry sends the chunk again from its start
            counted[0] = 0
            return self._http.put(path, content=body(), headers=headers)

        try:
            self._json(self._retrying(attempt, retries, progress))
        except UploadInterrupted:
            on_sent(-counted[0])
            raise

    def _retrying(self, send, retries: int, progress: dict) -> httpx.Response:
        """Call ``send`` again, with exponential backoff, on network errors and 5xx answers."""
        delay = 1.0
        for attempt in range(retries + 1):
            try:
                response = send()
            except httpx.TransportError as exc:
                reason = type(exc).__name__ + (f": {exc}" if str(exc) else "")
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                reason = f"HTTP {response.status_code}"
            if attempt == retries:
                break
            time.sleep(delay)
            delay = min(delay * 2, 30.0)
        raise UploadInterrupted(reason, progress["sent"], progress["size"])

    def upload(self, path: str, file_path: Path, fields: dict, on_read) -> tuple[int, dict]:
        with open(file_path, "rb") as handle:
            reader = ProgressReader(handle, on_read)
            response = self._http.post(path, data=fields, files={"file": (file_path.name, reader)})
        return response.status_code, self._json(response)
