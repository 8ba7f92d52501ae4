"""Domain-free models: the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who did what, to which object, where, when, and why. Rows are never edited.

    `scope_path` is the party-unit path the change happened under (empty for changes at
    an AC or a page), and `ac_id` the assembly constituency, so the trail can be scoped
    like everything else.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    verb = models.CharField(_("what"), max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    scope_path = models.CharField(max_length=255, blank=True, db_index=True)
    ac_id = models.IntegerField(null=True, blank=True)
    part_id = models.IntegerField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.object_type}#{self.object_id}"
        )
