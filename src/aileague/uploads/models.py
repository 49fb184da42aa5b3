"""Resumable, chunked uploads: a session per file being uploaded, and the chunks it has received.

The bytes live in one file under storage (``uploads/<id>.part``), written at each chunk's
offset; these rows say which chunks arrived intact. A submission row is made only when the
whole file is there and its SHA-256 matches the one the client announced.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UploadState(models.TextChoices):
    OPEN = "open", _("Open")
    #: One request is checking the file and creating its submission; others wait.
    COMPLETING = "completing", _("Completing")
    COMPLETE = "complete", _("Complete")
    EXPIRED = "expired", _("Expired")
    FAILED = "failed", _("Failed")


#: States whose part file may still be on disk.
ACTIVE_STATES = frozenset({UploadState.OPEN, UploadState.COMPLETING})


class UploadSession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="upload_sessions"
    )
    entry = models.ForeignKey("teams.Entry", on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey("competitions.Stage", on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    description = models.CharField(max_length=500, blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    chunk_size = models.PositiveIntegerField()
    state = models.CharField(
        max_length=10, choices=UploadState.choices, default=UploadState.OPEN, db_index=True
    )
    #: Set when a request starts completing; the finishing update must still carry it.
    claim = models.UUIDField(null=True, blank=True)
    error_code = models.CharField(max_length=50, blank=True)
    submission = models.OneToOneField(
        "submissions.Submission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="upload_session",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["user", "stage", "sha256", "state"])]

    def __str__(self) -> str:
        return f"upload {self.pk} ({self.filename}, {self.state})"

    @property
    def chunk_count(self) -> int:
        return max(1, -(-self.size // self.chunk_size))

    @property
    def part_name(self) -> str:
        """The storage name of the file the chunks are written into."""
        return f"uploads/{self.pk}.part"

    def chunk_span(self, index: int) -> tuple[int, int]:
        """Offset and length in bytes of chunk ``index`` (the last one may be shorter)."""
        offset = index * self.chunk_size
        return offset, min(self.chunk_size, self.size - offset)


class UploadChunk(models.Model):
    session = models.ForeignKey(UploadSession, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "index"], name="one_row_per_chunk")
        ]

    def __str__(self) -> str:
        return f"chunk {self.index} of {self.session_id}"
