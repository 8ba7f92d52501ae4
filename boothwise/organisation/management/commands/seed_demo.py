"""`boothwise seed-demo`: fill an empty database with the demo organisation."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from boothwise.organisation.demo import (
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DemoRefused,
    demo_plan,
    demo_seed,
)
from boothwise.organisation.models import Unit
from boothwise.outreach.demo import outreach_demo_seed, outreach_demo_summary
from boothwise.rolls.demo import (
    FULL_PER_PART,
    SMALL_PER_PART,
    demo_rolls_load,
)
from boothwise.training.demo import training_demo_seed


class Command(BaseCommand):
    help = (
        "Fill an empty database with the demo: Ajmer city on the real polling stations "
        "of AC 100 and AC 101, synthetic cadre, and one login per persona."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (successfully) when the database already has party units",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"random seed; the same seed gives the same demo (default {DEFAULT_SEED})",
        )
        parser.add_argument(
            "--full-rolls",
            action="store_true",
            help=(
                f"generate {FULL_PER_PART} electors per part (about 2 lakh per AC) "
                f"instead of {SMALL_PER_PART}"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        units = Unit.objects.count()
        if units:
            message = _(
                "The database already has %(count)d party units, so the demo was not "
                "loaded. seed-demo only fills an empty database."
            ) % {"count": units}
            if options["if_empty"]:
                self.stdout.write(message)
                return
            raise CommandError(
                message + " " + _("Use a fresh DATA_DIR or DATABASE_URL for the demo."),
                returncode=1,
            )
        started = time.monotonic()
        plan = demo_plan(options["seed"])
        try:
            result = demo_seed(plan)
            rolls = demo_rolls_load(
                seed=plan.seed,
                per_part=FULL_PER_PART if options["full_rolls"] else SMALL_PER_PART,
            )
            training = training_demo_seed(seed=plan.seed)
            outreach = outreach_demo_seed(seed=plan.seed)
        except DemoRefused as error:
            raise CommandError(str(error), returncode=1) from error
        seconds = time.monotonic() - started
        self.stdout.write(
            _(
                "Demo loaded in %(seconds).1f s (seed %(seed)d): %(units)d units, "
                "%(booths)d booths, %(people)d people, %(posts)d posts, "
                "%(phones)d phone numbers with consent."
            )
            % {
                "seconds": seconds,
                "seed": plan.seed,
                "units": result.units,
                "booths": result.booths,
                "people": result.people,
                "posts": result.posts,
                "phones": result.phones,
            }
        )
        self.stdout.write(
            _(
                "Rolls: %(electors)d generated electors in %(parts)d parts of AC 100 "
                "and AC 101 (%(imports)d imports, %(marks)d verification marks)."
            )
            % {
                "electors": rolls.electors,
                "parts": rolls.parts,
                "imports": len(rolls.imports),
                "marks": rolls.marks,
            }
        )
        self.stdout.write(
            _(
                "Training: %(workshops)d workshops, %(invitations)d invitations, "
                "%(checkins)d check-ins, %(directives)d directives."
            )
            % {
                "workshops": training.workshops,
                "invitations": training.invitations,
                "checkins": training.checkins,
                "directives": training.directives,
            }
        )
        self.stdout.write(outreach_demo_summary(outreach))
        self.stdout.write(
            _(
                "Demo logins %(logins)s all have the password %(password)s. This is "
                "a demo only: never use these accounts with real data. "
                "`boothwise demo-logins` lists them."
            )
            % {"logins": ", ".join(result.logins), "password": DEMO_PASSWORD}
        )
