from __future__ import annotations

from django.contrib import admin

from boothwise.organisation.models import Person, Post, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    """Browse only: units get their paths from organisation.services.unit_create."""

    list_display = ["name", "level", "path", "part"]
    list_filter = ["level"]
    search_fields = ["name", "name_hi"]
    readonly_fields = ["path", "depth"]
    raw_id_fields = ["parent", "part"]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ["name", "name_en", "unit"]
    search_fields = ["name", "name_en"]
    raw_id_fields = ["unit", "user", "phone_consent"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
    """Browse only: appointments go through the audited services."""

    list_display = [
        "post_type",
        "person",
        "unit",
        "ac",
        "part",
        "start_date",
        "end_date",
    ]
    list_filter = ["post_type"]
    raw_id_fields = ["person", "unit", "ac", "part", "appointed_by", "relieved_by"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
