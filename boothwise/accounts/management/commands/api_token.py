"""`boothwise api_token USERNAME --name NAME`: make an API token and print its key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from boothwise.accounts.models import User
from boothwise.accounts.tokens import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print its key (shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="command line", help="What the token is for."
        )

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(
                _("No active user is called %(username)s.") % {"username": username}
            )
        token, key = api_token_create(user=user, name=name)
        # The key alone on stdout, so a script can capture it; the note goes to stderr.
        self.stdout.write(key)
        self.stderr.write(
            _(
                "Token “%(name)s” made for %(username)s. Keep the key now: it is not shown again."
            )
            % {"name": token.name, "username": user.username}
        )
