"""`boothwise import-roll FILE`: load an electoral roll from the canonical CSV or XLSX."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from boothwise.rolls.models import RollImport
from boothwise.rolls.services import (
    ImportStats,
    RollFileError,
    roll_import,
    roll_import_report,
)

SHOWN_REJECTED = 20


class Command(BaseCommand):
    help = (
        "Import an electoral roll (CSV UTF-8 or XLSX) with the columns ac_no, part_no, "
        "section_no, serial_no, epic_no, name, relation_type, relative_name, house_no, "
        "age, gender, name_en, relative_name_en."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="roll file to import; - reads standard input")
        parser.add_argument(
            "--state", default="RJ", help="abbreviation of the state (default RJ)"
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=5000,
            help="rows per committed batch (default 5000)",
        )
        parser.add_argument(
            "--json", action="store_true", help="print the report as JSON"
        )
        parser.add_argument(
            "--resume",
            type=int,
            metavar="ID",
            help="continue the interrupted import with this id after its last batch",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = bool(options["json"])
        resume = None
        if options["resume"] is not None:
            resume = RollImport.objects.filter(pk=options["resume"]).first()
            if resume is None:
                raise CommandError(
                    _("There is no import %(id)d to resume.")
                    % {"id": options["resume"]}
                )
        stats = ImportStats()
        bar = _Bar(self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr)
        source = options["file"]
        try:
            ri = roll_import(
                file=sys.stdin.buffer if source == "-" else source,
                file_name="-" if source == "-" else "",
                by=None,
                state=options["state"],
                batch_size=options["batch_size"],
                progress=bar.update,
                resume=resume,
                stats=stats,
                notice=bar.note,
            )
        except RollFileError as error:
            bar.close()
            if as_json:
                self.stdout.write(json.dumps({"error": str(error), "file": source}))
            raise CommandError(
                _("%(file)s: %(error)s Nothing was imported.")
                % {"file": source, "error": str(error)},
                returncode=1,
            ) from error
        bar.close()
        if as_json:
            self.stdout.write(
                json.dumps(roll_import_report(ri, stats), ensure_ascii=False, indent=2)
            )
        else:
            self.stdout.write(format_report(ri, stats))


class _Bar:
    """A one-line textual progress bar, redrawn per committed batch."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.started = time.monotonic()
        self.drawn = False

    def update(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        rate = done / max(time.monotonic() - self.started, 1e-6)
        self.out.write(
            "\r[{}{}] {}/{} ({:.0f}/s)".format(
                "#" * filled, "." * (width - filled), done, total, rate
            )
        )
        self.out.flush()
        self.drawn = True

    def note(self, text: str) -> None:
        """A line of its own below the bar (a long step after the last batch)."""
        self.close()
        self.out.write(text + "\n")
        self.out.flush()

    def close(self) -> None:
        if self.drawn:
            self.out.write("\n")
            self.out.flush()
            self.drawn = False


def format_report(ri: RollImport, stats: ImportStats) -> str:
    """The report as a few readable lines for a terminal."""
    lines = [
        _("Imported %(file)s (import %(id)d).") % {"file": ri.file_name, "id": ri.pk},
        _(
            "Rows read: %(rows)d. Created %(created)d, updated %(updated)d, "
            "unchanged %(unchanged)d, deleted %(deleted)d, rejected %(rejected)d."
        )
        % {
            "rows": ri.rows_total,
            "created": ri.created,
            "updated": ri.updated,
            "unchanged": ri.unchanged,
            "deleted": ri.deleted,
            "rejected": ri.rejected,
        },
    ]
    if ri.parts_created:
        lines.append(
            _("Parts created: %(parts)s.") % {"parts": ", ".join(ri.parts_created)}
        )
    if ri.message:
        lines.append(ri.message)
    if ri.warning_text():
        lines.append(ri.warning_text())
    rejected = list(ri.rejected_rows.order_by("line")[:SHOWN_REJECTED])
    if rejected:
        lines.append(_("Rejected rows (not imported):"))
        lines.extend(
            "  " + _("line %(line)d: %(reason)s") % {"line": r.line, "reason": r.reason}
            for r in rejected
        )
        if ri.rejected > len(rejected):
            lines.append(
                "  " + _("… and %(n)d more.") % {"n": ri.rejected - len(rejected)}
            )
    return "\n".join(lines)
