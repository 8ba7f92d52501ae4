"""`boothwise votingday-prepare --ac N`: ready an AC's war room on the eve of the poll."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from boothwise.geography.models import Part
from boothwise.votingday.management.common import ac_from_options, add_ac_arguments
from boothwise.votingday.services import past_turnout_load, tally_count


class Command(BaseCommand):
    help = (
        "Count every booth of an AC for the war room: electors on the roll, supporters "
        "(latest outreach support 4–5) and marks so far. Safe to run again at any time. "
        "With --past-turnout, first load each booth's turnout at the last comparable "
        "election from a CSV with the columns part_no,turnout_percent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_ac_arguments(parser)
        parser.add_argument("--past-turnout", type=Path, metavar="FILE.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        ac = ac_from_options(options)
        if options["past_turnout"]:
            try:
                text = options["past_turnout"].read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(
                    _("Cannot read %(file)s: %(error)s")
                    % {"file": options["past_turnout"], "error": error}
                ) from None
            try:
                done = past_turnout_load(ac_id=ac.pk, text=text)
            except ValidationError as error:
                raise CommandError("\n".join(error.messages)) from None
            self.stdout.write(_("Past turnout set for %(n)d booths.") % {"n": done})
        parts = list(Part.objects.filter(ac=ac).values_list("pk", flat=True))
        counted = tally_count(parts)
        self.stdout.write(
            _("%(n)d booths of AC %(ac)d counted for the war room.")
            % {"n": counted, "ac": ac.number}
        )
