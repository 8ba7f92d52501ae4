"""`boothwise votingday-simulate --ac 100`: replay a simulated polling day for the demo."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from boothwise.organisation.demo import DEFAULT_SEED
from boothwise.votingday.management.common import ac_from_options, add_ac_arguments
from boothwise.votingday.simulate import DayPlan, Replay, SimulationRefused, day_plan


class Command(BaseCommand):
    help = (
        "Replay a realistic polling day for every booth of an AC: marks, official "
        "turnout, incidents and nudges, through the ordinary services, at any speed. "
        "Running it again writes nothing twice and carries on where it stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_ac_arguments(parser)
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--speed",
            type=float,
            default=60.0,
            help="simulated seconds per real second (default 60: a poll hour a minute)",
        )
        mode.add_argument(
            "--instant",
            action="store_true",
            help="write everything up to --until at once",
        )
        parser.add_argument(
            "--until",
            metavar="HH:MM",
            help="stop at this simulated time (default: the end of the poll)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"random seed; the same seed gives the same day (default {DEFAULT_SEED})",
        )
        parser.add_argument(
            "--day",
            metavar="YYYY-MM-DD",
            help="the polling day (default: today in the project's time zone)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ac = ac_from_options(options)
        day = _day(options["day"])
        if options["speed"] <= 0:
            raise CommandError(_("--speed must be more than 0."))
        try:
            plan = day_plan(ac=ac, day=day, seed=options["seed"])
        except SimulationRefused as error:
            raise CommandError(str(error)) from error
        until = (
            plan.ends if options["until"] is None else plan.at(_time(options["until"]))
        )
        now = timezone.now()
        if options["instant"] and until > now:
            until = now
        replay = Replay(plan, until=until, say=self.stdout.write)
        self._header(plan, replay, options)
        try:
            if options["instant"]:
                replay.run_instant()
            else:
                replay.run_live(options["speed"])
        except KeyboardInterrupt:
            self.stdout.write(
                _("Stopped at %(clock)s. Run the same command again to carry on.")
                % {"clock": _hhmm(replay.clock)}
            )
        self._summary(replay, until, now)

    def _header(self, plan: DayPlan, replay: Replay, options: dict[str, Any]) -> None:
        if plan.agents_appointed:
            self.stdout.write(
                ngettext(
                    "Appointed %(n)d polling agent for a booth that had nobody who "
                    "may mark.",
                    "Appointed %(n)d polling agents for booths that had nobody who "
                    "may mark.",
                    plan.agents_appointed,
                )
                % {"n": plan.agents_appointed}
            )
        values = {
            "ac": plan.ac.number,
            "name": plan.ac.name,
            "day": plan.day.isoformat(),
            "start": _hhmm(replay.resumes_at),
            "until": _hhmm(replay.until),
            "booths": len(plan.parts),
            "electors": plan.electors,
            "events": len(replay.pending),
        }
        if options["instant"]:
            line = _(
                "AC %(ac)d %(name)s, %(day)s: %(booths)d booths, %(electors)d "
                "electors. Writing %(events)d events from %(start)s to %(until)s."
            )
        else:
            values["speed"] = options["speed"]
            line = _(
                "AC %(ac)d %(name)s, %(day)s: %(booths)d booths, %(electors)d "
                "electors. Replaying %(events)d events from %(start)s to %(until)s "
                "at %(speed)g× speed; Ctrl-C stops."
            )
        self.stdout.write(line % values)

    def _summary(
        self, replay: Replay, until: datetime.datetime, now: datetime.datetime
    ) -> None:
        t = replay.tally
        self.stdout.write(
            _(
                "Written: %(marks)d marks, %(turnout)d official turnout entries, "
                "%(incidents)d incidents, %(actions)d incident actions, %(nudges)d "
                "nudges."
            )
            % {
                "marks": t.marks,
                "turnout": t.turnout,
                "incidents": t.incidents,
                "actions": t.actions,
                "nudges": t.nudges,
            }
        )
        if t.refused:
            self.stdout.write(
                ngettext(
                    "%(n)d mark was refused by the marking service.",
                    "%(n)d marks were refused by the marking service.",
                    t.refused,
                )
                % {"n": t.refused}
            )
        for problem in t.problems:
            self.stdout.write(problem)
        if until == now and replay.plan.ends > now:
            self.stdout.write(
                _(
                    "It is %(now)s: the day is written up to now. Run again later, or "
                    "with --speed, to carry on as the day goes."
                )
                % {"now": _hhmm(now)}
            )


def _hhmm(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _day(text: str | None) -> datetime.date:
    today = timezone.localdate()
    if text is None:
        return today
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("%(day)s is not a date like 2025-11-14.") % {"day": text}
        ) from None
    if day > today:
        raise CommandError(
            _(
                "%(day)s is still to come: marks entered in the future are refused, so "
                "a polling day can be simulated only on today or an earlier day."
            )
            % {"day": text}
        )
    return day


def _time(text: str) -> datetime.time:
    try:
        hour, minute = (int(x) for x in text.split(":"))
        return datetime.time(hour, minute)
    except ValueError:
        raise CommandError(
            _("%(time)s is not a time like 12:00.") % {"time": text}
        ) from None
