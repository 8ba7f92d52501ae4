from __future__ import annotations

from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "boothwise.geography"
    label = "geography"
