"""JSON API of resumable, chunked uploads (the protocol is described in docs/uploads.md).

POST /uploads                       announce a file; returns the session (or the open one)
GET  /uploads/{id}                  what has arrived, to resume
PUT  /uploads/{id}/chunks/{index}   one chunk as the raw body, with ``X-Chunk-Sha256``
POST /uploads/{id}/complete         check the whole file and submit it
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from aileague.common.api import token_or_session
from aileague.common.errors import InvalidInput
from aileague.competitions.queries import access_scenario, access_stage
from aileague.submissions.api import SubmissionOut, entry_for, submission_out
from aileague.submissions.models import SubmissionState
from aileague.uploads import services
from aileague.uploads.models import UploadSession
from aileague.uploads.queries import access_upload_session, received_bytes, received_chunks

router = Router(tags=["uploads"])


class UploadIn(Schema):
    scenario: str
    stage: str = ""
    filename: str
    size: int
    sha256: str
    description: str = ""


class UploadOut(Schema):
    id: str
    state: str
    scenario: str
    stage: str
    filename: str
    size: int
    sha256: str
    chunk_size: int
    chunk_count: int
    received_chunks: list[int]
    received_bytes: int
    expires_at: datetime
    submission_id: int | None


def upload_out(session: UploadSession) -> UploadOut:
    chunks = received_chunks(session)
    return UploadOut(
        id=str(session.pk),
        state=session.state,
        scenario=session.stage.scenario.slug,
        stage=session.stage.slug,
        filename=session.filename,
        size=session.size,
        sha256=session.sha256,
        chunk_size=session.chunk_size,
        chunk_count=session.chunk_count,
        received_chunks=chunks,
        received_bytes=received_bytes(session, chunks),
        expires_at=session.expires_at,
        submission_id=session.submission_id,
    )


@router.post("/uploads", response={200: UploadOut, 201: UploadOut}, auth=token_or_session)
def create_upload(request, body: UploadIn):
    """Announce a file: its name, size and SHA-256. 201: a new upload; 200: the open upload of
    the same file, to resume (its ``received_chunks`` need not be sent again)."""
    user = request.auth
    scenario = access_scenario(slug=body.scenario, user=user)
    stage = access_stage(scenario=scenario, slug=body.stage or None)
    session, created = services.start_upload(
        entry=entry_for(user, scenario),
        stage=stage,
        actor=user,
        filename=body.filename,
        size=body.size,
        sha256=body.sha256,
        description=body.description,
    )
    return Status(201 if created else 200, upload_out(session))


@router.get("/uploads/{upload_id}", response=UploadOut, auth=token_or_session)
def get_upload(request, upload_id: str):
    return upload_out(access_upload_session(upload_id=upload_id, user=request.auth))


@router.put("/uploads/{upload_id}/chunks/{index}", response=UploadOut, auth=token_or_session)
def put_chunk(request, upload_id: str, index: int):
    """One chunk as the raw request body (``application/octet-stream``). Chunk ``i`` covers
    bytes ``i * chunk_size`` up to the next chunk; send its SHA-256 in ``X-Chunk-Sha256``.
    Chunks may come in any order; sending one again is harmless."""
    session = access_upload_session(upload_id=upload_id, user=request.auth)
    length = request.META.get("CONTENT_LENGTH") or ""
    if not length.isdigit():
        raise InvalidInput(
            _("Send the chunk with a Content-Length header."), code="length_required"
        )
    # Read from the request stream, never request.body: the chunk is spooled to disk.
    services.store_chunk(
        session=session,
        index=index,
        body=request,
        length=int(length),
        sha256=request.headers.get("X-Chunk-Sha256", ""),
    )
    return upload_out(session)


@router.post(
    "/uploads/{upload_id}/complete",
    response={201: SubmissionOut, 422: SubmissionOut},
    auth=token_or_session,
)
def complete(request, upload_id: str):
    """Check the whole file against the announced SHA-256 and submit it, as
    ``POST /scenarios/{slug}/submissions`` does: 201 queued, 422 refused with every problem.
    Repeating it returns the same submission."""
    user = request.auth
    session = access_upload_session(upload_id=upload_id, user=user)
    submission = services.complete_upload(session=session, actor=user)
    status = 422 if submission.state == SubmissionState.INVALID else 201
    return Status(status, submission_out(submission, user))
