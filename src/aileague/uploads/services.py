"""Resumable, chunked uploads of large predictions files (up to AILEAGUE_MAX_UPLOAD_BYTES).

A client announces the file (size, SHA-256), sends it in fixed-size chunks, each with its own
SHA-256, in any order and as often as it likes, then asks to complete. Completing checks the
whole file against the announced SHA-256 and hands it to ``submit_predictions``: a submission
row exists only for a complete, verified file, and the quota and deadline rules are the same
as for any other upload.

The chunks are written into one file, ``uploads/<id>.part`` under storage, at their offsets.
Writes and the final check take an exclusive ``flock`` on that file, so a chunk can never land
while the file is being checked (this assumes one host, or a storage that honours flock).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aileague.common import storage
from aileague.common.audit import record_audit
from aileague.common.errors import Conflict, InvalidInput
from aileague.competitions.models import Stage
from aileague.submissions.models import Submission
from aileague.submissions.queries import quota_status
from aileague.submissions.services import check_can_submit, raise_quota, submit_predictions
from aileague.teams.models import Entry
from aileague.uploads.models import ACTIVE_STATES, UploadChunk, UploadSession, UploadState
from aileague.uploads.queries import missing_chunks

#: Unfinished uploads one person may have at once (each may reserve up to 2 GB of disk).
MAX_OPEN_UPLOADS = 5
#: A completion that has not finished after this long is taken to have crashed.
COMPLETING_STALE_AFTER = timedelta(minutes=15)
READ_SIZE = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")


def start_upload(
    *,
    entry: Entry,
    stage: Stage,
    actor,
    filename: str,
    size: int,
    sha256: str,
    description: str = "",
    now: datetime | None = None,
) -> tuple[UploadSession, bool]:
    """Open an upload session, or return the open one for the same file (that is how a client
    resumes; the new name and description replace the old). Returns ``(session, created)``.

    Refuses early what completion would refuse anyway: a file over the limit, a closed stage,
    an exhausted quota. Completion checks again; its check is the one that counts.
    """
    now = now or timezone.now()
    sha256 = _checked_sha256(sha256)
    name = Path(filename.replace("\\", "/")).name[:255]
    if not name:
        raise InvalidInput(_("The file needs a name."), code="filename_required")
    if size < 1:
        raise InvalidInput(_("The file is empty."), code="empty_file")
    if size > settings.AILEAGUE_MAX_UPLOAD_BYTES:
        raise InvalidInput(
            _("The file is %(size)d bytes; the limit is %(limit)d bytes.")
            % {"size": size, "limit": settings.AILEAGUE_MAX_UPLOAD_BYTES},
            code="file_too_large",
        )
    check_can_submit(entry=entry, stage=stage, actor=actor, now=now)
    status = quota_status(entry=entry, stage=stage, now=now)
    if status.blocked_reason:
        raise_quota(entry, stage, now, status=status)
    mine = UploadSession.objects.filter(user=actor, state=UploadState.OPEN, expires_at__gt=now)
    existing = mine.filter(entry=entry, stage=stage, sha256=sha256, size=size).first()
    if existing is not None:
        # The latest announcement names the file and describes it.
        existing.filename, existing.description = name, description[:500]
        existing.save(update_fields=["filename", "description", "updated_at"])
        return existing, False
    if mine.count() >= MAX_OPEN_UPLOADS:
        raise Conflict(
            _("You have %(n)d unfinished uploads; finish one or let it expire first.")
            % {"n": MAX_OPEN_UPLOADS},
            code="too_many_uploads",
        )
    with transaction.atomic():
        session = UploadSession.objects.create(
            user=actor,
            entry=entry,
            stage=stage,
            filename=name,
            description=description[:500],
            size=size,
            sha256=sha256,
            chunk_size=settings.AILEAGUE_UPLOAD_CHUNK_BYTES,
            expires_at=now + timedelta(seconds=settings.AILEAGUE_UPLOAD_SESSION_TTL_S),
        )
        record_audit(
            actor=actor,
            action="upload.start",
            target=session,
            after={"size": size, "sha256": sha256, "stage": stage.pk, "entry": entry.pk},
        )
    path = _part_path(session)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as part:
        part.truncate(size)  # sparse: disk is used as chunks arrive
    return session, True


def store_chunk(
    *,
    session: UploadSession,
    index: int,
    body: BinaryIO,
    length: int,
    sha256: str,
    now: datetime | None = None,
) -> UploadChunk:
    """Receive chunk ``index`` (``length`` bytes read from ``body``) and check its SHA-256.

    Safe to repeat: a chunk that already arrived with the same checksum is not written again.
    The body is spooled (bounded memory) and verified before it touches the part file, so a
    corrupt chunk never overwrites good bytes.
    """
    now = now or timezone.now()
    sha256 = _checked_sha256(sha256, code="invalid_chunk_checksum")
    _check_open(session, now)
    if not 0 <= index < session.chunk_count:
        raise InvalidInput(
            _("Chunk %(index)d is out of range; this upload has chunks 0 to %(last)d.")
            % {"index": index, "last": session.chunk_count - 1},
            code="chunk_out_of_range",
        )
    offset, expected = session.chunk_span(index)
    if length != expected:
        raise InvalidInput(
            _("Chunk %(index)d must be %(expected)d bytes; this one is %(length)d bytes.")
            % {"index": index, "expected": expected, "length": length},
            code="wrong_chunk_size",
            details={"offset": offset, "expected": expected},
        )
    done = UploadChunk.objects.filter(session=session, index=index).first()
    if done is not None:
        return _same_chunk(done, sha256)
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
        received, digest = _copy_hashing(body, spool, length)
        if received != length:
            raise InvalidInput(
                _("Chunk %(index)d arrived incomplete (%(received)d of %(length)d bytes).")
                % {"index": index, "received": received, "length": length},
                code="incomplete_chunk",
            )
        if digest != sha256:
            raise InvalidInput(
                _("Chunk %(index)d does not match its SHA-256; send it again.") % {"index": index},
                code="chunk_checksum_mismatch",
                details={"expected": sha256, "actual": digest},
            )
        with _locked(session):
            _check_open(session, now, fresh=True)
            done = UploadChunk.objects.filter(session=session, index=index).first()
            if done is not None:
                return _same_chunk(done, sha256)
            spool.seek(0)
            _write_at(_part_path(session), offset, spool)
            with transaction.atomic():
                chunk = UploadChunk.objects.create(
                    session=session, index=index, size=length, sha256=sha256
                )
                # Activity keeps a slow upload alive; a silent one expires.
                UploadSession.objects.filter(pk=session.pk).update(
                    updated_at=now,
                    expires_at=now + timedelta(seconds=settings.AILEAGUE_UPLOAD_SESSION_TTL_S),
                )
    return chunk


def complete_upload(*, session: UploadSession, actor, now: datetime | None = None) -> Submission:
    """Check the whole file and submit it. Safe to repeat: once complete, returns its submission.

    A file whose size or SHA-256 differs from the announced ones fails the session (no
    submission row; the client starts a new upload). A refusal by ``submit_predictions`` (quota,
    deadline) leaves the session open, so the same bytes can be completed later.
    """
    now = now or timezone.now()
    if session.state == UploadState.COMPLETE:
        return session.submission
    _check_open(session, now, allow=ACTIVE_STATES)
    missing = missing_chunks(session)
    if missing:
        raise Conflict(
            _("The upload is not complete: %(n)d chunks are missing.") % {"n": len(missing)},
            code="upload_incomplete",
            details={"missing_chunks": missing[:1000]},
        )
    claim = uuid.uuid4()
    claimed = (
        UploadSession.objects.filter(pk=session.pk)
        .filter(
            Q(state=UploadState.OPEN)
            | Q(state=UploadState.COMPLETING, updated_at__lt=now - COMPLETING_STALE_AFTER)
        )
        .update(state=UploadState.COMPLETING, claim=claim, updated_at=now)
    )
    if not claimed:
        session.refresh_from_db()
        if session.state == UploadState.COMPLETE:
            return session.submission
        raise Conflict(
            _("This upload is being completed by another request."), code="upload_completing"
        )
    try:
        with _locked(session):
            stored = _verified_file(session, actor)
        submission = _submit(session, actor, stored, claim, now)
    except BaseException:
        UploadSession.objects.filter(
            pk=session.pk, claim=claim, state=UploadState.COMPLETING
        ).update(state=UploadState.OPEN, claim=None)
        raise
    storage.delete_file(session.part_name)
    session.refresh_from_db()
    return submission


def expire_upload_sessions(*, now: datetime | None = None) -> int:
    """Expire sessions idle past their ``expires_at`` and delete their part files."""
    now = now or timezone.now()
    expired = 0
    for session in UploadSession.objects.filter(state__in=ACTIVE_STATES, expires_at__lt=now):
        with transaction.atomic():
            updated = UploadSession.objects.filter(
                pk=session.pk, state=session.state, expires_at__lt=now
            ).update(state=UploadState.EXPIRED, claim=None)
            if updated:
                record_audit(
                    actor=None,
                    action="upload.expire",
                    target=session,
                    before={"state": session.state},
                    after={"state": UploadState.EXPIRED},
                )
        if updated:
            with _locked(session, missing_ok=True):
                storage.delete_file(session.part_name)
            expired += 1
    return expired


# --- helpers ---------------------------------------------------------------------------------


def _checked_sha256(value: str, code: str = "invalid_checksum") -> str:
    value = (value or "").strip().lower()
    if not _SHA256.fullmatch(value):
        raise InvalidInput(
            _("A SHA-256 checksum is 64 hexadecimal digits; got %(value)s.")
            % {"value": repr(value[:80])},
            code=code,
        )
    return value


def _check_open(session: UploadSession, now: datetime, *, fresh=False, allow=None) -> None:
    if fresh:
        session.refresh_from_db(fields=["state", "expires_at"])
    allow = allow or {UploadState.OPEN}
    if session.state in ACTIVE_STATES and session.expires_at <= now:
        raise Conflict(_("This upload has expired; start it again."), code="upload_expired")
    if session.state not in allow:
        messages = {
            UploadState.COMPLETING: _("This upload is being completed; no more chunks are taken."),
            UploadState.COMPLETE: _("This upload is complete; no more chunks are taken."),
            UploadState.EXPIRED: _("This upload has expired; start it again."),
            UploadState.FAILED: _("This upload failed its checksum; start it again."),
        }
        raise Conflict(messages[session.state], code=f"upload_{session.state}")


def _same_chunk(done: UploadChunk, sha256: str) -> UploadChunk:
    if done.sha256 != sha256:
        raise Conflict(
            _("Chunk %(index)d already arrived with other content.") % {"index": done.index},
            code="chunk_conflict",
            details={"received_sha256": done.sha256},
        )
    return done


def _part_path(session: UploadSession) -> Path:
    return Path(storage.local_path(session.part_name))


@contextmanager
def _locked(session: UploadSession, *, missing_ok: bool = False) -> Iterator[None]:
    """Hold an exclusive lock on the session's part file (released if the process dies)."""
    try:
        fd = os.open(_part_path(session), os.O_RDWR)
    except FileNotFoundError:
        if missing_ok:
            yield
            return
        raise Conflict(
            _("This upload has expired; start it again."), code="upload_expired"
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _copy_hashing(source: BinaryIO, target: BinaryIO, length: int) -> tuple[int, str]:
    digest = hashlib.sha256()
    received = 0
    while received < length:
        data = source.read(min(READ_SIZE, length - received))
        if not data:
            break
        digest.update(data)
        target.write(data)
        received += len(data)
    return received, digest.hexdigest()


def _write_at(path: Path, offset: int, source: BinaryIO) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        while data := source.read(READ_SIZE):
            view = memoryview(data)
            while view:
                written = os.pwrite(fd, view, offset)
                offset += written
                view = view[written:]
        os.fsync(fd)  # the chunk row below promises these bytes are on disk
    finally:
        os.close(fd)


def _verified_file(session: UploadSession, actor) -> storage.StoredFile:
    """Hash the whole part file; on a match, link it where submissions live (no 2 GB copy)."""
    path = _part_path(session)
    size = path.stat().st_size
    with open(path, "rb") as part:
        digest = hashlib.file_digest(part, "sha256").hexdigest()
    if size != session.size or digest != session.sha256:
        _fail(session, actor, digest)
        raise InvalidInput(
            _(
                "The uploaded file does not match its SHA-256 checksum; nothing was submitted. "
                "Upload it again."
            ),
            code="checksum_mismatch",
            details={"expected": session.sha256, "actual": digest},
        )
    suffix = Path(session.filename).suffix.lower()
    name = default_storage.get_available_name(
        f"submissions/{session.stage_id}/{session.entry.team_id}/{session.pk}{suffix}"
    )
    target = Path(storage.local_path(name))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(path, target)
    except OSError:  # a storage without hard links: copy instead
        shutil.copyfile(path, target)
    return storage.StoredFile(name=name, size=size, sha256=digest)


def _submit(
    session: UploadSession, actor, stored: storage.StoredFile, claim, now: datetime
) -> Submission:
    """Create the submission and mark the session complete in one transaction."""
    try:
        with transaction.atomic():
            submission = submit_predictions(
                entry=session.entry,
                stage=session.stage,
                upload=None,
                stored=stored,
                filename=session.filename,
                actor=actor,
                description=session.description,
                now=now,
            )
            finished = UploadSession.objects.filter(
                pk=session.pk, claim=claim, state=UploadState.COMPLETING
            ).update(state=UploadState.COMPLETE, claim=None, submission=submission)
            if not finished:
                raise Conflict(
                    _("This upload is being completed by another request."),
                    code="upload_completing",
                )
            record_audit(
                actor=actor,
                action="upload.complete",
                target=session,
                before={"state": UploadState.COMPLETING},
                after={"state": UploadState.COMPLETE, "submission": submission.pk},
            )
    except BaseException:
        storage.delete_file(stored.name)  # no row refers to it
        raise
    return submission


def _fail(session: UploadSession, actor, digest: str) -> None:
    with transaction.atomic():
        UploadSession.objects.filter(pk=session.pk).update(
            state=UploadState.FAILED, claim=None, error_code="checksum_mismatch"
        )
        record_audit(
            actor=actor,
            action="upload.fail",
            target=session,
            before={"state": UploadState.COMPLETING},
            after={"state": UploadState.FAILED, "sha256": digest},
        )
    storage.delete_file(session.part_name)
