"""HTTP client for participant commands: the server URL and token come from the environment
(AILEAGUE_URL, AILEAGUE_TOKEN) or from the file ``aileague login`` writes."""

from __future__ import annotations

import json
import os
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

    def upload(self, path: str, file_path: Path, fields: dict, on_read) -> tuple[int, dict]:
        with open(file_path, "rb") as handle:
            reader = ProgressReader(handle, on_read)
            response = self._http.post(path, data=fields, files={"file": (file_path.name, reader)})
        return response.status_code, self._json(response)
