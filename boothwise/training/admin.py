"""The party keeps its curriculum here; workshops and attendance are browse-only (they
are written through the audited services, and attendance is append-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from boothwise.training.models import Attendance, Curriculum, Topic, Workshop


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ["name_hi", "name", "code", "position", "active"]
    list_editable = ["position", "active"]
    search_fields = ["name", "name_hi", "code"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Sessions and reports refer to the code; it is set once.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Curriculum)
class CurriculumAdmin(admin.ModelAdmin[Curriculum]):
    list_display = ["level"]
    filter_horizontal = ["required_topics"]


class BrowseOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Workshop)
class WorkshopAdmin(BrowseOnly, admin.ModelAdmin[Workshop]):
    list_display = ["title", "level", "unit", "date", "venue", "parent"]
    list_filter = ["level"]
    search_fields = ["title", "venue"]
    raw_id_fields = ["unit", "parent"]


@admin.register(Attendance)
class AttendanceAdmin(BrowseOnly, admin.ModelAdmin[Attendance]):
    list_display = ["at", "session", "person", "kind", "by"]
    list_filter = ["kind"]
    raw_id_fields = ["session", "person", "invitation", "by"]
