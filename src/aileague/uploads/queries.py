"""Reads: an upload session for its owner, and which of its chunks have arrived."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _

from aileague.common.errors import NotFound
from aileague.uploads.models import UploadChunk, UploadSession


def access_upload_session(*, upload_id: str, user) -> UploadSession:
    """The session, for the user who started it; NotFound for anyone else (ids do not leak)."""
    try:
        pk = uuid.UUID(str(upload_id))
    except ValueError:
        pk = None
    session = (
        UploadSession.objects.select_related("stage__scenario", "entry__team")
        .filter(pk=pk, user_id=getattr(user, "pk", None))
        .first()
        if pk
        else None
    )
    if session is None:
        raise NotFound(_("No such upload."), code="upload_not_found")
    return session


def received_chunks(session: UploadSession) -> list[int]:
    """Indexes of the chunks that arrived with a matching checksum, in order."""
    return list(
        UploadChunk.objects.filter(session=session)
        .order_by("index")
        .values_list("index", flat=True)
    )


def missing_chunks(session: UploadSession) -> list[int]:
    received = set(received_chunks(session))
    return [index for index in range(session.chunk_count) if index not in received]


def received_bytes(session: UploadSession, chunks: list[int] | None = None) -> int:
    chunks = received_chunks(session) if chunks is None else chunks
    return sum(session.chunk_span(index)[1] for index in chunks)
