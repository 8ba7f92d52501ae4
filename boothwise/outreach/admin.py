"""Read-only admin for outreach: field records are changed by services, never by hand."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from boothwise.outreach.models import Campaign, FollowUp, Visit


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnly):
    list_display = ["name", "starts_on", "ends_on"]


@admin.register(Visit)
class VisitAdmin(ReadOnly):
    list_display = ["campaign", "part", "serial_no", "outcome", "at", "by"]
    list_select_related = ["campaign", "part", "by"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnly):
    list_display = ["campaign", "part", "serial_no", "status", "due_on"]
    list_select_related = ["campaign", "part"]
