"""`boothwise outreach-escalate`: send overdue grievances to the block (for cron)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from boothwise.outreach.services import followups_escalate


class Command(BaseCommand):
    help = (
        "Escalate open follow-ups past their due date to the block above their booth. "
        "Safe to run often: each follow-up is escalated once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        count = followups_escalate()
        if options["json"]:
            self.stdout.write(json.dumps({"escalated": count}))
        else:
            self.stdout.write(
                _("%(n)d overdue follow-ups escalated to their block.") % {"n": count}
            )
