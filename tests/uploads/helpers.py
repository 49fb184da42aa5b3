"""Shared pieces of the upload tests: files big enough for several chunks, and API calls."""

from __future__ import annotations

import hashlib

from aileague.accounts.services import create_api_token
from tests.factories import make_entry, make_scenario, make_stage


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def reference_and_predictions(rows: int) -> tuple[str, str]:
    """A reference of ``rows`` ids and a perfect predictions file for it."""
    half = rows // 2
    reference = "id,target,split\n" + "".join(
        f"{i:06d},{i % 2},{'public' if i < half else 'private'}\n" for i in range(rows)
    )
    predictions = "id,prediction\n" + "".join(
        f"{i:06d},{0.9 if i % 2 else 0.1}\n" for i in range(rows)
    )
    return reference, predictions


def big_entry(rows: int = 400, **stage_fields):
    """An entry in a scenario whose valid predictions file is about 20 bytes per row."""
    reference, predictions = reference_and_predictions(rows)
    stage = make_stage(scenario=make_scenario(reference=reference), **stage_fields)
    entry, stage = make_entry(stage=stage)
    return entry, stage, predictions.encode()


def bearer(user) -> dict:
    _, secret = create_api_token(user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def start(client, headers, stage, data: bytes, **fields):
    body = {
        "scenario": stage.scenario.slug,
        "stage": stage.slug,
        "filename": "predictions.csv",
        "size": len(data),
        "sha256": sha(data),
        **fields,
    }
    return client.post("/api/v1/uploads", body, content_type="application/json", headers=headers)


def put_chunk(client, headers, upload_id, index, chunk: bytes, digest: str | None = None):
    return client.put(
        f"/api/v1/uploads/{upload_id}/chunks/{index}",
        chunk,
        content_type="application/octet-stream",
        headers={**headers, "X-Chunk-Sha256": sha(chunk) if digest is None else digest},
    )


def chunks_of(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def complete(client, headers, upload_id):
    return client.post(f"/api/v1/uploads/{upload_id}/complete", headers=headers)
