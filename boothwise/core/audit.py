"""Write the audit trail. Every write to organisation data calls `audit_record`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from boothwise.core.models import AuditEvent


def audit_record(
    *,
    actor: Any,
    verb: str,
    obj: Any,
    scope_path: str = "",
    ac_id: int | None = None,
    part_id: int | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event; `obj` is any model instance (its class name and pk are kept).

    `actor` is the acting user; anonymous or None means the system itself.
    """
    return AuditEvent.objects.create(
        actor=actor
        if actor is not None and not isinstance(actor, AnonymousUser)
        else None,
        verb=verb,
        object_type=type(obj).__name__,
        object_id=str(obj.pk),
        scope_path=scope_path,
        ac_id=ac_id,
        part_id=part_id,
        reason=reason,
        data=data or {},
    )
