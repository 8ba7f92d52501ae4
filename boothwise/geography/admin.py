from __future__ import annotations

from django.contrib import admin

from boothwise.geography.models import (
    AssemblyConstituency,
    ParliamentaryConstituency,
    Part,
    Section,
    State,
)


@admin.register(State)
class StateAdmin(admin.ModelAdmin[State]):
    list_display = ["code", "abbr", "name", "name_hi"]


@admin.register(ParliamentaryConstituency)
class PcAdmin(admin.ModelAdmin[ParliamentaryConstituency]):
    list_display = ["number", "name", "state", "reserved"]
    list_filter = ["state"]
    search_fields = ["name"]


@admin.register(AssemblyConstituency)
class AcAdmin(admin.ModelAdmin[AssemblyConstituency]):
    list_display = ["number", "name", "pc", "state", "reserved"]
    list_filter = ["state"]
    search_fields = ["name"]


@admin.register(Part)
class PartAdmin(admin.ModelAdmin[Part]):
    list_display = ["number", "name", "ac"]
    search_fields = ["name", "number"]
    raw_id_fields = ["ac"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin[Section]):
    list_display = ["number", "name", "part"]
    raw_id_fields = ["part"]
