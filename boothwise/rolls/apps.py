from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import pre_migrate


class RollsConfig(AppConfig):
    name = "boothwise.rolls"
    label = "rolls"

    def ready(self) -> None:
        pre_migrate.connect(restore_deferred_indexes, sender=self)


def restore_deferred_indexes(using: str = "default", **kwargs: Any) -> None:
    """Before migrating, build the roll indexes a first load that stopped half-way
    left dropped (rolls/bulkload.py), so that migrations find every index."""
    from django.db import DEFAULT_DB_ALIAS, connection

    from boothwise.rolls import bulkload
    from boothwise.rolls.models import DeferredIndex

    if using != DEFAULT_DB_ALIAS:
        return
    if "rolls_deferredindex" in connection.introspection.table_names():
        bulkload.restore(DeferredIndex.objects.all())
