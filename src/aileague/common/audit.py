"""The audit log: every state-changing service records who did what, when, before and after."""

from __future__ import annotations

from typing import Any

from django.db import models

from aileague.common.models import AuditEntry


def record_audit(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry. Call inside the transaction that makes the change."""
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor_obj,
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        before=before,
        after=after,
    )
