from __future__ import annotations

from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "boothwise.organisation"
    label = "organisation"
