"""What the voting-day commands share: picking the AC from `--ac` and `--state`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from boothwise.geography.models import AssemblyConstituency


def add_ac_arguments(parser: CommandParser) -> None:
    parser.add_argument("--ac", type=int, required=True, help="AC number, e.g. 100")
    parser.add_argument(
        "--state", default="RJ", help="abbreviation of the state (default RJ)"
    )


def ac_from_options(options: dict[str, Any]) -> AssemblyConstituency:
    """The AC the options name; a clear CommandError when there is none."""
    ac = AssemblyConstituency.objects.filter(
        state__abbr=options["state"], number=options["ac"]
    ).first()
    if ac is None:
        raise CommandError(
            _("There is no AC %(ac)s in %(state)s.")
            % {"ac": options["ac"], "state": options["state"]}
        )
    return ac
