from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingdayConfig(AppConfig):
    name = "boothwise.votingday"
    verbose_name = _("Voting day")
