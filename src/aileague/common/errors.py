"""Domain errors. Services raise these; adapters (views, API, CLI) turn them into responses.

Each error has a stable ``code`` that clients can rely on and a translatable message. ``details``
carries structured data such as a list of validation problems.
"""

from __future__ import annotations

from typing import Any


class AileagueError(Exception):
    code = "error"
    #: The HTTP status the JSON API answers with; only adapters read it.
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = str(message)
        if code is not None:
            self.code = code
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            payload["details"] = self.details
        return payload


class NotFound(AileagueError):
    code = "not_found"
    http_status = 404


class PermissionDenied(AileagueError):
    code = "permission_denied"
    http_status = 403


class InvalidInput(AileagueError):
    code = "invalid_input"
    http_status = 422


class Conflict(AileagueError):
    code = "conflict"
    http_status = 409


class QuotaExceeded(AileagueError):
    code = "quota_exceeded"
    http_status = 429


class DeadlinePassed(AileagueError):
    code = "stage_closed"
    http_status = 409
