"""`boothwise import-stations FILE`: load polling stations from the canonical CSV."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from boothwise.geography.models import State
from boothwise.geography.stations import (
    StationFileError,
    StationImportReport,
    stations_import,
)


class Command(BaseCommand):
    help = (
        "Import polling stations from a CSV with the columns ac_no, part_no, name, "
        "address, latitude, longitude (address and coordinates optional)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file to import; - reads standard input")
        parser.add_argument(
            "--state",
            default="RJ",
            help="abbreviation of the state the stations belong to (default RJ)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and report what would change, without writing",
        )
        parser.add_argument(
            "--json", action="store_true", help="print the report as JSON"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        abbr = str(options["state"]).strip().upper()
        state = State.objects.filter(abbr=abbr).first()
        if state is None:
            raise CommandError(
                _("Unknown state %(state)s. Use an abbreviation such as RJ or UP.")
                % {"state": options["state"]}
            )
        as_json = bool(options["json"])
        try:
            if options["file"] == "-":
                report = stations_import(
                    file=sys.stdin.buffer,
                    source="-",
                    state=state,
                    by=None,
                    dry_run=options["dry_run"],
                )
            else:
                report = stations_import(
                    path=options["file"],
                    state=state,
                    by=None,
                    dry_run=options["dry_run"],
                )
        except StationFileError as error:
            if as_json:
                self.stdout.write(
                    json.dumps({"error": str(error), "file": options["file"]})
                )
            raise CommandError(
                _("%(file)s: %(error)s. Nothing was imported.")
                % {"file": options["file"], "error": str(error).rstrip(".")},
                returncode=1,
            ) from error
        if as_json:
            self.stdout.write(
                json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
            )
        else:
            self.stdout.write(format_report(report))


def format_report(report: StationImportReport) -> str:
    """The report as a few readable lines for a terminal."""
    lines = [
        (
            _("Dry run of %(source)s for %(state)s: nothing was written.")
            if report.dry_run
            else _("Imported %(source)s for %(state)s.")
        )
        % {"source": report.source, "state": report.state},
        _(
            "Rows read: %(rows)d. Created %(created)d, updated %(updated)d, "
            "unchanged %(unchanged)d, rejected %(rejected)d, warnings %(warnings)d."
        )
        % report.counts(),
    ]
    for title, issues in (
        (_("Rejected rows (not imported):"), report.rejected),
        (_("Warnings (row imported):"), report.warnings),
    ):
        if issues:
            lines.append(title)
            lines.extend(
                "  "
                + _("line %(line)d (AC %(ac)s, part %(part)s): %(reason)s")
                % {
                    "line": issue.line,
                    "ac": issue.ac_no or "-",
                    "part": issue.part_no or "-",
                    "reason": issue.reason,
                }
                for issue in issues
            )
    return "\n".join(lines)
