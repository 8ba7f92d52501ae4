"""`boothwise demo-logins`: the demo personas, their password and what they see."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from boothwise.accounts.access import scope_for, visible
from boothwise.accounts.models import User
from boothwise.accounts.permissions import Action
from boothwise.organisation.demo import DEMO_PASSWORD, LOGINS
from boothwise.organisation.models import Unit

URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = "List the demo logins made by seed-demo, with what each persona can see."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--url",
            default=URL,
            help=f"Where the server answers (default {URL}; `make run HOST=…` sets it).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The table is for whoever runs the demo at a terminal: English, as the
        # persona descriptions are written.
        with translation.override("en"):
            self.print_table(options["url"])

    def print_table(self, url: str) -> None:
        users = {
            u.username: u
            for u in User.objects.filter(username__in=[d.username for d in LOGINS])
        }
        if not users:
            self.stdout.write(
                _(
                    "There are no demo logins in this database. "
                    "`boothwise seed-demo` creates them."
                )
            )
            return
        rows = [(_("username"), _("password"), _("persona"), _("can see"))]
        for login in LOGINS:
            user = users.get(login.username)
            if user is None:
                rows.append((login.username, "-", str(login.persona), _("(missing)")))
                continue
            name = user.get_full_name()
            persona = f"{login.persona} ({name})" if name else str(login.persona)
            rows.append((login.username, DEMO_PASSWORD, persona, sees(user)))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            cells = [
                cell.ljust(width) for cell, width in zip(row, widths, strict=False)
            ]
            self.stdout.write("  ".join([*cells, row[3]]).rstrip())
        self.stdout.write("")
        self.stdout.write(
            _(
                "Open %(url)s and log in as one of them (run `make run` or `boothwise runserver`)."
            )
            % {"url": url}
        )
        self.stdout.write(
            _("The password %(password)s is for the demo only.")
            % {"password": DEMO_PASSWORD}
        )


def sees(user: User) -> str:
    """What `user` may see, in a few words: booths per AC, or their page."""
    action = Action.VIEW_ORGANISATION
    booths = visible(user, action, Unit.objects.filter(level=Unit.Level.BOOTH))
    per_ac = list(
        booths.values("part__ac__number", "part__ac__name")
        .annotate(n=Count("id"))
        .order_by("part__ac__number")
    )
    total = sum(row["n"] for row in per_ac)
    if not total:
        return _("nothing")
    acs = ", ".join(
        f"AC {row['part__ac__number']} {row['part__ac__name']}: {row['n']}"
        for row in per_ac
    )
    scope = scope_for(user, action)
    if scope.pages and not scope.unit_paths and not scope.ac_ids:
        pages = "; ".join(
            _("serials %(first)d–%(last)d of part %(ac)d/%(part)s")
            % {
                "first": first,
                "last": last,
                "ac": post.part.ac.number,
                "part": post.part.number,
            }
            for post, (_part, first, last) in zip(
                (p for p in scope.posts if p.part is not None),
                scope.pages,
                strict=False,
            )
            if post.part is not None
        )
        return _("one page: %(pages)s") % {"pages": pages}
    return ngettext(
        "%(count)d booth (%(acs)s)", "%(count)d booths (%(acs)s)", total
    ) % {
        "count": total,
        "acs": acs,
    }
