from __future__ import annotations

from django.apps import AppConfig


class RollsConfig(AppConfig):
    name = "boothwise.rolls"
    label = "rolls"
