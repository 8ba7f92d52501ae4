"""`boothwise search QUERY --ac 100 [--state RJ] --limit 5 --json`: find electors.

With no QUERY, reads one query per line from standard input and prints one result per
line, in order (with --json, one JSON array per line). Runs as the system: every
elector, or those of --ac.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from boothwise.accounts.access import Scope
from boothwise.geography.models import AssemblyConstituency
from boothwise.rolls.search import SearchHit, voters_search


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = "Find electors by name (either script), EPIC, house number or age."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "query", nargs="?", help="The query; without it, one query per stdin line."
        )
        parser.add_argument("--ac", type=int, help="Assembly constituency number.")
        parser.add_argument(
            "--state", default="RJ", help="State abbreviation (default RJ)."
        )
        parser.add_argument("--limit", type=int, default=5)
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def _ac_id(self, number: int | None, state: str | None) -> int | None:
        if number is None:
            return None
        acs = AssemblyConstituency.objects.filter(number=number)
        if state:
            acs = acs.filter(state__abbr__iexact=state)
        ids = list(acs.values_list("id", flat=True)[:1])
        if not ids:
            raise CommandError(
                _("No such assembly constituency: %(ac)s.") % {"ac": number}
            )
        return ids[0]

    def _write(self, hits: list[SearchHit], as_json: bool) -> None:
        if as_json:
            self.stdout.write(
                json.dumps([hit.as_dict() for hit in hits], ensure_ascii=False)
            )
            return
        for hit in hits:
            d = hit.as_dict()
            self.stdout.write(
                f"{d['score']:.3f}  {d['epic_no']:<12} {d['name']} ({d['name_en']})  "
                f"{d['relation_type']} {d['relative_name']}  {d['age'] or ''} "
                f"{d['gender']}  h.{d['house_no']}  "
                f"{d['ac_no']}/{d['part_no']}/{d['serial_no']}"
            )
        if not hits:
            self.stdout.write(_("No match."))

    def handle(
        self,
        *args: Any,
        query: str | None,
        ac: int | None,
        state: str | None,
        limit: int,
        json: bool,
        **options: Any,
    ) -> None:
        ac_id = self._ac_id(ac, state)
        system = Scope(everything=True)

        def run(text: str) -> list[SearchHit]:
            return voters_search(
                user_or_scope=system, query=text, ac_id=ac_id, limit=limit
            )

        if query is not None:
            self._write(run(query), json)
            return
        for line in options.get("stdin") or sys.stdin:
            self._write(run(line.strip()), json)
            self.stdout.flush()
