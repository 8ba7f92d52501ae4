from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from boothwise.accounts.models import ApiToken, User


@admin.register(User)
class BoothwiseUserAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("boothwise", {"fields": ("language",)}))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
