from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "boothwise.core"
    label = "core"

    def ready(self) -> None:
        from boothwise.core import lookups

        lookups.register()
