from __future__ import annotations

from django.contrib import admin

from boothwise.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the audit trail is append-only, even for superusers."""

    list_display = ["at", "actor", "verb", "object_type", "object_id", "reason"]
    list_filter = ["verb"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
